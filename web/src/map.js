// The map: one canvas, d3-geo's projection, d3-zoom's pan and zoom. Static layers (land,
// coastlines, areas, radar coverage, truth, radar sites) are projected once into Path2D at the
// base scale and drawn under the zoom transform into an offscreen canvas whose pixels are kept
// until the view changes. Each frame starts from those pixels and writes the live tracks (marker,
// trail, velocity vector) straight into them — their base-scale geometry projected once per
// update (TrackGeometry), so that a frame is arithmetic and pixel writes: ten thousand tracks
// stay above 30 frames a second in a software-rendered headless Chromium — puts the image on the
// canvas, then strokes what is few (lines of sight, corridors, histories, launch points,
// ellipses, the selection) over it. Every drawn object is also kept in `layers` (what was drawn,
// by kind, with its screen position) for selection and for tests.
import { geoMercator, geoPath } from 'd3-geo';
import { zoom as d3zoom, zoomIdentity } from 'd3-zoom';
import { select } from 'd3-selection';
import { feature } from 'topojson-client';
import land50 from 'world-atlas/land-50m.json';
import { ellipseRing, greatCircle, sectorRing, velocityEN, offset } from './geo.js';
import { currentImpact } from './picture.js';

export const nationColour = { USA: '#4f8cff', JPN: '#ff5a5a', KOR: '#38c172', ALL: '#c8c8c8' };
const minEllipsePx = 9; // below this on screen an ellipse becomes a marker with its size
const vectorSeconds = 60; // velocity vectors show one minute of flight
const trailPoints = 40; // a live track's trail: its last 40 updates
const sightingSeconds = 1.5; // a line of sight stays drawn this long (frames come every second)
export const infraredColour = '#e040fb';

// A colour as the little-endian 32-bit RGBA word of an ImageData pixel.
function rgba(hex, alpha) {
  const v = parseInt(hex.slice(1), 16);
  return ((alpha << 24) | ((v & 0xff) << 16) | (v & 0xff00) | (v >> 16)) >>> 0;
}
const systemColour = rgba('#ffffff', 255);
const vectorColour = rgba('#ffd84d', 255);
const infraredTrackColour = rgba(infraredColour, 255);
const trailAlpha = 150; // trails: white at this opacity (of 255) over the map
const trailColour = 0; // as a Raster line's colour (transparent black, never drawn): a trail

