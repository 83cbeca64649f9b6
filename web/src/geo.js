// Display geometry. The ellipsoid comes with the picture (meta.ellipsoid: a_m and f, filled by
// trilink from GeographicLib, the one geodesy authority): no Earth constant is typed here.
// Degrees at this edge (the map), radians and metres in the messages.

const deg = 180 / Math.PI;

// ECEF [x, y, z] (m) to geodetic {lat, lon (deg), h (m)}: Bowring's closed form with two
// fixed-point refinements (error far below a pixel at any zoom).
export function ecefToGeodetic(p, ell) {
  const [x, y, z] = p;
  const a = ell.a_m;
  const f = ell.f;
  const e2 = f * (2 - f);
  const b = a * (1 - f);
  const ep2 = (a * a - b * b) / (b * b);
  const r = Math.hypot(x, y);
  const lon = Math.atan2(y, x);
  if (r < 1e-9) return { lat: z >= 0 ? 90 : -90, lon: lon * deg, h: Math.abs(z) - b };
  const th = Math.atan2(z * a, r * b);
  let lat = Math.atan2(z + ep2 * b * Math.sin(th) ** 3, r - e2 * a * Math.cos(th) ** 3);
  let h = 0;
  for (let i = 0; i < 2; i++) {
    const n = a / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
    h = r / Math.cos(lat) - n;
    lat = Math.atan2(z, r * (1 - (e2 * n) / (n + h)));
  }
  return { lat: lat * deg, lon: lon * deg, h };
}

// Radii of curvature (m) at latitude lat (deg): meridian M and prime vertical N.
function radii(lat, ell) {
  const e2 = ell.f * (2 - ell.f);
  const s = Math.sin(lat / deg);
  const w = Math.sqrt(1 - e2 * s * s);
  return { m: (ell.a_m * (1 - e2)) / (w * w * w), n: ell.a_m / w };
}

// The point `dist_m` from (lat, lon) along azimuth az (rad, clockwise from north), on the local
// tangent plane: good for the tens to hundreds of km of an ellipse; the sphere for longer.
export function offset(lat, lon, north_m, east_m, ell) {
  const r = radii(lat, ell);
  return [lon + (east_m / (r.n * Math.cos(lat / deg))) * deg, lat + (north_m / r.m) * deg];
}

export function destination(lat, lon, az, dist_m, ell) {
  const R = ell.a_m;
  const d = dist_m / R;
  const p1 = lat / deg;
  const l1 = lon / deg;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(az));
  const l2 = l1 + Math.atan2(Math.sin(az) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [l2 * deg, p2 * deg];
}

// The 95 % ellipse as a ring of [lon, lat]: semi-axes a, b (m), major axis at azimuth az (rad).
export function ellipseRing(lat, lon, a, b, az, ell, n = 48) {
  const ring = [];
  for (let i = 0; i <= n; i++) {
    const t = (2 * Math.PI * i) / n;
    const u = a * Math.cos(t);
    const v = b * Math.sin(t);
    const north = u * Math.cos(az) - v * Math.sin(az);
    const east = u * Math.sin(az) + v * Math.cos(az);
    ring.push(offset(lat, lon, north, east, ell));
  }
  return ring;
}

// A radar's coverage: the sector boresight ± half (rad) out to range_m, as a ring of [lon, lat].
export function sectorRing(lat, lon, boresight, half, range_m, ell) {
  const full = half >= Math.PI - 1e-9;
  const ring = full ? [] : [[lon, lat]];
  const n = 72;
  for (let i = 0; i <= n; i++) {
    const az = full ? (2 * Math.PI * i) / n : boresight - half + (2 * half * i) / n;
    ring.push(destination(lat, lon, az, range_m, ell));
  }
  if (!full) ring.push([lon, lat]);
  return ring;
}

// Great-circle points from A to B ([lon, lat]), n segments.
export function greatCircle(a, b, n = 32) {
  const toV = ([lo, la]) => [Math.cos(la / deg) * Math.cos(lo / deg), Math.cos(la / deg) * Math.sin(lo / deg), Math.sin(la / deg)];
  const va = toV(a);
  const vb = toV(b);
  const dot = Math.min(1, Math.max(-1, va[0] * vb[0] + va[1] * vb[1] + va[2] * vb[2]));
  const w = Math.acos(dot);
  if (w < 1e-12) return [a, b];
  const out = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    const s1 = Math.sin((1 - t) * w) / Math.sin(w);
    const s2 = Math.sin(t * w) / Math.sin(w);
    const v = [0, 1, 2].map((k) => s1 * va[k] + s2 * vb[k]);
    out.push([Math.atan2(v[1], v[0]) * deg, Math.atan2(v[2], Math.hypot(v[0], v[1])) * deg]);
  }
  return out;
}

// ECEF velocity (m/s) to local east/north (m/s) at (lat, lon) in degrees.
export function velocityEN(v, lat, lon) {
  const p = lat / deg;
  const l = lon / deg;
  const east = -Math.sin(l) * v[0] + Math.cos(l) * v[1];
  const north = -Math.sin(p) * Math.cos(l) * v[0] - Math.sin(p) * Math.sin(l) * v[1] + Math.cos(p) * v[2];
  return { east, north };
}

// Geodetic (deg, m) to ECEF [x, y, z] (m): for synthetic pictures (the frame-rate benchmark).
export function geodeticToEcef(lat, lon, h, ell) {
  const e2 = ell.f * (2 - ell.f);
  const p = lat / deg;
  const l = lon / deg;
  const n = ell.a_m / Math.sqrt(1 - e2 * Math.sin(p) ** 2);
  return [(n + h) * Math.cos(p) * Math.cos(l), (n + h) * Math.cos(p) * Math.sin(l), (n * (1 - e2) + h) * Math.sin(p)];
}
