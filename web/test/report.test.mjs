// The exercise report in Debian's Chromium (playwright-core), offline:
//   TRILINK_REPORT=out/f08/report.html node --test test/report.test.mjs
// It must open with no request leaving the file, and show what its embedded picture holds —
// counted here from the picture's JSON independently of the page's code, and compared with
// what the page drew (its map layers) and lists (its DOM): the scenario's launches, the
// tracks, the launch points, the impact ellipses (the final one = the last prediction made
// before impact) and the alerts. Pixels of the map's canvas are sampled where the page says
// it drew a final ellipse and radar sites. The US view draws the infrared satellites' lines of
// sight and the space track; Japan's view neither. Then the frame rate with 10,000 tracks, and
// their markers sampled where the page says it drew them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { openBrowser, openPage, embeddedPicture, chromiumPath } from './browser.mjs';

const report = process.env.TRILINK_REPORT;
const skip = !report ? 'TRILINK_REPORT not set' : !chromiumPath() ? 'no chromium' : false;
let browser;
let page;
let picture;
const nation = 'JPN';

before(async () => {
  if (skip) return;
  picture = embeddedPicture(report);
  browser = await openBrowser();
  page = await openPage(browser);
  await page.goto(`file://${resolve(report)}`);
  await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 30000 });
  await page.evaluate((n) => window.trilink.setView(n, 'trilateral'), nation);
});

after(async () => {
  if (browser) await browser.close();
});

// The view's events, in the page's order (time, then arrival).
function view(run = 'trilateral') {
  return picture.events.filter((e) => e.run === run && e.nation === nation);
}
const ns = (s) => BigInt(s);

// The hub's products in the view, per system track id, from the JSON alone.
function hubProducts() {
  const events = view();
  const hubs = new Set(events.filter((e) => e.message.type === 'system_track').map((e) => e.message.header.originator.node));
  const launches = new Set();
  const finals = new Map();
  for (const e of events) {
    const m = e.message;
    if (!hubs.has(m.header.originator.node)) continue;
    if (m.type === 'launch_report') launches.add(m.system_track_id);
    if (m.type === 'impact_prediction' && ns(m.header.time_of_validity_ns) <= ns(m.time_of_impact_ns)) finals.set(m.system_track_id, m);
  }
  return { hubs, launches, finals };
}

async function settle(t) {
  await page.evaluate((x) => window.trilink.seek(x), t);
  await page.waitForFunction((x) => Math.abs(window.trilink.state().t - x) < 1e-6 && Number(document.getElementById('clock').dataset.t) === Number(x.toFixed(1)), t, { timeout: 10000 });
  // The panels refresh four times a second: wait for one refresh after the seek.
  await page.waitForTimeout(400);
}

test('opens offline without a script error', { skip }, async () => {
  assert.deepEqual(page.refused, []);
  assert.deepEqual(page.errors, []);
  const title = await page.textContent('#title');
  assert.equal(title, picture.title);
});

test("shows the scenario's launches and the timeline of each", { skip }, async () => {
  const launchIds = picture.truth.map((t) => t.launch_id);
  assert.ok(launchIds.length >= 1);
  const state = await page.evaluate(() => window.trilink.state());
  assert.deepEqual(state.truth, launchIds);
  const shown = await page.$$eval('#timeline h3.launch', (hs) => hs.map((h) => h.dataset.launch));
  assert.deepEqual(shown, picture.timeline.map((l) => l.launch_id));
  const rows = await page.$$eval('#timeline tr[data-nation]', (rs) => rs.length);
  assert.equal(rows, picture.timeline.reduce((s, l) => s + l.nations.length, 0));
});

test('at the end: every launch point and final ellipse, the last prediction before impact', { skip }, async () => {
  const end = Math.max(picture.duration_s, picture.events.at(-1).t_s);
  await settle(end);
  const { launches, finals } = hubProducts();
  assert.ok(finals.size >= 1, 'the scenario has impact predictions');
  const layers = (await page.evaluate(() => window.trilink.state())).layers;
  const hubKeys = (ids) => [...ids].sort((a, b) => a - b);
  const keyId = (k) => Number(k.slice(k.lastIndexOf('/') + 1));
  assert.deepEqual(hubKeys(layers.launches.map((l) => keyId(l.key))), hubKeys(launches));
  assert.deepEqual(hubKeys(layers.ellipses.map((l) => keyId(l.key))), hubKeys(finals.keys()));
  for (const e of layers.ellipses) {
    assert.equal(e.final, true, `${e.key} final at the end`);
    const m = finals.get(keyId(e.key));
    assert.equal(e.a_m, m.semi_major_m, `${e.key}: the last prediction before impact`);
    assert.equal(e.b_m, m.semi_minor_m);
  }
  // Visible at the scale drawn: a few-km ellipse on a continental map is a marker with its size.
  for (const e of layers.ellipses) assert.ok(e.marker || e.span_px >= 9, `${e.key}: ${e.span_px} px and no marker`);
});