// The map's pixels for one frame: the static layers' pixels, then the moving objects (1-pixel
// lines and square markers) written straight into them — no path to rasterise and no layer to
// blend: ten thousand tracks with trails and vectors cost a few milliseconds — then put on the
// canvas in one copy.
class Raster {
  constructor(w, h) {
    this.w = w;
    this.h = h;
    this.img = new ImageData(w, h);
    this.buf = new Uint32Array(this.img.data.buffer);
    this.base = new Uint32Array(w * h);
  }
  // The static layers' pixels (read from their canvas when the view changes).
  setBase(ctx) {
    this.base.set(new Uint32Array(ctx.getImageData(0, 0, this.w, this.h).data.buffer));
  }
  begin() {
    this.buf.set(this.base);
  }
  rect(cx, cy, half, colour) {
    const x0 = Math.max(0, Math.round(cx) - half);
    const x1 = Math.min(this.w - 1, Math.round(cx) + half);
    const y0 = Math.max(0, Math.round(cy) - half);
    const y1 = Math.min(this.h - 1, Math.round(cy) + half);
    const buf = this.buf;
    for (let y = y0; y <= y1; y++) {
      const row = y * this.w;
      for (let x = x0; x <= x1; x++) buf[row + x] = colour;
    }
  }
  // A line clipped to the layer (Liang-Barsky) then stepped along its longer axis, in `colour`;
  // a trail (trailColour) is white at trailAlpha over what is beneath it.
  line(x0, y0, x1, y1, colour) {
    const w = this.w;
    const h = this.h;
    let dx = x1 - x0;
    let dy = y1 - y0;
    if (!(x0 >= 0 && y0 >= 0 && x1 >= 0 && y1 >= 0 && x0 <= w - 1 && x1 <= w - 1 && y0 <= h - 1 && y1 <= h - 1)) {
      let t0 = 0;
      let t1 = 1;
      if (dx === 0) {
        if (x0 < 0 || x0 > w - 1) return;
      } else {
        const a = -x0 / dx;
        const b = (w - 1 - x0) / dx;
        t0 = Math.max(t0, Math.min(a, b));
        t1 = Math.min(t1, Math.max(a, b));
      }
      if (dy === 0) {
        if (y0 < 0 || y0 > h - 1) return;
      } else {
        const a = -y0 / dy;
        const b = (h - 1 - y0) / dy;
        t0 = Math.max(t0, Math.min(a, b));
        t1 = Math.min(t1, Math.max(a, b));
      }
      if (!(t0 <= t1)) return;
      x0 += t0 * dx;
      y0 += t0 * dy;
      dx *= t1 - t0;
      dy *= t1 - t0;
    }
    const n = Math.ceil(Math.max(Math.abs(dx), Math.abs(dy)));
    const sx = n ? dx / n : 0;
    const sy = n ? dy / n : 0;
    let x = x0 + 0.5;
    let y = y0 + 0.5;
    const buf = this.buf;
    if (colour !== trailColour) {
      for (let i = 0; i <= n; i++, x += sx, y += sy) buf[(y | 0) * w + (x | 0)] = colour;
      return;
    }
    // Blended over the pixel beneath; the end pixel is left to the next segment or the marker (a
    // joint blended twice would show as a brighter dot).
    const keep = 255 - trailAlpha;
    const add = trailAlpha * 255;
    for (let i = 0; i < n; i++, x += sx, y += sy) {
      const j = (y | 0) * w + (x | 0);
      const v = buf[j];
      const r = ((v & 0xff) * keep + add) / 255;
      const g = (((v >>> 8) & 0xff) * keep + add) / 255;
      const b = (((v >>> 16) & 0xff) * keep + add) / 255;
      buf[j] = (0xff000000 | (b << 16) | (g << 8) | r) >>> 0;
    }
  }
  put(ctx) {
    ctx.putImageData(this.img, 0, 0);
  }
}

// The tracks' geometry at the map's base scale, in columns (typed arrays indexed by the track's
// place in the picture's Map, which only grows): each update's position (bx, by, px) and
// velocity (vx, vy, px/s) and the last trailPoints points of its trail, projected once per
// update and projection. A frame then reads them in order — no projection, no scattered small
// objects.
class TrackGeometry {
  constructor(tracks) {
    this.tracks = tracks; // the picture's Map of tracks these slots belong to
    this.cap = 0;
    this.grow(256);
  }
  grow(cap) {
    const f64 = (a, per) => {
      const b = new Float64Array(cap * per);
      if (a) b.set(a);
      return b;
    };
    const i32 = (a) => {
      const b = new Int32Array(cap);
      if (a) b.set(a);
      return b;
    };
    this.bx = f64(this.bx, 1);
    this.by = f64(this.by, 1);
    this.vx = f64(this.vx, 1);
    this.vy = f64(this.vy, 1);
    this.t_s = f64(this.t_s, 1);
    this.trailX = f64(this.trailX, trailPoints); // ring per slot: trail point i at i % trailPoints
    this.trailY = f64(this.trailY, trailPoints);
    this.trailN = i32(this.trailN); // trail points projected
    this.pid = i32(this.pid); // the projection they were projected with
    this.state = this.state || []; // the update they were projected from
    this.owner = this.owner || []; // the track in the slot
    this.cap = cap;
  }
  // Slot i (the track's place in the Map) brought up to date with the track's state, trail and
  // the map's projection.
  sync(i, tr, map) {
    if (i >= this.cap) this.grow(2 * this.cap);
    if (this.owner[i] !== tr) {
      this.owner[i] = tr;
      this.pid[i] = 0;
    }
    const s = tr.state;
    const pid = map.projId;
    if (this.pid[i] !== pid) {
      this.pid[i] = pid;
      this.state[i] = null;
      this.trailN[i] = Math.max(0, tr.trail.length - trailPoints);
    }
    if (this.state[i] !== s) {
      this.state[i] = s;
      const [bx, by] = map.projection([s.lon, s.lat]);
      const en = velocityEN(s.msg.velocity_ecef_mps, s.lat, s.lon);
      const [qx, qy] = map.projection(offset(s.lat, s.lon, en.north, en.east, map.meta.ellipsoid));
      this.bx[i] = bx;
      this.by[i] = by;
      this.vx[i] = qx - bx;
      this.vy[i] = qy - by;
      this.t_s[i] = s.t_s;
    }
    const trail = tr.trail;
    for (let j = Math.max(this.trailN[i], trail.length - trailPoints); j < trail.length; j++) {
      const [x, y] = map.projection([trail[j][0], trail[j][1]]);
      this.trailX[i * trailPoints + (j % trailPoints)] = x;
      this.trailY[i * trailPoints + (j % trailPoints)] = y;
    }
    this.trailN[i] = trail.length;
  }
}

