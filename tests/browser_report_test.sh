#!/usr/bin/env bash
# Opens an exercise report page in headless Chromium with the network unused, and checks that
# the map SVG is in the DOM, that the inline script ran (it sets <body data-ready="1">), and
# that a screenshot renders.
#
#   tests/browser_report_test.sh REPORT.html OUT_DIR
#
# Writes OUT_DIR/dom.html and OUT_DIR/report.png. Exit 0 on pass; otherwise one line saying
# why, and exit 1 (or 77, "skipped" for ctest's SKIP_RETURN_CODE, when no Chromium exists).
set -uo pipefail

fail() {
  echo "browser_report_test: FAIL: $*" >&2
  exit 1
}

[ $# -eq 2 ] || fail "usage: $0 REPORT.html OUT_DIR"
report=$1
out=$2
[ -s "$report" ] || fail "no report at $report"
mkdir -p "$out" || fail "cannot create $out"

chromium=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then
    chromium=$(command -v "$c")
    break
  fi
done
if [ -z "$chromium" ]; then
  echo "browser_report_test: SKIP: no chromium on PATH" >&2
  exit 77
fi

url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$profile")

timeout 120 "$chromium" "${flags[@]}" --dump-dom "$url" >"$out/dom.html" 2>"$out/chromium-dom.log" ||
  fail "chromium --dump-dom failed (see $out/chromium-dom.log)"
grep -q '<svg id="map-svg"' "$out/dom.html" || fail "the DOM has no map svg (id=map-svg)"
grep -q 'class="ln L-truth"' "$out/dom.html" || fail "the map has no true trajectory"
grep -q '<body[^>]*data-ready="1"' "$out/dom.html" || fail "the inline script did not run (no data-ready=\"1\" on body)"

rm -f "$out/report.png"
timeout 120 "$chromium" "${flags[@]}" --screenshot="$out/report.png" --window-size=1280,2400 "$url" \
  >"$out/chromium-shot.log" 2>&1 || fail "chromium --screenshot failed (see $out/chromium-shot.log)"
[ -f "$out/report.png" ] || fail "no screenshot at $out/report.png"
size=$(stat -c %s "$out/report.png")
[ "$size" -gt 50000 ] || fail "screenshot $out/report.png is only $size bytes (blank page?)"

echo "browser_report_test: PASS ($out/report.png, $size bytes)"
