#!/usr/bin/env python3
"""Launch alerts from space, per launch: reads the summary.json of exercise runs (one folder per
scenario, as `trilink exercise X.yaml --out DIR/X` writes them) and prints, for every launch a
satellite saw, seconds after its own lift-off: plume first visible, first confirmed space track,
the trilateral launch alert at USA / JPN / KOR, and the launch-point error (km) of the first
launch report from space; "LATE" when an alert came later than 20 s. Last line: the counts.

usage: launch_alerts.py DIR
"""
import glob, json, os, sys

if len(sys.argv) != 2:
    sys.exit(__doc__)
seen = within = point_5km = 0


def fmt(x):
    return "-" if x is None else f"{x:.1f}"


for path in sorted(glob.glob(os.path.join(sys.argv[1], "*", "summary.json"))):
    scenario = os.path.basename(os.path.dirname(path))
    for launch in json.load(open(path))["launches"]:
        space = launch.get("space")
        if not space or space.get("first_visible_s") is None:
            continue
        timeline = launch["timeline"]["trilateral"]
        alerts = [timeline[n]["launch_alert_s"] for n in ("USA", "JPN", "KOR")]
        ok = all(a is not None and a <= 20.0 for a in alerts)
        error_m = space.get("launch_point_error_m")
        seen += 1
        within += ok
        point_5km += error_m is not None and error_m <= 5e3
        print(scenario, launch["id"], fmt(space["first_visible_s"]), fmt(space["first_track_s"]),
              "/".join(fmt(a) for a in alerts), fmt(None if error_m is None else error_m / 1e3),
              "" if ok else "LATE")
print(f"launches seen {seen}; launch alert within 20 s at every nation {within}; "
      f"launch point within 5 km at the first report {point_5km}")
