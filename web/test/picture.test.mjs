// The picture's state (src/picture.js) without a browser: the store's order, the fold of a
// view up to a time (going back in time gives what a fresh fold gives), the final ellipse
// (the last prediction made before impact, never one after it), the alert countdown, and the
// ECEF-to-geodetic conversion against points built from known coordinates.
//   node --test test/picture.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store, Picture, currentImpact, countdown, alertChains } from '../src/picture.js';
import { ecefToGeodetic, geodeticToEcef } from '../src/geo.js';

// WGS84 as trilink's picture carries it (GeographicLib's a and f): these two numbers are the
// definition of the ellipsoid, given here as the picture would give them.
const ell = { a_m: 6378137, f: 1 / 298.257223563 };
const start = 1_700_000_000_000_000_000n;
const meta = { start_ns: String(start), ellipsoid: ell };

function header(node, nation, t_s, seq) {
  return { schema_version: 2, originator: { nation, node, sensor: null }, session_start_ns: String(start), sequence: seq, time_of_validity_ns: String(start + BigInt(Math.round(t_s * 1e9))), releasability: 'USA|JPN|KOR' };
}
function systemTrack(id, t_s, lat, lon, h, status = 'confirmed') {
  return { type: 'system_track', header: header('INDOPACOM', 'USA', t_s, t_s), system_track_id: id, position_ecef_m: geodeticToEcef(lat, lon, h, ell), velocity_ecef_mps: [0, 0, 0], covariance: [], status, phase: 'midcourse', contributions: [{ nation: 'KOR', track_id: 1 }] };
}
function impact(id, t_s, toi_s, a) {
  return { type: 'impact_prediction', header: header('INDOPACOM', 'USA', t_s, 1000 + t_s), system_track_id: id, impact_point_ecef_m: geodeticToEcef(40, 135, 0, ell), semi_major_m: a, semi_minor_m: a / 2, major_axis_azimuth_rad: 0.5, time_of_impact_ns: String(start + BigInt(toi_s) * 1_000_000_000n) };
}
function alert(id, level, tti) {
  return { type: 'alert', header: header('INDOPACOM', 'USA', 0, 0), alert_id: 1, system_track_id: id, level, areas: ['Japan land'], time_to_impact_s: tti, text: '' };
}
const ev = (t_s, message, nation = 'JPN', run = 'trilateral') => ({ t_s, run, nation, message });

test('ECEF to geodetic: points built from known coordinates come back', () => {
  for (const [lat, lon, h] of [[0, 0, 0], [39.0, 125.7, 0], [-33.9, 151.2, 1200e3], [89.9, -45, 500], [35.5, 180, 10e3], [-60, -179.9, 3e6]]) {
    const g = ecefToGeodetic(geodeticToEcef(lat, lon, h, ell), ell);
    assert.ok(Math.abs(g.lat - lat) < 1e-9, `lat ${lat}: ${g.lat}`);
    assert.ok(Math.abs(((g.lon - lon + 540) % 360) - 180) < 1e-9, `lon ${lon}: ${g.lon}`);
    assert.ok(Math.abs(g.h - h) < 1e-3, `h ${h}: ${g.h}`);
  }
});

test('store keeps time order; an out-of-order event restarts the folds', () => {
  const s = new Store();
  s.add(ev(1, systemTrack(1, 1, 39, 126, 1e5)));
  s.add(ev(3, systemTrack(1, 3, 39.1, 127, 2e5)));
  const g = s.generation;
  s.add(ev(2, systemTrack(1, 2, 39.05, 126.5, 1.5e5)));
  assert.deepEqual(s.events.map((e) => e.t_s), [1, 2, 3]);
  assert.notEqual(s.generation, g);
});

test('a view folds only its nation and run; going back in time equals a fresh fold', () => {
  const s = new Store();
  s.add(ev(1, systemTrack(1, 1, 39, 126, 1e5)));
  s.add(ev(1, systemTrack(2, 1, 38, 126, 1e5), 'KOR'));
  s.add(ev(2, systemTrack(1, 2, 39.5, 127, 2e5)));
  s.add(ev(3, systemTrack(1, 3, 40, 128, 3e5), 'JPN', 'national'));
  s.add(ev(4, systemTrack(1, 4, 40.5, 129, 1e5, 'dropped')));
  const p = new Picture(s, meta, 'trilateral', 'JPN');
  p.advance(10);
  assert.deepEqual([...p.tracks.keys()], ['INDOPACOM/1']);
  assert.equal(p.tracks.get('INDOPACOM/1').dropped, true);
  p.advance(2.5);
  const fresh = new Picture(s, meta, 'trilateral', 'JPN').advance(2.5);
  const tr = p.tracks.get('INDOPACOM/1');
  assert.equal(tr.dropped, false);
  assert.equal(tr.trail.length, 2);
  assert.deepEqual(tr.trail, fresh.tracks.get('INDOPACOM/1').trail);
  assert.ok(Math.abs(tr.state.lat - 39.5) < 1e-9 && Math.abs(tr.state.h - 2e5) < 1e-3);
});

test('the final ellipse is the last prediction made before impact, final once impact passed', () => {
  const s = new Store();
  s.add(ev(100, impact(1, 100, 300, 50e3)));
  s.add(ev(200, impact(1, 200, 300, 8e3)));
  s.add(ev(310, impact(1, 310, 300, 90e3))); // made after its own impact time: never the final
  const p = new Picture(s, meta, 'trilateral', 'JPN');
  p.advance(150);
  assert.equal(currentImpact(p.tracks.get('INDOPACOM/1'), 150).a, 50e3);
  assert.equal(currentImpact(p.tracks.get('INDOPACOM/1'), 150).final, false);
  p.advance(400);
  const c = currentImpact(p.tracks.get('INDOPACOM/1'), 400);
  assert.equal(c.a, 8e3);
  assert.equal(c.final, true);
});

test('alert chains and countdowns', () => {
  const s = new Store();
  s.add(ev(50, alert(1, 'launch_detected', null)));
  s.add(ev(90, alert(1, 'threat', 200)));
  s.add(ev(290, alert(1, 'fell', null)));
  const p = new Picture(s, meta, 'trilateral', 'JPN').advance(100);
  const chains = alertChains(p.alerts);
  assert.equal(chains.length, 1);
  assert.deepEqual(chains[0].steps.map((a) => a.msg.level), ['launch_detected', 'threat']);
  assert.equal(countdown(chains[0].latest, 100), 190);
  p.advance(300);
  const closed = alertChains(p.alerts)[0].latest;
  assert.equal(closed.msg.level, 'fell');
  assert.equal(countdown(closed, 300), null);
});
