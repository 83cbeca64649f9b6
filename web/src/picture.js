// The picture's state: a time-ordered store of events and the fold of those up to a time, for
// one nation's released view of one run. An event is
//   {t_s, run, nation, message}
// where t_s is seconds since the picture's start, run is "national" or "trilateral", nation
// the recipient (whose display the message reached) and message is the record codec's JSON of
// the share::Message (src/record/codec.hpp), untouched. The same code serves the three sources
// (embedded data, a live stream, a recording replayed by the server).
import { ecefToGeodetic } from './geo.js';

// Events sorted by t_s (stable: ties keep arrival order).
export class Store {
  constructor() {
    this.events = [];
    this.generation = 0; // bumped by reset(): caches of folds start again
  }
  reset() {
    this.events = [];
    this.generation += 1;
  }
  add(e) {
    const ev = this.events;
    if (ev.length === 0 || ev[ev.length - 1].t_s <= e.t_s) {
      ev.push(e);
      return;
    }
    // Out of order (rare): insert after the last event with t_s <= e.t_s; folds restart.
    let lo = 0;
    let hi = ev.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ev[mid].t_s <= e.t_s) lo = mid + 1;
      else hi = mid;
    }
    ev.splice(lo, 0, e);
    this.generation += 1;
  }
  addAll(list) {
    for (const e of list) this.add(e);
  }
  get end_s() {
    return this.events.length ? this.events[this.events.length - 1].t_s : 0;
  }
}

// The key of what a message is about: the node that made it and its track id, so that a
// nation's own products (its node, local track ids) and the hub's (system track ids) stay apart.
export function trackKey(m) {
  const node = m.header.originator.node;
  if (m.type === 'local_track') return `${node}/${m.track_id}`;
  return `${node}/${m.system_track_id}`;
}

// Seconds from the picture's start (a BigInt of ns) to a time in ns (a decimal string).
function seconds(ns, startNs) {
  return Number(BigInt(ns) - startNs) / 1e9;
}

