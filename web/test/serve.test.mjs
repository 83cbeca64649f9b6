// `trilink serve --recording` in Debian's Chromium (playwright-core), on loopback only:
//   TRILINK=build/trilink TRILINK_RECORDING=out/f08/recording.db TRILINK_REPORT=out/f08/report.html \
//   TRILINK_SCENARIO=scenarios/f08.yaml node --test test/serve.test.mjs
// The page receives the stream; the slider seeks the server's replay to a time and the picture
// shows the state at that time (its alerts, launch reports and impact predictions counted up to
// that time from the same exercise's report, whose picture carries every one of them); F08's
// threat alert appears in Japan's alert panel; seeking back empties it again; play advances.
// And bad input: a corrupt recording and a port in use give one line and exit code 2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import CoT from '@tak-ps/node-cot';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBrowser, openPage, embeddedPicture, chromiumPath } from './browser.mjs';

const trilink = process.env.TRILINK;
// Wall-clock waits are for the Release build; ./run check's sanitized one scales them (tests/CMakeLists.txt).
const slow = Number(process.env.TRILINK_TIME_SCALE) || 1;
const recording = process.env.TRILINK_RECORDING;
const report = process.env.TRILINK_REPORT;
const scenario = process.env.TRILINK_SCENARIO;
const skip = !trilink || !recording || !report ? 'TRILINK, TRILINK_RECORDING or TRILINK_REPORT not set' : false;
const skipBrowser = skip || (!chromiumPath() ? 'no chromium' : false);

let server;
let url;
let cotPort;
let browser;
let page;
let picture;

// Starts `trilink serve` on any free loopback port and waits (bounded) for its "serving" line
// (and its "cot stream" line when it has one).
function serve(args) {
  const wantCot = args.includes('--cot-listen');
  return new Promise((resolve, reject) => {
    const child = spawn(trilink, ['serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "serving" line in ${30 * slow} s: ${out}`)), 30000 * slow);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      const c = out.match(/cot stream on tcp:\/\/127\.0\.0\.1:(\d+)\//);
      if (m && (c || !wantCot)) {
        clearTimeout(timer);
        resolve({ child, url: m[1], cot: c ? Number(c[1]) : null });
      }
    });
    child.on('exit', (code) => reject(new Error(`trilink serve exited ${code}: ${out}`)));
  });
}

before(async () => {
  if (skipBrowser) return;
  picture = embeddedPicture(report);
  ({ child: server, url, cot: cotPort } = await serve(['--recording', recording, '--listen', '127.0.0.1:0', '--cot-listen', '127.0.0.1:0', '--nation', 'JPN', ...(scenario ? ['--scenario', scenario] : [])]));
  browser = await openBrowser();
  page = await openPage(browser, url.replace(/\/$/, ''));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('source').textContent === 'replay', null, { timeout: 30000 * slow });
  await page.evaluate(() => window.trilink.setView('JPN', 'trilateral'));
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
});

// JPN's trilateral view in the report, up to t: its messages by type (alerts, launch reports and
// impact predictions are all in the report; track updates are thinned there, so not counted).
function expected(t) {
  const counts = { alert: 0, launch_report: 0, impact_prediction: 0 };
  for (const e of picture.events) if (e.run === 'trilateral' && e.nation === 'JPN' && e.t_s <= t && e.message.type in counts) counts[e.message.type] += 1;
  return counts;
}

// Moves the slider as an operator does (input, then change): the page asks the server to seek.
async function slideTo(t, end) {
  await page.$eval(
    '#slider',
    (el, [x, e]) => {
      el.value = String(Math.round((1000 * x) / e));
      el.dispatchEvent(new Event('input'));
      el.dispatchEvent(new Event('change'));
    },
    [t, end],
  );
}

test('the page takes the stream: the head, then the clock, paused at 0', { skip: skipBrowser }, async () => {
  const clock = await (await fetch(`${url}api/clock`)).json();
  assert.equal(clock.playing, false);
  assert.ok(clock.end_s > 0);
  const title = await page.textContent('#title');
  assert.equal(title, picture.title);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.refused, []);
});

