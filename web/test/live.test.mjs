// The live picture in Debian's Chromium (playwright-core), on loopback DDS only:
//   TRILINK=build/trilink TRILINK_SCENARIO=scenarios/f08.yaml node --test test/live.test.mjs
// The hub and Japan's node (JADGE) run as live processes on a loopback deployment of their own
// (every participant pinned to 127.0.0.1, multicast off, DDS Security with a PKI made for the
// test), JADGE with --serve and --cot-listen. A test publisher (`trilink inject`, as Korea's
// node KAMD on the Korean link) writes three Korean local tracks far apart: one releasable to
// every nation (once Japan's page shows it, the network is up), one labelled KOR|USA (withheld
// from Japan), one releasable to every nation. Japan's page must show the third within 1 s of
// its release to Japan (the release's wall time from the hub's recording; both processes on
// one scenario clock) and never a track the hub did not release to Japan: the tracks the page
// drew (window.trilink.state().layers) and its track table are exactly the hub's releases to
// Japan, while the withheld track did go to Korea. A TAK client on JADGE's CoT stream
// (@tak-ps/node-cot) gets one event per update of the same system tracks, and nothing else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import CoT from '@tak-ps/node-cot';
import { writeFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as absolute } from 'node:path';
import { openBrowser, openPage, chromiumPath } from './browser.mjs';

const trilink = process.env.TRILINK && absolute(process.env.TRILINK);
const scenario = process.env.TRILINK_SCENARIO && absolute(process.env.TRILINK_SCENARIO);
const skip = !trilink || !scenario ? 'TRILINK or TRILINK_SCENARIO not set' : !chromiumPath() ? 'no chromium' : false;

let dir;
let deploy;
let startAt; // wall time (Unix s) of the scenario's start on both processes
let scenarioStartNs;
const processes = [];
let browser;
let page;
let cot;
const cotEvents = []; // {wall_s, event}

