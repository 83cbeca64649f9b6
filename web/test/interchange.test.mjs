// `trilink export` round trips through the ecosystem's own readers:
//   TRILINK=build/trilink TRILINK_RECORDING=out/f08/recording.db TRILINK_REPORT=out/f08/report.html \
//   node --test test/interchange.test.mjs
// CoT parsed by @tak-ps/node-cot, KML read by @tmcw/togeojson (and well-formed by xmllint), CZML
// read as the JSON it is and loaded by CesiumJS's CzmlDataSource in Debian's Chromium. The reference is the same exercise's report: its picture carries the
// recorded messages themselves (every impact prediction and launch report; track updates
// thinned, each a recorded one), so every position is checked against the recording's ECEF
// within 1 m, and every ellipse against the recorded semi-axes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import CoT from '@tak-ps/node-cot';
import { kml as kmlToGeoJSON } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import { createRequire } from 'node:module';
import { embeddedPicture, openBrowser, openPage, chromiumPath } from './browser.mjs';
import { geodeticToEcef } from '../src/geo.js';

const trilink = process.env.TRILINK;
// Wall-clock waits are for the Release build; ./run check's sanitized one scales them (tests/CMakeLists.txt).
const slow = Number(process.env.TRILINK_TIME_SCALE) || 1;
const recording = process.env.TRILINK_RECORDING;
const report = process.env.TRILINK_REPORT;
const skip = !trilink || !recording || !report ? 'TRILINK, TRILINK_RECORDING or TRILINK_REPORT not set' : false;

let picture;
let dir;
const view = (type) => picture.events.filter((e) => e.run === 'trilateral' && e.nation === 'USA' && e.message.type === type && e.message.header.originator.node === 'INDOPACOM');
const iso = (ns) => new Date(Number(BigInt(ns) / 1000000n)).toISOString();
const uid = (m) => `trilink.${m.header.originator.node}.${m.system_track_id}`;
const dist = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

function exportAs(format) {
  const out = join(dir, `f08.${format}`);
  const r = spawnSync(trilink, ['export', recording, '--format', format, '--out', out], { encoding: 'utf8', timeout: 60000 * slow });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(out, 'utf8');
}

before(() => {
  if (skip) return;
  picture = embeddedPicture(report);
  dir = mkdtempSync(join(tmpdir(), 'trilink-export-'));
});

test('CoT: every event parses with node-cot; tracks, ellipses and launch points as recorded', { skip }, () => {
  const lines = exportAs('cot').split('\n').filter((l) => l.length > 0);
  const events = lines.map((l) => new CoT(l));
  const byKey = new Map();
  for (const c of events) {
    const a = c.raw.event._attributes;
    assert.ok(Date.parse(a.stale) > Date.parse(a.time), `${a.uid}: stale after time`);
    byKey.set(`${a.uid}@${a.time}`, c);
  }
  const ell = picture.ellipsoid;
  let tracks = 0;
  for (const e of view('system_track')) {
    const m = e.message;
    const c = byKey.get(`${uid(m)}@${iso(m.header.time_of_validity_ns)}`);
    assert.ok(c, `${uid(m)} at ${iso(m.header.time_of_validity_ns)}`);
    assert.equal(c.raw.event._attributes.type, 'a-h-A-W-M-S');
    const g = c.to_geojson();
    const [lon, lat, hae] = g.geometry.coordinates;
    assert.ok(dist(geodeticToEcef(lat, lon, hae, ell), m.position_ecef_m) < 1, `${uid(m)}: within 1 m`);
    tracks += 1;
  }
  assert.ok(tracks > 10);
  const impacts = view('impact_prediction');
  assert.ok(impacts.length > 0);
  assert.equal(events.filter((c) => c.raw.event._attributes.type === 'u-d-c-c').length, impacts.length);
  for (const e of impacts) {
    const m = e.message;
    const c = byKey.get(`${uid(m)}.impact@${iso(m.header.time_of_validity_ns)}`);
    assert.ok(c, `${uid(m)}.impact`);
    const g = c.to_geojson();
    assert.equal(g.geometry.type, 'Polygon', 'node-cot draws the ellipse');
    assert.ok(Math.abs(g.properties.shape.ellipse.major - m.semi_major_m) <= 0.05);
    assert.ok(Math.abs(g.properties.shape.ellipse.minor - m.semi_minor_m) <= 0.05);
    const p = c.raw.event.point._attributes;
    const at = geodeticToEcef(Number(p.lat), Number(p.lon), 0, ell);
    const want = m.impact_point_ecef_m;
    // The recorded impact point is on the ground (height ~0); compare horizontally.
    const norm = Math.hypot(...want);
    assert.ok(dist(at, want.map((x) => (x * Math.hypot(...at)) / norm)) < 1, `${uid(m)}.impact point`);
  }
  assert.equal(events.filter((c) => c.raw.event._attributes.type === 'b-m-p-s-m').length, view('launch_report').length);
});