test("the slider seeks; the picture is the state at that time; F08's threat alert is in the panel", { skip: skipBrowser }, async () => {
  const threat = picture.events.find((e) => e.run === 'trilateral' && e.nation === 'JPN' && e.message.type === 'alert' && e.message.level === 'threat');
  assert.ok(threat, "the report has F08's threat alert for Japan");
  const end = (await (await fetch(`${url}api/clock`)).json()).end_s;
  // The slider's resolution is end/1000: aim a few seconds after the threat alert.
  const target = threat.t_s + 3;
  await slideTo(target, end);
  const t = (Math.round((1000 * target) / end) * end) / 1000;
  await page.waitForFunction((x) => Math.abs(window.trilink.state().t - x) < 0.01, t, { timeout: 15000 * slow });
  const want = expected(t);
  await page.waitForFunction((w) => {
    const c = window.trilink.state().counts;
    return c && c.alert === w.alert && c.launch_report === w.launch_report && c.impact_prediction === w.impact_prediction;
  }, want, { timeout: 15000 * slow });
  await page.waitForSelector('#alerts li[data-level="threat"], #alerts li[data-level="update"]', { timeout: 5000 * slow });
  const items = await page.$$eval('#alerts li', (lis) => lis.map((li) => ({ level: li.dataset.level, text: li.textContent })));
  const threatItem = items.find((i) => i.text.includes('threat'));
  assert.ok(threatItem, `a threat in the panel: ${JSON.stringify(items)}`);
  for (const area of threat.message.areas) assert.ok(threatItem.text.includes(area), `names ${area}`);
  // A server bound to Japan (--nation JPN) sends Japan's picture only: nothing released elsewhere.
  assert.deepEqual((await page.evaluate(() => window.trilink.state())).nations, ['JPN']);
  const other = await fetch(`${url}events?nation=KOR`);
  assert.equal(other.status, 403);
});

test('seeking back before the launch empties the picture; play moves the clock', { skip: skipBrowser }, async () => {
  const first = picture.events.find((e) => e.run === 'trilateral' && e.nation === 'JPN');
  await page.evaluate((x) => window.trilink.seek(x), Math.max(0, first.t_s - 5));
  await page.waitForFunction(() => window.trilink.state().events === 0 || window.trilink.state().counts.alert === 0, null, { timeout: 15000 * slow });
  await page.waitForFunction(() => document.querySelectorAll('#alerts li').length === 0, null, { timeout: 5000 * slow });
  await page.click('#play');
  const t0 = (await (await fetch(`${url}api/clock`)).json()).t_s;
  await page.waitForFunction((x) => window.trilink.state().t > x + 0.5, t0, { timeout: 15000 * slow });
  const c = await (await fetch(`${url}api/clock`)).json();
  assert.equal(c.playing, true);
});

test('CoT stream: a TAK client gets the picture at the clock, then each update as it plays', { skip: skipBrowser }, async () => {
  // Past Japan's first threat and its first impact prediction (a threat raised in the boost,
  // from the overflight arc, comes before any prediction).
  const first = (f) => picture.events.find((e) => e.run === 'trilateral' && e.nation === 'JPN' && f(e.message));
  const threat = first((m) => m.type === 'alert' && m.level === 'threat');
  const predicted = first((m) => m.type === 'impact_prediction');
  const t1 = Math.max(threat.t_s, predicted.t_s) + 3;
  const post = (q) => fetch(`${url}api/control?${q}`, { method: 'POST' });
  await post('action=pause');
  await post(`action=seek&t=${t1}`);
  const socket = connect(cotPort, '127.0.0.1');
  let buffer = '';
  const events = [];
  socket.on('data', (d) => {
    buffer += d;
    let at;
    while ((at = buffer.indexOf('\n')) >= 0) {
      events.push(new CoT(buffer.slice(0, at)));
      buffer = buffer.slice(at + 1);
    }
  });
  const until = async (what, ms) => {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error(`CoT stream: timed out; ${events.length} events`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    const type = (c) => c.raw.event._attributes.type;
    await until(() => events.some((c) => type(c) === 'a-h-A-W-M-S') && events.some((c) => type(c) === 'u-d-c-c'), 15000 * slow);
    const now = Number(BigInt(picture.start_ns) / 1000000n) + t1 * 1000;
    for (const c of events) {
      const a = c.raw.event._attributes;
      assert.ok(Date.parse(a.time) <= now + 1, `${a.uid} at ${a.time}: not after the clock`);
      assert.ok(Date.parse(a.stale) > now - 1, `${a.uid}: not stale at the clock`);
    }
    const uids = new Set(events.map((c) => c.raw.event._attributes.uid));
    assert.equal(uids.size, events.length, 'the picture: one event per uid');
    const seen = events.length;
    await post('action=speed&value=50');
    await post('action=play');
    await until(() => events.length > seen && events.slice(seen).some((c) => Date.parse(c.raw.event._attributes.time) > now), 15000 * slow);
  } finally {
    socket.destroy();
    await post('action=pause');
  }
});

test('bad input: a corrupt recording, one line, exit 2', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'trilink-serve-'));
  const bad = join(dir, 'corrupt.db');
  writeFileSync(bad, 'SQLite format 3\0 this is not a recording at all'.repeat(40));
  const r = spawnSync(trilink, ['serve', '--recording', bad, '--listen', '127.0.0.1:0'], { encoding: 'utf8', timeout: 30000 * slow });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /corrupt\.db/);
});

test('bad input: a port in use, one line naming it, exit 2', { skip }, async () => {
  const holder = createServer();
  await new Promise((r) => holder.listen(0, '127.0.0.1', r));
  const port = holder.address().port;
  try {
    const r = spawnSync(trilink, ['serve', '--recording', recording, '--listen', `127.0.0.1:${port}`], { encoding: 'utf8', timeout: 60000 * slow });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
  } finally {
    holder.close();
  }
});