// A live process; resolves once its stderr has every line asked for (bounded).
function start(args, wanted, name) {
  return new Promise((resolve, reject) => {
    const child = spawn(trilink, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.log = '';
    child.name = name;
    processes.push(child);
    const timer = setTimeout(() => reject(new Error(`${name}: not every line came in 30 s: ${child.log}`)), 30000);
    child.stderr.on('data', (d) => {
      child.log += d;
      const found = wanted.map((re) => child.log.match(re));
      if (found.every(Boolean)) {
        clearTimeout(timer);
        resolve(found.map((m) => m[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`${name} exited ${code}: ${child.log}`)));
  });
}

// SIGTERM; the exit code once it has stopped (a live process commits its recording first).
function stop(child) {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

// Runs trilink to its end without blocking this process (the CoT client keeps reading).
function run(args) {
  return new Promise((resolve) => {
    const child = spawn(trilink, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

// A Korean local track (KAMD's), 130 km up at lat, lon, valid now on the scenario clock, in the
// record codec's JSON (times as exact integer nanoseconds).
function koreanTrack(id, sequence, latDeg, lonDeg, releasability) {
  const nowNs = scenarioStartNs + BigInt(Math.round((Date.now() / 1000 - startAt) * 1e9));
  const r = 6501000;
  const lat = (latDeg * Math.PI) / 180;
  const lon = (lonDeg * Math.PI) / 180;
  const covariance = [0, 1, 2, 3, 4, 5].map((i) => [0, 1, 2, 3, 4, 5].map((j) => (i === j ? 100 : 0)));
  const m = {
    type: 'local_track',
    header: {
      schema_version: 2,
      originator: { nation: 'KOR', node: 'KAMD', sensor: null },
      session_start_ns: scenarioStartNs - 10000000000n,
      sequence,
      time_of_validity_ns: nowNs,
      releasability,
    },
    track_id: id,
    position_ecef_m: [r * Math.cos(lat) * Math.cos(lon), r * Math.cos(lat) * Math.sin(lon), r * Math.sin(lat)],
    velocity_ecef_mps: [1000, 0, 1000],
    acceleration_ecef_mps2: null,
    covariance,
    status: 'confirmed',
    phase: 'boost',
    sensors: [],
  };
  return JSON.stringify(m, (k, v) => (typeof v === 'bigint' ? `@ns${v}` : v)).replace(/"@ns(\d+)"/g, '$1');
}

async function inject(id, sequence, lat, lon, releasability) {
  const file = join(dir, `track${id}.json`);
  writeFileSync(file, koreanTrack(id, sequence, lat, lon, releasability));
  const r = await run(['inject', '--deploy', deploy, '--domain', 'link_KOR', '--as', 'KAMD', '--message', file]);
  assert.equal(r.code, 0, r.err);
}

// Resolves once what() holds; fails after ms.
async function until(what, ms, message) {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error(message);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// What the page drew: every track key in its map layers, with the wall time (ms) it was first
// drawn, polled in the page every 5 ms.
const drawn = () => page.evaluate(() => window.seen);

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'trilink-live-'));
  deploy = join(dir, 'deploy.yaml');
  scenarioStartNs = BigInt(Date.parse(readFileSync(scenario, 'utf8').match(/^start:\s*(\S+)/m)[1])) * 1000000n;
  // Domains apart from the other loopback tests' runs (ctest's RESOURCE_LOCK dds_loopback
  // keeps them from running at once), the same as tests/bus_live_test.cpp's.
  const base = 211 + (process.pid % 3) * 6;
  const names = ['USA', 'JPN', 'KOR', 'link_USA', 'link_JPN', 'link_KOR'];
  writeFileSync(
    deploy,
    `scenario: ${scenario}\ninterface: 127.0.0.1\npeers: [127.0.0.1]\nheartbeat_s: 0.2\ndomains:\n` +
      names.map((n, i) => `  ${n}: ${base + i}\n`).join('') +
      `security: true\npki: ${join(dir, 'pki')}\nrecordings: ${join(dir, 'rec')}\n`,
  );
  const pki = spawnSync(trilink, ['pki', 'init', join(dir, 'pki'), '--deploy', deploy], { encoding: 'utf8', timeout: 60000 });
  assert.equal(pki.status, 0, pki.stderr);
  startAt = Date.now() / 1000;
  const clock = ['--deploy', deploy, '--start-at', startAt.toFixed(6)];
  const [, japan] = await Promise.all([
    start(['hub', ...clock], [/(on link domains)/], 'hub'),
    start(['node', '--nation', 'JPN', ...clock, '--serve', '127.0.0.1:0', '--cot-listen', '127.0.0.1:0'], [/serving (http:\/\/127\.0\.0\.1:\d+\/) \(JPN's picture\)/, /cot stream on tcp:\/\/127\.0\.0\.1:(\d+)\/ \(JPN's picture\)/], 'JADGE'),
  ]);
  const [url, cotPort] = japan;
  cot = connect(Number(cotPort), '127.0.0.1');
  let buffer = '';
  cot.on('data', (d) => {
    const wall_s = Date.now() / 1000;
    buffer += d;
    let at;
    while ((at = buffer.indexOf('\n')) >= 0) {
      cotEvents.push({ wall_s, event: new CoT(buffer.slice(0, at)) });
      buffer = buffer.slice(at + 1);
    }
  });
  browser = await openBrowser();
  page = await openPage(browser, url.replace(/\/$/, ''));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('source').textContent === 'live', null, { timeout: 30000 });
  await page.evaluate(() => {
    window.seen = {};
    setInterval(() => {
      const layers = window.trilink.state().layers;
      for (const t of layers ? layers.tracks : []) if (!(t.key in window.seen)) window.seen[t.key] = Date.now();
    }, 5);
  });
});

after(async () => {
  if (browser) await browser.close();
  if (cot) cot.destroy();
  for (const p of processes) await stop(p);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("Japan's page shows a track within 1 s of its release to Japan, never one withheld from Japan; so does its CoT stream", { skip, timeout: 90000 }, async () => {
  const all = 'USA|JPN|KOR';
  // The first: once Japan's page draws it, hub and node are linked (secure discovery).
  await inject(7001, 1, 37.0, 127.0, all);
  await until(async () => Object.keys(await drawn()).length >= 1, 20000, 'the first Korean track never reached the page');
  await inject(7002, 2, 35.0, 120.0, 'USA|KOR');
  await inject(7003, 3, 40.0, 131.0, all);
  await until(async () => Object.keys(await drawn()).length >= 2, 5000, 'the third Korean track never reached the page');
  // The hub re-releases what changed each second: two more seconds to leak the withheld one.
  await new Promise((r) => setTimeout(r, 2000));
  const seen = await drawn();
  const rows = await page.$$eval('#tracks tbody tr', (trs) => trs.map((tr) => ({ key: tr.dataset.key, cells: [...tr.cells].map((c) => c.textContent) })));
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.refused, []);
  assert.deepEqual((await page.evaluate(() => window.trilink.state())).nations, ['JPN']);
  const [japan, hub] = processes;
  assert.equal(await stop(japan), 0, japan.log);
  assert.equal(await stop(hub), 0, hub.log);

  // The hub's releases, from its recording: system track ids to Japan (the hub numbers each
  // nation's apart), the first release of track 7003's to Japan, and 7002's to Korea only.
  const replay = await run(['replay', '--json', join(dir, 'rec', 'INDOPACOM.db')]);
  assert.equal(replay.code, 0, replay.err);
  const toJapan = new Set();
  let released7003 = null;
  let withheldToKorea = false;
  for (const line of replay.out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line.replace(/"(sent_ns|received_ns)":(\d+)/g, '"$1":"$2"'));
    const m = e.message;
    if (e.direction !== 'sent' || m.type !== 'system_track') continue;
    const korean = (id) => m.contributions.some((c) => c.nation === 'KOR' && c.track_id === id);
    if (e.link.startsWith('live:INDOPACOM>JADGE')) {
      toJapan.add(`INDOPACOM/${m.system_track_id}`);
      assert.ok(!korean(7002), `track 7002 released to Japan: ${line}`);
      if (korean(7003) && !released7003) released7003 = { key: `INDOPACOM/${m.system_track_id}`, wall_s: startAt + Number(BigInt(e.sent_ns) - scenarioStartNs) / 1e9 };
    }
    if (e.link.startsWith('live:INDOPACOM>KAMD') && korean(7002)) withheldToKorea = true;
  }
  assert.ok(released7003, 'no release of track 7003 to Japan in the hub recording');
  assert.ok(withheldToKorea, 'track 7002 never released to Korea: nothing was withheld');
  assert.equal(toJapan.size, 2);

  // The page: exactly the tracks released to Japan, drawn and in the table; 7003's within 1 s.
  assert.deepEqual(Object.keys(seen).sort(), [...toJapan].sort());
  assert.deepEqual(rows.map((r) => r.key).sort(), [...toJapan].sort());
  for (const r of rows) assert.equal(r.cells[5], 'KOR', `contributing nations of ${r.key}`);
  const pageLatency_s = seen[released7003.key] / 1000 - released7003.wall_s;
  console.log(`release to Japan's page: ${(pageLatency_s * 1e3).toFixed(1)} ms`);
  assert.ok(pageLatency_s > 0 && pageLatency_s < 1.0, `drawn ${pageLatency_s} s after its release`);

  // The CoT stream: one event per update of the same system tracks, 7003's within 1 s.
  const tracks = cotEvents.filter((c) => c.event.raw.event._attributes.type === 'a-h-A-W-M-S');
  assert.ok(tracks.length >= 2, `${cotEvents.length} CoT events`);
  const key = (c) => c.event.raw.event._attributes.uid.replace(/^trilink\.(\w+)\.(\d+).*$/, '$1/$2');
  for (const c of cotEvents) assert.ok(toJapan.has(key(c)), `CoT event of a track not released to Japan: ${c.event.raw.event._attributes.uid}`);
  assert.deepEqual([...new Set(tracks.map(key))].sort(), [...toJapan].sort());
  const first7003 = tracks.find((c) => key(c) === released7003.key);
  const cotLatency_s = first7003.wall_s - released7003.wall_s;
  console.log(`release to Japan's CoT stream: ${(cotLatency_s * 1e3).toFixed(1)} ms`);
  assert.ok(cotLatency_s > 0 && cotLatency_s < 1.0, `CoT event ${cotLatency_s} s after its release`);
});