// The tracks drawn in a frame, by column (no object per track and frame: ten thousand of them
// sixty times a second keep the collector busy); as objects when asked (selection, tests).
class DrawnTracks {
  constructor() {
    this.n = 0;
    this.keys = [];
    this.kinds = [];
    this.x = new Float64Array(256);
    this.y = new Float64Array(256);
  }
  clear() {
    this.n = 0;
  }
  add(key, kind, x, y) {
    const n = this.n;
    if (n === this.x.length) {
      const grow = (a) => {
        const b = new Float64Array(2 * a.length);
        b.set(a);
        return b;
      };
      this.x = grow(this.x);
      this.y = grow(this.y);
    }
    this.keys[n] = key;
    this.kinds[n] = kind;
    this.x[n] = x;
    this.y[n] = y;
    this.n = n + 1;
  }
  // {key, x, y (CSS px), kind, visible (within 50 px of a w × h map)} per track drawn.
  list(w, h) {
    const out = new Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const x = this.x[i];
      const y = this.y[i];
      out[i] = { key: this.keys[i], x, y, kind: this.kinds[i], visible: x > -50 && y > -50 && x < w + 50 && y < h + 50 };
    }
    return out;
  }
}

export class MapView {
  constructor(canvas, meta, onSelect) {
    this.canvas = canvas;
    this.meta = meta;
    this.onSelect = onSelect;
    this.transform = zoomIdentity;
    this.selected = null;
    this.layers = { tracks: [], trails: 0, vectors: 0, launches: [], ellipses: [], corridors: 0, radars: 0, areas: 0 };
    this.picture = null;
    this.t = 0;
    this.truth = [];
    this.showTruth = true;
    this.resize();
    this.zoom = d3zoom()
      .scaleExtent([0.5, 4000])
      .on('zoom', (ev) => {
        this.transform = ev.transform;
        this.requestDraw();
      });
    select(canvas).call(this.zoom).on('dblclick.zoom', null);
    canvas.addEventListener('click', (ev) => this.click(ev));
    new ResizeObserver(() => {
      this.resize();
      this.requestDraw();
    }).observe(canvas);
  }