test('alerts: every alert of the view in the panel, one entry per warning chain', { skip }, async () => {
  const end = Math.max(picture.duration_s, picture.events.at(-1).t_s);
  await settle(end);
  const alerts = view().filter((e) => e.message.type === 'alert');
  assert.ok(alerts.some((e) => e.message.level === 'threat'), 'the scenario has a threat alert for JPN');
  const chains = new Set(alerts.map((e) => `${e.message.header.originator.node}/${e.message.system_track_id}`));
  const count = await page.$eval('#alerts', (el) => Number(el.dataset.count));
  assert.equal(count, alerts.length);
  const items = await page.$$eval('#alerts li', (lis) => lis.map((li) => ({ key: li.dataset.key, level: li.dataset.level, text: li.textContent })));
  assert.equal(items.length, chains.size);
  // Each chain shows its latest level and names the areas its alerts named.
  for (const c of chains) {
    const mine = alerts.filter((e) => `${e.message.header.originator.node}/${e.message.system_track_id}` === c);
    const li = items.find((i) => i.key === c);
    assert.ok(li, c);
    assert.equal(li.level, mine.at(-1).message.level);
    for (const a of new Set(mine.flatMap((e) => e.message.areas))) assert.ok(li.text.includes(a), `${c} names ${a}`);
  }
});

test('mid-flight: the track table lists the live tracks; a row selects on the map', { skip }, async () => {
  const { hubs } = hubProducts();
  const first = view().find((e) => e.message.type === 'system_track');
  const t = first.t_s + 200;
  await settle(t);
  const latest = new Map();
  for (const e of view()) if (e.t_s <= t && e.message.type === 'system_track' && hubs.has(e.message.header.originator.node)) latest.set(e.message.system_track_id, e.message);
  const live = [...latest.values()].filter((m) => m.status !== 'dropped');
  assert.ok(live.length >= 1);
  const rows = await page.$$eval('#tracks tbody tr', (rs) => rs.map((r) => r.dataset.key));
  assert.equal(rows.length, live.length);
  const layers = (await page.evaluate(() => window.trilink.state())).layers;
  assert.equal(layers.tracks.length, live.length);
  assert.equal(layers.vectors, live.length);
  await page.click(`#tracks tbody tr[data-key="${rows[0]}"]`);
  await page.waitForFunction((k) => document.querySelector(`#tracks tbody tr.selected`)?.dataset.key === k, rows[0], { timeout: 5000 });
});

test("infrared: the US view draws its satellites' lines of sight and the space track; Japan's view neither", { skip }, async () => {
  const ir = picture.infrared;
  assert.ok(ir && ir.sightings.length > 0, 'the report carries lines of sight (satellites on by default)');
  const sats = picture.static.satellites;
  const base = ir.space_track_id_base;
  const spaceTrack = picture.events.find((e) => e.run === 'trilateral' && e.nation === 'USA' && e.message.type === 'local_track' && Number(e.message.track_id) >= base);
  assert.ok(spaceTrack, 'a space track on the US picture');
  const t = spaceTrack.t_s + 0.5;
  // Counted from the JSON: the US satellites' lines of sight of the last 1.5 s.
  const expected = ir.sightings.filter(([ts, sat]) => ts > t - 1.5 && ts <= t && sats[sat].nation === 'USA').length;
  assert.ok(expected >= 2, `lines of sight at T=${t}`);
  try {
    await page.evaluate(() => window.trilink.setView('USA', 'trilateral'));
    await settle(t);
    const layers = (await page.evaluate(() => window.trilink.state())).layers;
    assert.equal(layers.sightings.length, expected);
    const drawn = layers.tracks.filter((x) => x.kind === 'infrared');
    assert.ok(drawn.some((x) => x.key === `${spaceTrack.message.header.originator.node}/${spaceTrack.message.track_id}`), 'the space track drawn as infrared');
    // A line of sight is drawn in the infrared colour: sample its middle.
    const px = await page.evaluate(() => {
      const c = document.getElementById('map');
      const dpr = c.width / c.clientWidth;
      const s = window.trilink.state().layers.sightings.find((x) => Math.hypot(x.x1 - x.x0, x.y1 - x.y0) > 20);
      if (!s) return null;
      const at = (f) => Array.from(c.getContext('2d').getImageData(Math.round((s.x0 + f * (s.x1 - s.x0)) * dpr), Math.round((s.y0 + f * (s.y1 - s.y0)) * dpr), 1, 1).data);
      return [at(0.25), at(0.5), at(0.75)];
    });
    assert.ok(px, 'a line of sight long enough to sample');
    assert.ok(px.some(([r, g, b]) => r > 120 && b > 120 && g < r - 40), `magenta on the line, got ${JSON.stringify(px)}`);
    await page.evaluate((n) => window.trilink.setView(n, 'trilateral'), nation);
    await settle(t);
    const japan = (await page.evaluate(() => window.trilink.state())).layers;
    assert.equal(japan.sightings.length, 0, "the US satellites' plots are not Japan's");
    assert.equal(japan.tracks.filter((x) => x.kind === 'infrared').length, 0);
  } finally {
    await page.evaluate((n) => window.trilink.setView(n, 'trilateral'), nation);
  }
});

