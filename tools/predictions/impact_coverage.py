#!/usr/bin/env python3
"""Monte Carlo of impact predictions: runs `trilink track SCENARIO` over seeds K..K+N-1 (the
scenario's seed replaced) and scores every published impact prediction of the chosen launches:
how many, the fraction whose 95 % ellipse holds the true impact, the error of the last one
before impact (median, max over runs), the median semi-major axis.

usage: impact_coverage.py TRILINK SCENARIO.yaml RUNS [--first-seed K] [--launch ID ...] [--jobs J]
"""
import argparse, csv, os, re, subprocess, statistics, sys, tempfile, time, concurrent.futures

ap = argparse.ArgumentParser()
ap.add_argument("trilink")
ap.add_argument("scenario")
ap.add_argument("runs", type=int)
ap.add_argument("--first-seed", type=int, default=1)
ap.add_argument("--launch", nargs="*", default=None)
ap.add_argument("--nation", default="ALL")
ap.add_argument("--jobs", type=int, default=1)
a = ap.parse_args()

text = open(a.scenario).read()
tmp = tempfile.mkdtemp(prefix="impcov-")
sdir = os.path.dirname(os.path.abspath(a.scenario))


def one(seed):
    y = os.path.join(sdir, f".impcov-{os.getpid()}-{seed}.yaml")
    with open(y, "w") as f:
        f.write(re.sub(r"(?m)^seed:.*$", f"seed: {seed}", text))
    out = os.path.join(tmp, str(seed))
    try:
        subprocess.run(["nice", a.trilink, "track", y, "--nation", a.nation, "--out", out],
                       check=True, stdout=subprocess.DEVNULL)
    finally:
        os.remove(y)
    with open(os.path.join(out, "impacts.csv")) as f:
        return seed, list(csv.DictReader(f))


t0 = time.time()
with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
    results = list(ex.map(one, range(a.first_seed, a.first_seed + a.runs)))
per = {}
for seed, rows in results:
    for r in rows:
        if r["valid"] != "1" or not r["truth"]:
            continue
        if a.launch and r["truth"] not in a.launch:
            continue
        d = per.setdefault(r["truth"], {"n": 0, "inside": 0, "semi": [], "last": {}})
        d["n"] += 1
        d["inside"] += int(r["inside_95"])
        d["semi"].append(float(r["semi_major_m"]))
        t = float(r["t_s"])
        if seed not in d["last"] or t >= d["last"][seed][0]:
            d["last"][seed] = (t, float(r["error_m"]), int(r["inside_95"]))
print(f"# {a.scenario} runs {a.runs} seeds {a.first_seed}..{a.first_seed + a.runs - 1} "
      f"({time.time() - t0:.0f} s)")
print("launch,runs,runs_with_prediction,predictions,inside_95,median_last_error_km,"
      "max_last_error_km,median_semi_major_km")
for lid, d in sorted(per.items()):
    last = [v[1] for v in d["last"].values()]
    print(f"{lid},{a.runs},{len(d['last'])},{d['n']},{d['inside'] / d['n']:.3f},"
          f"{statistics.median(last) / 1e3:.1f},{max(last) / 1e3:.1f},"
          f"{statistics.median(d['semi']) / 1e3:.1f}")