  // Fits the projection to the picture's extent (areas, radars, truth) in the canvas.
  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = this.canvas.clientWidth || 800;
    const h = this.canvas.clientHeight || 500;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.w = w;
    this.h = h;
    this.dpr = dpr;
    this.projId = (this.projId || 0) + 1;
    this.projection = geoMercator().fitExtent([[40, 40], [w - 40, h - 40]], this.extent());
    this.buildStatic();
  }

  extent() {
    const pts = [];
    const s = this.meta.static || {};
    for (const r of s.radars || []) pts.push([r.lon_deg, r.lat_deg]);
    for (const tr of this.meta.truth || []) for (const p of tr.samples) pts.push([p[2], p[1]]);
    for (const e of this.extraExtent || []) pts.push(e);
    if (pts.length < 2) pts.push([120, 25], [150, 45]);
    return { type: 'MultiPoint', coordinates: pts };
  }

  setTruth(truth) {
    this.truth = truth || [];
  }

  buildStatic() {
    const ell = this.meta.ellipsoid;
    const s = this.meta.static || {};
    const path = (obj) => {
      const p = new Path2D();
      geoPath(this.projection, p)(obj);
      return p;
    };
    // Rings of the scenario (areas, coastlines, coverage) drawn as projected polygons: their
    // winding order is the file's, not d3-geo's spherical convention.
    const rings = (list) => {
      const p = new Path2D();
      for (const r of list) {
        r.forEach((q, i) => {
          const [x, y] = this.projection(q);
          if (i) p.lineTo(x, y);
          else p.moveTo(x, y);
        });
        p.closePath();
      }
      return p;
    };
    const st = {};
    st.land = path(feature(land50, land50.objects.land));
    st.coast = rings(s.coastlines || []);
    st.areas = (s.areas || []).map((a) => ({
      a,
      path: rings(a.rings),
      buffer_px: this.metresToPx(a.buffer_m, a.rings[0]?.[0]?.[1] ?? 35),
    }));
    st.radars = (s.radars || []).map((r) => ({
      r,
      xy: this.projection([r.lon_deg, r.lat_deg]),
      cover: rings([sectorRing(r.lat_deg, r.lon_deg, (r.boresight_az_deg * Math.PI) / 180, (r.half_sector_deg * Math.PI) / 180, r.max_range_m, ell)]),
    }));
    st.truth = this.truth.map((tr) => path({ type: 'LineString', coordinates: tr.samples.map((p) => [p[2], p[1]]) }));
    this.static = st;
    this.layers.radars = st.radars.length;
    this.layers.areas = st.areas.length;
  }

  // Metres as base-scale pixels at latitude lat (Mercator: scale grows with 1/cos lat).
  metresToPx(m, lat) {
    const a = this.projection([0, lat]);
    const b = this.projection(offset(lat, 0, 0, 1000, this.meta.ellipsoid));
    return (m / 1000) * Math.abs(b[0] - a[0]);
  }

  setPicture(picture, t) {
    this.picture = picture;
    this.t = t;
    this.requestDraw();
  }

  // A draw at the next animation frame (after a zoom, a resize, a selection); a draw made before
  // then (the page's frame loop draws every frame whose time moved) takes its place.
  requestDraw() {
    if (this.drawRequest) return;
    this.drawRequest = requestAnimationFrame(() => {
      this.drawRequest = 0;
      this.draw();
    });
  }

  screen(lon, lat) {
    const p = this.projection([lon, lat]);
    return this.transform.apply(p);
  }

  // Zooms so that the ring (of [lon, lat]) fills a third of the map.
  zoomTo(ring) {
    const ps = ring.map((q) => this.projection(q));
    const xs = ps.map((p) => p[0]);
    const ys = ps.map((p) => p[1]);
    const dx = Math.max(...xs) - Math.min(...xs) || 1;
    const dy = Math.max(...ys) - Math.min(...ys) || 1;
    const k = Math.min(4000, 0.33 * Math.min(this.w / dx, this.h / dy));
    const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
    const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
    const t = zoomIdentity.translate(this.w / 2 - k * cx, this.h / 2 - k * cy).scale(k);
    select(this.canvas).call(this.zoom.transform, t);
  }

  click(ev) {
    const r = this.canvas.getBoundingClientRect();
    const x = ev.clientX - r.left;
    const y = ev.clientY - r.top;
    let best = null;
    let bestD = 12;
    for (const o of [...this.layers.tracks, ...this.layers.ellipses]) {
      const d = Math.hypot(o.x - x, o.y - y);
      if (d < bestD) {
        bestD = d;
        best = o;
      }
    }
    if (best) this.onSelect(best.key);
  }

  // The static layers (land, coastlines, areas, coverage, truth, radar sites) are drawn into an
  // offscreen canvas, and their pixels read, only when the view changes; each frame starts from
  // those pixels, writes the moving objects into them (Raster), puts them on the map, then
  // strokes what is few (lines of sight, corridors, histories, launch points, ellipses) on top.
  draw() {
    if (this.drawRequest) {
      cancelAnimationFrame(this.drawRequest);
      this.drawRequest = 0;
    }
    const ctx = this.canvas.getContext('2d');
    const w = this.canvas.width;
    const h = this.canvas.height;
    if (!this.raster || this.raster.w !== w || this.raster.h !== h) {
      this.raster = new Raster(w, h);
      this.staticKey = null;
    }
    const key = `${this.transform.k},${this.transform.x},${this.transform.y},${w},${h},${this.showTruth},${this.projId}`;
    if (key !== this.staticKey) {
      this.staticKey = key;
      this.staticCanvas ??= document.createElement('canvas');
      this.staticCanvas.width = w;
      this.staticCanvas.height = h;
      const st = this.staticCanvas.getContext('2d', { willReadFrequently: true });
      this.drawStatic(st);
      this.raster.setBase(st);
    }
    this.raster.begin();
    this.drawPicture(ctx, this.raster);
  }

  drawStatic(ctx) {
    const { k, x, y } = this.transform;
    const dpr = this.dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#0b1624';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    // Static layers under the zoom transform (line widths in screen pixels).
    ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * x, dpr * y);
    const st = this.static;
    ctx.fillStyle = '#1d2b3a';
    ctx.fill(st.land);
    ctx.strokeStyle = '#50647a';
    ctx.lineWidth = 1 / k;
    ctx.stroke(st.coast);
    for (const { a, path, buffer_px } of st.areas) {
      const c = nationColour[a.nation] || '#aaa';
      ctx.globalAlpha = 0.25;
      ctx.strokeStyle = c;
      ctx.lineWidth = Math.max(1 / k, 2 * buffer_px);
      ctx.stroke(path);
      ctx.fillStyle = c;
      ctx.globalAlpha = 0.12;
      ctx.fill(path);
      ctx.globalAlpha = 1;
    }
    for (const { r, cover } of st.radars) {
      ctx.globalAlpha = 0.07;
      ctx.fillStyle = nationColour[r.nation] || '#aaa';
      ctx.fill(cover);
      ctx.globalAlpha = 0.35;
      ctx.strokeStyle = nationColour[r.nation] || '#aaa';
      ctx.lineWidth = 0.7 / k;
      ctx.stroke(cover);
      ctx.globalAlpha = 1;
    }
    if (this.showTruth) {
      ctx.setLineDash([4 / k, 4 / k]);
      ctx.strokeStyle = '#9aa7b4';
      ctx.lineWidth = 1 / k;
      for (const p of st.truth) ctx.stroke(p);
      ctx.setLineDash([]);
    }
    // Radar sites in screen space.
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.radarsDrawn = [];
    for (const { r, xy } of st.radars) {
      const [sx, sy] = this.transform.apply(xy);
      this.radarsDrawn.push({ name: r.name, nation: r.nation, x: sx, y: sy });
      ctx.fillStyle = nationColour[r.nation] || '#aaa';
      ctx.beginPath();
      ctx.moveTo(sx, sy - 5);
      ctx.lineTo(sx + 4, sy + 3);
      ctx.lineTo(sx - 4, sy + 3);
      ctx.closePath();
      ctx.fill();
    }
  }

  // The picture at this.t: the moving objects into the raster (then put on the canvas), the rest
  // stroked on the canvas over them; what was drawn into this.layers.
  drawPicture(ctx, raster) {
    const drawn = (this.drawn ??= new DrawnTracks());
    drawn.clear();
    let tracks = null;
    const { w, h } = this;
    const layers = {
      get tracks() {
        return (tracks ??= drawn.list(w, h));
      },
      trails: 0,
      vectors: 0,
      launches: [],
      ellipses: [],
      corridors: 0,
      sightings: [],
      radars: this.radarsDrawn,
      areas: this.layers.areas,
    };
    this.layers = layers;
    const pic = this.picture;
    if (!pic) {
      raster.put(ctx);
      return;
    }
    const t = this.t;
    const ell = this.meta.ellipsoid;
    const dpr = this.dpr;
    if (this.geometry?.tracks !== pic.tracks) this.geometry = new TrackGeometry(pic.tracks);
    const geo = this.geometry;
    const trails = this.showTrails !== false;
    const vectors = this.showVectors !== false;
    const half = Math.round(2 * dpr);
    let selected = null;
    const history = new Path2D();
    const corridors = new Path2D();
    const localColour = rgba(nationColour[pic.nation] || '#cccccc', 255);
    const launches = new Path2D();
    const ellipses = [];
    const { k, x: tx, y: ty } = this.transform;
    let slot = -1;
    for (const tr of pic.tracks.values()) {
      slot += 1;
      const kind = pic.kindOf(tr);
      if (kind === 'local' && !this.showLocal) continue;
      const s = tr.state;
      const imp = tr.impacts.length ? currentImpact(tr, t) : null;
      if (tr.launch) {
        const [lx, ly] = this.screen(tr.launch.lon, tr.launch.lat);
        launches.moveTo(lx + 5, ly);
        launches.arc(lx, ly, 5, 0, 2 * Math.PI);
        layers.launches.push({ key: tr.key, x: lx, y: ly });
        if (imp && !imp.final) {
          const gc = greatCircle([tr.launch.lon, tr.launch.lat], [imp.lon, imp.lat]);
          gc.forEach(([lo, la], i) => {
            const [cx, cy] = this.screen(lo, la);
            if (i === 0) corridors.moveTo(cx, cy);
            else corridors.lineTo(cx, cy);
          });
          layers.corridors += 1;
        }
      }
      if (imp) ellipses.push({ tr, imp });
      if (!s) continue;
      if (tr.dropped || (imp && t > imp.impact_s + 5)) {
        tr.trail.forEach((p, i) => {
          const [px, py] = this.screen(p[0], p[1]);
          if (i) history.lineTo(px, py);
          else history.moveTo(px, py);
        });
        continue;
      }
      // Dead reckoning from the last update (ten seconds at most) so tracks move smoothly: the
      // update's base-scale position and velocity (px/s) are projected once, then each frame
      // is arithmetic only.
      geo.sync(slot, tr, this);
      const dt = Math.min(Math.max(t - geo.t_s[slot], 0), 10);
      const vx = geo.vx[slot];
      const vy = geo.vy[slot];
      const sx = k * (geo.bx[slot] + vx * dt) + tx;
      const sy = k * (geo.by[slot] + vy * dt) + ty;
      const n = tr.trail.length;
      if (n > 1 && trails) {
        // Device pixels from the ring of the trail's base-scale points, oldest first.
        const from = Math.max(0, n - trailPoints);
        const ring = slot * trailPoints;
        let lx = dpr * (k * geo.trailX[ring + (from % trailPoints)] + tx);
        let ly = dpr * (k * geo.trailY[ring + (from % trailPoints)] + ty);
        for (let i = from + 1; i < n; i++) {
          const px = dpr * (k * geo.trailX[ring + (i % trailPoints)] + tx);
          const py = dpr * (k * geo.trailY[ring + (i % trailPoints)] + ty);
          raster.line(lx, ly, px, py, trailColour);
          lx = px;
          ly = py;
        }
        raster.line(lx, ly, dpr * sx, dpr * sy, trailColour);
        layers.trails += 1;
      }
      if (vectors) {
        raster.line(dpr * sx, dpr * sy, dpr * (sx + k * vx * vectorSeconds), dpr * (sy + k * vy * vectorSeconds), vectorColour);
        layers.vectors += 1;
      }
      raster.rect(dpr * sx, dpr * sy, half, kind === 'system' ? systemColour : kind === 'infrared' ? infraredTrackColour : localColour);
      drawn.add(tr.key, kind, sx, sy);
      if (tr.key === this.selected) selected = { x: sx, y: sy };
    }
    // The lines of sight of the view's nation's infrared satellites (their frames of the last
    // sightingSeconds): each from 150 km up to the ground, crossing where a plume is.
    const sightings = new Path2D();
    const ir = this.meta.infrared;
    const sats = (this.meta.static || {}).satellites || [];
    if (ir && ir.sightings.length) {
      const all = ir.sightings;
      let lo = 0;
      let hi = all.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (all[mid][0] <= t - sightingSeconds) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < all.length && all[i][0] <= t; i++) {
        const [ts, sat, lat0, lon0, lat1, lon1] = all[i];
        const nation = sats[sat] ? sats[sat].nation : null;
        if (pic.nation !== 'ALL' && nation !== pic.nation) continue;
        const [x0, y0] = this.screen(lon0, lat0);
        const [x1, y1] = this.screen(lon1, lat1);
        sightings.moveTo(x0, y0);
        sightings.lineTo(x1, y1);
        layers.sightings.push({ t_s: ts, satellite: sats[sat] ? sats[sat].name : String(sat), x0, y0, x1, y1 });
      }
    }
    raster.put(ctx);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.strokeStyle = infraredColour;
    ctx.globalAlpha = 0.6;
    ctx.lineWidth = 1;
    ctx.stroke(sightings);
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(255, 200, 80, 0.25)';
    ctx.lineWidth = 6;
    ctx.stroke(corridors);
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(255,255,255,0.2)';
    ctx.stroke(history);
    ctx.strokeStyle = '#ff9f1c';
    ctx.lineWidth = 2;
    ctx.stroke(launches);
    // Impact ellipses: the ring when it is big enough to see, else a marker with its size.
    for (const { tr, imp } of ellipses) {
      const ring = ellipseRing(imp.lat, imp.lon, imp.a, imp.b, imp.az, ell, 40).map(([lo, la]) => this.screen(lo, la));
      const [cx, cy] = this.screen(imp.lon, imp.lat);
      const span = Math.max(...ring.map(([px, py]) => Math.hypot(px - cx, py - cy)));
      const colour = imp.final ? '#ff3b3b' : '#ff9f1c';
      ctx.strokeStyle = colour;
      ctx.fillStyle = imp.final ? 'rgba(255,59,59,0.25)' : 'rgba(255,159,28,0.18)';
      ctx.lineWidth = imp.final ? 2.5 : 1.5;
      const asMarker = span < minEllipsePx;
      ctx.beginPath();
      if (asMarker) {
        ctx.arc(cx, cy, minEllipsePx, 0, 2 * Math.PI);
        ctx.moveTo(cx - minEllipsePx - 4, cy);
        ctx.lineTo(cx + minEllipsePx + 4, cy);
        ctx.moveTo(cx, cy - minEllipsePx - 4);
        ctx.lineTo(cx, cy + minEllipsePx + 4);
      } else {
        ring.forEach(([px, py], i) => (i ? ctx.lineTo(px, py) : ctx.moveTo(px, py)));
        ctx.closePath();
        ctx.fill();
      }
      ctx.stroke();
      if (asMarker || tr.key === this.selected) {
        ctx.fillStyle = colour;
        ctx.font = '11px sans-serif';
        const size = `${(imp.a / 1000).toFixed(1)}×${(imp.b / 1000).toFixed(1)} km${imp.final ? ' final' : ''}`;
        ctx.fillText(size, cx + minEllipsePx + 6, cy - 4);
      }
      layers.ellipses.push({ key: tr.key, x: cx, y: cy, final: imp.final, marker: asMarker, span_px: span, a_m: imp.a, b_m: imp.b });
    }
    // The selection on top.
    if (selected) {
      ctx.strokeStyle = '#00e5ff';
      ctx.lineWidth = 2;
      ctx.strokeRect(selected.x - 8, selected.y - 8, 16, 16);
    }
  }
}