// The fold of one view (run, nation) up to a time. advance(t) applies the events up to t;
// going back in time starts the fold again from the first event.
export class Picture {
  constructor(store, meta, run, nation) {
    this.store = store;
    this.meta = meta;
    this.run = run;
    this.nation = nation;
    this.clear();
  }
  clear() {
    this.cursor = 0;
    this.t = -Infinity;
    this.generation = this.store.generation;
    this.tracks = new Map(); // key -> track state
    this.hubs = new Set(); // nodes that sent system tracks: their products are system ones
    this.alerts = []; // in arrival order
    this.health = new Map(); // node -> latest node_health
    this.counts = { system_track: 0, local_track: 0, launch_report: 0, impact_prediction: 0, alert: 0 };
  }
  inView(e) {
    return e.run === this.run && (this.nation === 'ALL' || e.nation === this.nation);
  }
  advance(t) {
    if (this.generation !== this.store.generation || t < this.t) this.clear();
    const ev = this.store.events;
    while (this.cursor < ev.length && ev[this.cursor].t_s <= t) {
      const e = ev[this.cursor++];
      if (this.inView(e)) this.apply(e);
    }
    this.t = t;
    return this;
  }
  // A track's kind: 'system' (the hub's), 'infrared' (a nation's space track: its local track
  // numbers from the picture's infrared.space_track_id_base) or 'local' (a nation's own radar
  // track), from its messages.
  kindOf(tr) {
    return tr.kind ?? (this.hubs.has(tr.key.slice(0, tr.key.lastIndexOf('/'))) ? 'system' : 'local');
  }
  track(key, kind) {
    let tr = this.tracks.get(key);
    if (kind && tr && !tr.kind) tr.kind = kind;
    if (!tr) {
      tr = { key, kind, state: null, trail: [], launch: null, impacts: [], alerts: [], dropped: false };
      this.tracks.set(key, tr);
    }
    return tr;
  }
  apply(e) {
    const m = e.message;
    const startNs = (this.startNs ??= BigInt(this.meta.start_ns));
    const ell = this.meta.ellipsoid;
    if (m.type in this.counts) this.counts[m.type] += 1;
    switch (m.type) {
      case 'system_track':
      case 'local_track': {
        const base = this.meta.infrared?.space_track_id_base;
        const kind = m.type === 'system_track' ? 'system' : base !== undefined && Number(m.track_id) >= base ? 'infrared' : 'local';
        const tr = this.track(trackKey(m), kind);
        if (m.type === 'system_track') this.hubs.add(m.header.originator.node);
        const g = ecefToGeodetic(m.position_ecef_m, ell);
        tr.state = {
          msg: m,
          t_s: seconds(m.header.time_of_validity_ns, startNs),
          received_s: e.t_s,
          lat: g.lat,
          lon: g.lon,
          h: g.h,
          speed: Math.hypot(m.velocity_ecef_mps[0], m.velocity_ecef_mps[1], m.velocity_ecef_mps[2]),
        };
        tr.dropped = m.status === 'dropped';
        tr.trail.push([g.lon, g.lat, g.h, tr.state.t_s]);
        break;
      }
      case 'launch_report': {
        const tr = this.track(trackKey(m));
        const g = ecefToGeodetic(m.launch_point_ecef_m, ell);
        tr.launch = { msg: m, lat: g.lat, lon: g.lon, t_s: seconds(m.launch_time_ns, startNs) };
        break;
      }
      case 'impact_prediction': {
        const tr = this.track(trackKey(m));
        const g = ecefToGeodetic(m.impact_point_ecef_m, ell);
        tr.impacts.push({
          msg: m,
          t_s: seconds(m.header.time_of_validity_ns, startNs),
          impact_s: seconds(m.time_of_impact_ns, startNs),
          lat: g.lat,
          lon: g.lon,
          a: m.semi_major_m,
          b: m.semi_minor_m,
          az: m.major_axis_azimuth_rad,
        });
        break;
      }
      case 'alert': {
        const a = { msg: m, t_s: e.t_s, key: trackKey(m), node: m.header.originator.node };
        this.alerts.push(a);
        this.track(a.key).alerts.push(a);
        break;
      }
      case 'node_health':
        this.health.set(m.header.originator.node, { msg: m, t_s: e.t_s });
        break;
      default:
        break;
    }
  }
}

// The ellipse to draw for a track at time t: the latest prediction made before its own time of
// impact (a prediction made after impact is never the "final" one); final once t has passed
// that impact time. null when there is none.
export function currentImpact(tr, t) {
  let best = null;
  for (const p of tr.impacts) if (p.t_s <= p.impact_s) best = p;
  if (!best) return null;
  return { ...best, final: t >= best.impact_s };
}

// Alert chains: per (node, system track) the levels in order, the latest alert and the areas.
// Each chain is one missile's warning life cycle as one node raised it.
export function alertChains(alerts) {
  const chains = new Map();
  for (const a of alerts) {
    const id = `${a.node}/${a.msg.system_track_id}`;
    let c = chains.get(id);
    if (!c) {
      c = { id, node: a.node, track: a.msg.system_track_id, key: a.key, steps: [], areas: new Set() };
      chains.set(id, c);
    }
    c.steps.push(a);
    for (const name of a.msg.areas) c.areas.add(name);
    c.latest = a;
  }
  return [...chains.values()];
}

// Seconds to impact (or to the overflight) at time t from an alert: its time to impact counted
// from its own time; null when the alert has none or the chain is closed.
export function countdown(alert, t) {
  const closed = ['passed', 'fell', 'all_clear'];
  if (closed.includes(alert.msg.level) || alert.msg.time_to_impact_s === null) return null;
  const tti = Number(alert.msg.time_to_impact_s);
  return tti - (t - alert.t_s);
}