test('KML: well-formed (xmllint), read by togeojson: tracks through the recorded positions, ellipses', { skip }, () => {
  const text = exportAs('kml');
  const lint = spawnSync('xmllint', ['--noout', join(dir, 'f08.kml')], { encoding: 'utf8' });
  if (lint.error) console.log('xmllint not found: well-formedness left to the parser');
  else assert.equal(lint.status, 0, lint.stderr);
  const gj = kmlToGeoJSON(new DOMParser().parseFromString(text, 'text/xml'));
  const lines = gj.features.filter((f) => f.geometry && f.geometry.type === 'LineString');
  const polygons = gj.features.filter((f) => f.geometry && f.geometry.type === 'Polygon');
  const points = gj.features.filter((f) => f.geometry && f.geometry.type === 'Point');
  assert.equal(polygons.length, view('impact_prediction').length);
  assert.equal(points.length, view('launch_report').length);
  const ell = picture.ellipsoid;
  let checked = 0;
  for (const e of view('system_track')) {
    const m = e.message;
    const f = lines.find((l) => l.id === uid(m) || l.properties.name === `S${m.system_track_id}`);
    assert.ok(f, uid(m));
    const i = f.properties.coordinateProperties.times.indexOf(iso(m.header.time_of_validity_ns));
    assert.ok(i >= 0, `${uid(m)} has a point at ${iso(m.header.time_of_validity_ns)}`);
    const [lon, lat, h] = f.geometry.coordinates[i];
    assert.ok(dist(geodeticToEcef(lat, lon, h, ell), m.position_ecef_m) < 1);
    checked += 1;
  }
  assert.ok(checked > 10);
  for (const p of polygons) {
    const ring = p.geometry.coordinates[0];
    assert.ok(ring.length >= 60);
    assert.deepEqual(ring[0], ring.at(-1), 'closed ring');
  }
});

test('CZML: time-tagged positions within 1 m of the recording, one ellipse entity per prediction', { skip }, () => {
  const doc = JSON.parse(exportAs('czml'));
  assert.equal(doc[0].id, 'document');
  assert.equal(doc[0].version, '1.0');
  const ell = picture.ellipsoid;
  const byId = new Map(doc.map((p) => [p.id, p]));
  let checked = 0;
  for (const e of view('system_track')) {
    const m = e.message;
    const p = byId.get(uid(m));
    assert.ok(p, uid(m));
    const epochMs = Date.parse(p.position.epoch);
    const s = p.position.cartographicDegrees;
    const tMs = Number(BigInt(m.header.time_of_validity_ns) / 1000000n);
    let best = null;
    for (let i = 0; i < s.length; i += 4) if (Math.abs(epochMs + s[i] * 1000 - tMs) < 1) best = i;
    assert.ok(best !== null, `${uid(m)} sampled at ${iso(m.header.time_of_validity_ns)}`);
    assert.ok(dist(geodeticToEcef(s[best + 2], s[best + 1], s[best + 3], ell), m.position_ecef_m) < 1);
    checked += 1;
  }
  assert.ok(checked > 10);
  const ellipses = doc.filter((p) => p.ellipse);
  assert.equal(ellipses.length, view('impact_prediction').length);
  for (const p of ellipses) assert.ok(p.ellipse.semiMajorAxis >= p.ellipse.semiMinorAxis && p.ellipse.rotation >= 0);
});

// The message's time of validity as ISO 8601 to the nanosecond (Cesium reads every digit).
function isoNs(ns) {
  const b = BigInt(ns);
  const ms = b / 1000000n;
  const frac = String(b % 1000000000n).padStart(9, '0');
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${frac}Z`;
}

test('CZML: loaded by CesiumJS CzmlDataSource in headless Chromium, positions within 1 m', { skip: skip || (!chromiumPath() ? 'no chromium' : false) }, async () => {
  const doc = JSON.parse(exportAs('czml'));
  // The built CesiumJS of the cesium package (not in its "exports": found beside its package.json).
  const cesium = join(dirname(createRequire(import.meta.url).resolve('cesium/package.json')), 'Build/Cesium/Cesium.js');
  const browser = await openBrowser();
  try {
    const page = await openPage(browser);
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ path: cesium });
    const tracks = view('system_track').map((e) => ({ id: uid(e.message), t: isoNs(e.message.header.time_of_validity_ns), ecef: e.message.position_ecef_m }));
    const r = await page.evaluate(
      async ({ doc, tracks }) => {
        const ds = await Cesium.CzmlDataSource.load(doc);
        const entities = ds.entities.values;
        const errors = tracks.map(({ id, t, ecef }) => {
          const e = ds.entities.getById(id);
          // JSON.parse holds a time in ns to ~0.3 us: at the first sample the asked time may fall
          // a few ns before it, where a sampled position has no value unless it is held.
          if (e && e.position) e.position.backwardExtrapolationType = Cesium.ExtrapolationType.HOLD;
          const p = e && e.position ? e.position.getValue(Cesium.JulianDate.fromIso8601(t)) : null;
          return p ? Math.hypot(p.x - ecef[0], p.y - ecef[1], p.z - ecef[2]) : null;
        });
        return { entities: entities.length, ellipses: entities.filter((e) => e.ellipse).length, errors };
      },
      { doc, tracks },
    );
    const ids = new Set(tracks.map((x) => x.id));
    assert.equal(r.ellipses, view('impact_prediction').length);
    assert.equal(r.entities, ids.size + view('impact_prediction').length + view('launch_report').length);
    assert.ok(r.errors.length > 10);
    for (const [i, err] of r.errors.entries()) assert.ok(err !== null && err < 1, `${tracks[i].id} at ${tracks[i].t}: ${err} m`);
    assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
  }
});

test('bad input: an unknown format, one line, exit 2', { skip }, () => {
  const r = spawnSync(trilink, ['export', recording, '--format', 'shp', '--out', join(dir, 'x')], { encoding: 'utf8', timeout: 30000 * slow });
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /--format/);
});
