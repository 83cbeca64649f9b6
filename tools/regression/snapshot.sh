#!/usr/bin/env bash
# snapshot.sh TRILINK OUTDIR: the outputs a refactor must leave unchanged, for comparing two
# builds with compare.sh. Every bundled scenario's `trilink exercise` (report.html,
# recording.db as an SQL dump, summary.json less its machine-dependent fields as
# summary.json.cmp) but raid32 and raid100 (minutes each: BENCHMARKS.md, "Raids"), and
# `trilink track` for f06, f08 and salvo with JPN and ALL radars.
# Needs python3 and sqlite3. About 2 minutes on 2 cores.
set -euo pipefail
bin=$(realpath "$1"); out=$(realpath -m "$2")
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
for f in "$root"/scenarios/*.yaml; do
  n=$(basename "$f" .yaml); [ "$n" = catalogue ] && continue
  # The large raids take minutes each (BENCHMARKS.md, "Raids"): left to the benchmarks.
  case "$n" in raid32 | raid100) continue ;; esac
  rm -rf "$out/ex-$n"
  (cd "$root" && "$bin" exercise "$f" --out "$out/ex-$n" --quiet) || echo "FAIL exercise $n"
  python3 - "$out/ex-$n/summary.json" <<'PY'
import json, sys
p = sys.argv[1]
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in ("wall_s", "realtime_factor")}
    if isinstance(o, list):  # the speed target's text holds the wall time
        return [strip(x) for x in o
                if not (isinstance(x, dict) and str(x.get("name", "")).startswith("exercise runs"))]
    return o
json.dump(strip(json.load(open(p))), open(p + ".cmp", "w"), indent=1, sort_keys=True)
PY
  sqlite3 "$out/ex-$n/recording.db" .dump > "$out/ex-$n/recording.sql"
  rm -f "$out/ex-$n/recording.db"
done
for n in f06 f08 salvo; do
  for nation in JPN ALL; do
    rm -rf "$out/tr-$n-$nation"
    (cd "$root" && "$bin" track "scenarios/$n.yaml" --nation $nation --out "$out/tr-$n-$nation" >/dev/null) ||
      echo "FAIL track $n $nation"
  done
done