test('pixels: a final ellipse marker and the radar sites are drawn where the page says', { skip }, async () => {
  const end = Math.max(picture.duration_s, picture.events.at(-1).t_s);
  await settle(end);
  const px = await page.evaluate(() => {
    const c = document.getElementById('map');
    const ctx = c.getContext('2d');
    const dpr = c.width / c.clientWidth;
    const at = (x, y) => Array.from(ctx.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data);
    const l = window.trilink.state().layers;
    const e = l.ellipses.find((x) => x.final && x.marker);
    return {
      ellipse: e ? { arm: at(e.x + 11, e.y), centreRing: at(e.x + 9, e.y) } : null,
      radars: l.radars.map((r) => ({ nation: r.nation, rgb: at(r.x, r.y) })),
    };
  });
  assert.ok(px.ellipse, 'a final ellipse drawn as a marker');
  const [r, g, b] = px.ellipse.arm;
  assert.ok(r > 180 && g < 120 && b < 120, `final ellipse marker red, got ${px.ellipse.arm}`);
  const colour = { USA: [0x4f, 0x8c, 0xff], JPN: [0xff, 0x5a, 0x5a], KOR: [0x38, 0xc1, 0x72] };
  assert.equal(px.radars.length, picture.static.radars.length);
  let matched = 0;
  for (const { nation: n, rgb } of px.radars) {
    const want = colour[n];
    if (Math.hypot(rgb[0] - want[0], rgb[1] - want[1], rgb[2] - want[2]) < 40) matched += 1;
  }
  // Sites may overlap one another or a track: most, not necessarily all, show their colour.
  assert.ok(matched >= Math.ceil(0.7 * px.radars.length), `${matched} of ${px.radars.length} radar sites in their nation's colour`);
});

test('frame rate with 10,000 tracks (Performance API)', { skip }, async () => {
  const r = await page.evaluate(() => window.trilink.bench(10000, 3));
  // The tracks are in the pixels where the page says it drew them: a marker's centre is white
  // (a system track) unless a track drawn after it crossed it with its vector (yellow).
  const centres = await page.evaluate(() => {
    const c = document.getElementById('map');
    const dpr = c.width / c.clientWidth;
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const onMap = window.trilink.state().layers.tracks.filter((x) => x.x >= 0 && x.y >= 0 && x.x < c.clientWidth && x.y < c.clientHeight);
    let white = 0;
    let yellow = 0;
    for (const x of onMap) {
      const i = 4 * (Math.round(x.y * dpr) * c.width + Math.round(x.x * dpr));
      if (px[i] > 240 && px[i + 1] > 240 && px[i + 2] > 240) white += 1;
      else if (px[i] > 200 && px[i + 1] > 180 && px[i + 2] < 120) yellow += 1;
    }
    return { n: onMap.length, white, yellow };
  });
  console.log(`fps ${r.fps.toFixed(1)} with ${r.tracks_drawn} tracks drawn (${r.frames} frames in ${r.seconds.toFixed(2)} s, ${r.draws} draws, mean frame ${r.mean_frame_ms.toFixed(1)} ms)`);
  assert.equal(r.tracks_drawn, 10000);
  assert.equal(r.vectors, 10000);
  assert.equal(r.trails, 10000);
  // Every frame counted redrew the moving tracks (the clock plays: the time moves each frame).
  assert.ok(r.draws >= r.frames - 1, `${r.draws} draws in ${r.frames} frames`);
  assert.ok(centres.n > 9000, `${centres.n} tracks on the map`);
  assert.ok(centres.white >= 0.7 * centres.n && centres.white + centres.yellow >= 0.95 * centres.n, `track centres: ${JSON.stringify(centres)}`);
  // The target is 30 fps: met on this 2-core machine (44-60 fps at load averages 3.5-9, once 26
  // with a build of this tree running too; BENCHMARKS.md). The figure swings with the load, so
  // the test holds a floor
  // (TRILINK_MIN_FPS, default 10: the map before its pixel raster managed 12-18 under load, a
  // path-stroked one about 2) and prints the figure.
  const min = Number(process.env.TRILINK_MIN_FPS ?? 10);
  assert.ok(r.fps >= min, `${r.fps.toFixed(1)} fps < ${min}`);
});
