// Frames per second of the map with N synthetic tracks (the page's own benchmark,
// window.trilink.bench: N system tracks with trails and velocity vectors moving across the
// whole map, every frame a full redraw), in Debian's headless Chromium, measured with the
// Performance API. Several reports are run in turn, RUNS times each (A, B, A, B, ...), so that
// two builds compared on a shared machine see the same load.
//
//   node bench/frame_rate.mjs REPORT.html [REPORT2.html ...]
//   RUNS=4 TRACKS=10000 BENCH_SECONDS=3 node bench/frame_rate.mjs build/browser/f08/report.html
//
// Prints per run: frames per second, the mean time of a frame's work in the page (fold and
// draw: the 'trilink-frame' measure) and the tracks drawn; then per report the median and the
// range of the runs.
import { resolve } from 'node:path';
import { openBrowser, openPage } from '../test/browser.mjs';

const reports = process.argv.slice(2);
if (reports.length === 0) {
  console.error('usage: node bench/frame_rate.mjs REPORT.html [REPORT2.html ...]');
  process.exit(2);
}
const runs = Number(process.env.RUNS ?? 3);
const tracks = Number(process.env.TRACKS ?? 10000);
const seconds = Number(process.env.BENCH_SECONDS ?? 3);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const results = new Map(reports.map((r) => [r, []]));
const browser = await openBrowser();
try {
  for (let run = 0; run < runs; run++) {
    for (const report of reports) {
      const page = await openPage(browser);
      await page.goto(`file://${resolve(report)}`);
      await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 30000 });
      const r = await page.evaluate(([n, s]) => window.trilink.bench(n, s), [tracks, seconds]);
      await page.close();
      results.get(report).push(r);
      console.log(`${report} run ${run + 1}: ${r.fps.toFixed(1)} fps, mean frame ${r.mean_frame_ms.toFixed(1)} ms (${r.frames} frames, ${r.draws} draws in ${r.seconds.toFixed(2)} s; ${r.tracks_drawn} tracks, ${r.trails} trails, ${r.vectors} vectors drawn)`);
    }
  }
} finally {
  await browser.close();
}
for (const [report, rs] of results) {
  const fps = rs.map((r) => r.fps);
  const ms = rs.map((r) => r.mean_frame_ms);
  console.log(`${report}: median ${median(fps).toFixed(1)} fps (${Math.min(...fps).toFixed(1)}-${Math.max(...fps).toFixed(1)}), mean frame median ${median(ms).toFixed(1)} ms (${Math.min(...ms).toFixed(1)}-${Math.max(...ms).toFixed(1)}), ${runs} runs of ${seconds} s with ${tracks} tracks`);
}
