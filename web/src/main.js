// The common operating picture: one page for the report (data embedded), the live picture and
// a recording replayed (both streamed by `trilink serve`). See sources.js and picture.js.
import uPlot from 'uplot';
import { Store, Picture, alertChains, countdown, currentImpact, trackKey } from './picture.js';
import { MapView } from './map.js';
import { embeddedPicture, LocalClock, RemoteClock, openStream } from './sources.js';
import { geodeticToEcef, ellipseRing } from './geo.js';

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const fmtT = (t) => (t === null || t === undefined ? '—' : `T+${Math.round(t)} s`);
const levelText = { launch_detected: 'launch detected', threat: 'threat', update: 'update', passed: 'passed', fell: 'fell', all_clear: 'all clear' };

const app = {
  store: new Store(),
  meta: null,
  clock: null,
  map: null,
  picture: null,
  view: { nation: null, run: null },
  selected: null,
  lastPanels: -1,
  lastControls: -Infinity,
  lastT: NaN,
  frames: 0,
  chart: null,
};

function setOptions(sel, values, current) {
  sel.innerHTML = values.map((v) => `<option${v === current ? ' selected' : ''}>${esc(v)}</option>`).join('');
}

function init(meta) {
  app.meta = meta;
  $('title').textContent = meta.title || 'trilink';
  document.title = `trilink — ${meta.title || 'common operating picture'}`;
  const nations = meta.nations && meta.nations.length ? meta.nations : ['JPN', 'KOR', 'USA'];
  const runs = meta.runs && meta.runs.length ? meta.runs : ['trilateral'];
  app.view.nation = nations.includes(app.view.nation) ? app.view.nation : nations[0];
  app.view.run = runs.includes(app.view.run) ? app.view.run : runs[0];
  setOptions($('nation'), nations, app.view.nation);
  setOptions($('run'), runs, app.view.run);
  $('show-local').checked = app.view.run === 'national';
  if (!app.map) {
    app.map = new MapView($('map'), meta, select);
  } else {
    app.map.meta = meta;
  }
  app.map.setTruth(meta.truth);
  app.map.showLocal = $('show-local').checked;
  app.map.resize();
  newPicture();
  renderTimeline(meta.timeline || []);
  renderFigures(meta.figures || []);
  buildChart();
}

function newPicture() {
  app.picture = new Picture(app.store, app.meta, app.view.run, app.view.nation);
  app.lastPanels = -1;
  app.lastT = NaN;
  buildChart();
}

function select(key) {
  app.selected = key;
  app.map.selected = key;
  app.lastPanels = -1;
  app.map.requestDraw();
}

// ---------------------------------------------------------------- panels

function trackLabel(tr) {
  const [node, id] = tr.key.split('/');
  return app.picture.kindOf(tr) === 'system' ? `S${id}` : `${node} ${id}`;
}

// The track table: the first tableRows live tracks by time to impact (none last), then by key —
// what an operator reads — picked in one pass (ten thousand tracks are neither sorted nor
// formatted four times a second).
const tableRows = 60;
function renderTracks(pic, t) {
  const shown = [];
  let count = 0;
  for (const tr of pic.tracks.values()) {
    if (!tr.state || tr.dropped) continue;
    const kind = pic.kindOf(tr);
    if (kind === 'local' && !app.map.showLocal) continue;
    const imp = tr.impacts.length ? currentImpact(tr, t) : null;
    if (imp && t > imp.impact_s + 5) continue;
    count += 1;
    const tti = imp ? imp.impact_s - t : Infinity;
    const after = (row) => tti > row.tti || (tti === row.tti && tr.key > row.tr.key);
    if (shown.length === tableRows && after(shown[tableRows - 1])) continue;
    let i = shown.length;
    while (i > 0 && !after(shown[i - 1])) i -= 1;
    shown.splice(i, 0, { tr, tti });
    if (shown.length > tableRows) shown.pop();
  }
  const html = shown
    .map(({ tr, tti }) => {
      const m = tr.state.msg;
      const nations = m.type === 'system_track' ? [...new Set(m.contributions.map((c) => c.nation))].join(' ') : m.header.originator.nation;
      return (
        `<tr data-key="${esc(tr.key)}"${tr.key === app.selected ? ' class="selected"' : ''}><td>${esc(trackLabel(tr))}</td><td>${esc(m.phase)}</td>` +
        `<td>${(tr.state.h / 1000).toFixed(0)}</td><td>${(tr.state.speed / 1000).toFixed(2)}</td>` +
        `<td>${tti === Infinity ? '—' : `${Math.max(0, tti).toFixed(0)} s`}</td><td>${esc(nations)}</td><td>${esc(m.header.releasability)}</td></tr>`
      );
    })
    .join('');
  if (html !== app.tracksHtml) $('tracks').tBodies[0].innerHTML = app.tracksHtml = html;
  if ($('tracks').dataset.count !== String(count)) $('tracks').dataset.count = String(count);
}

function renderAlerts(pic, t) {
  const chains = alertChains(pic.alerts).reverse();
  const html = chains
    .map((c) => {
      const a = c.latest;
      const cd = countdown(a, t);
      const areas = [...c.areas].join(', ') || 'no area named';
      const steps = c.steps.map((s) => `${levelText[s.msg.level]} ${fmtT(s.t_s)}`).join(' → ');
      const what = a.msg.level === 'threat' || a.msg.level === 'update' ? 'impact' : 'event';
      return (
        `<li class="${esc(a.msg.level)}" data-key="${esc(c.key)}" data-level="${esc(a.msg.level)}">` +
        (cd === null ? '' : `<span class="count" title="seconds to ${what}">${Math.max(0, cd).toFixed(0)} s</span>`) +
        `<b>${esc(levelText[a.msg.level])}</b> — ${esc(c.node)} track ${c.track}<br>${esc(areas)}<div class="steps">${esc(steps)}</div></li>`
      );
    })
    .join('');
  if (html !== app.alertsHtml) $('alerts').innerHTML = app.alertsHtml = html;
  $('alerts').dataset.count = String(pic.alerts.length);
}

function renderHealth(pic, t) {
  const items = [];
  for (const [node, h] of pic.health) {
    const m = h.msg;
    const links = m.links.map((l) => `${l.peer_node} ${l.status}`).join(', ');
    const age = t - h.t_s;
    items.push(`<li>${esc(node)}: radars ${m.radars_operating}/${m.radars_total}, links ${esc(links || 'none')}, heartbeat ${m.heartbeat} (${age.toFixed(0)} s ago)</li>`);
  }
  const html = items.join('') || '<li class="never">no health reports in this view</li>';
  if (html !== app.healthHtml) $('health').innerHTML = app.healthHtml = html;
}

function renderTimeline(timeline) {
  const names = { first_detection: 'detection', first_track: 'track', launch_report: 'launch report', launch_alert: 'launch alert', first_impact_prediction: 'impact prediction', threat_alert: 'threat alert' };
  $('timeline').innerHTML = timeline
    .map((l) => {
      const evs = l.nations[0]?.events.map((e) => e.name) || [];
      const head = `<tr><th>nation</th>${evs.map((n) => `<th>${esc(names[n] || n)}<br>alone / shared</th>`).join('')}<th>gained</th></tr>`;
      const rows = l.nations
        .map((n) => {
          const cells = n.events
            .map((e) => {
              const f = (v) => (v === null ? '<span class="never">never</span>' : `${v.toFixed(0)} s`);
              return `<td>${f(e.national_s)} / ${f(e.trilateral_s)}</td>`;
            })
            .join('');
          const gain = n.gain_s === null ? '—' : `<span class="gain">${n.gain_s.toFixed(0)} s</span>`;
          return `<tr data-launch="${esc(l.launch_id)}" data-nation="${esc(n.nation)}"><td>${esc(n.nation)}</td>${cells}<td>${gain}</td></tr>`;
        })
        .join('');
      return `<h3 class="launch" data-launch="${esc(l.launch_id)}">${esc(l.launch_id)}: ${esc(l.description)} — lift-off ${fmtT(l.launch_s)}, impact after ${l.impact_s.toFixed(0)} s</h3><table>${head}${rows}</table>`;
    })
    .join('');
}

function renderFigures(figures) {
  $('figures').innerHTML = figures.map((f) => `<dt>${esc(f.name)}</dt><dd>${esc(f.value)}</dd>`).join('');
  $('figures-panel').hidden = figures.length === 0;
}

// Altitude over time: truth and the tracks of the view, on a 5 s grid, with the time cursor.
function buildChart() {
  const el = $('chart');
  if (app.chart) {
    app.chart.destroy();
    app.chart = null;
  }
  if (!app.meta || !app.picture || app.benchmarking) return;
  const step = 5;
  const end = Math.max(app.meta.duration_s || 0, app.store.end_s);
  const xs = [];
  for (let t = 0; t <= end; t += step) xs.push(t);
  const series = [{}];
  const data = [xs];
  for (const tr of app.meta.truth || []) {
    const col = new Array(xs.length).fill(null);
    for (const s of tr.samples) col[Math.round(s[0] / step)] = s[3] / 1000;
    data.push(col);
    series.push({ label: `${tr.launch_id} truth`, stroke: '#9aa7b4', dash: [4, 4], width: 1 });
  }
  const full = new Picture(app.store, app.meta, app.view.run, app.view.nation);
  const cols = new Map();
  for (const e of app.store.events) {
    if (!full.inView(e) || (e.message.type !== 'system_track' && e.message.type !== 'local_track')) continue;
    if (e.message.type === 'local_track' && app.view.run === 'trilateral') continue;
    full.apply(e);
    const tr = full.tracks.get(trackKey(e.message));
    if (!tr) continue;
    let col = cols.get(tr.key);
    if (!col) {
      if (cols.size >= 20) continue;
      col = new Array(xs.length).fill(null);
      cols.set(tr.key, col);
    }
    col[Math.round(tr.state.t_s / step)] = tr.state.h / 1000;
  }
  for (const [key, col] of cols) {
    data.push(col);
    series.push({ label: key, stroke: '#ffffff', width: 1.5, spanGaps: true });
  }
  const opts = {
    width: el.clientWidth || 800,
    height: 160,
    series,
    legend: { show: false },
    scales: { x: { time: false } },
    axes: [{ stroke: '#8fa1b3', label: 's since start' }, { stroke: '#8fa1b3', label: 'altitude km' }],
    hooks: {
      draw: [
        (u) => {
          const x = u.valToPos(app.lastT || 0, 'x', true);
          u.ctx.save();
          u.ctx.strokeStyle = '#00e5ff';
          u.ctx.beginPath();
          u.ctx.moveTo(x, u.bbox.top);
          u.ctx.lineTo(x, u.bbox.top + u.bbox.height);
          u.ctx.stroke();
          u.ctx.restore();
        },
      ],
    },
  };
  for (const s of series.slice(1)) s.spanGaps = true;
  app.chart = new uPlot(opts, data, el);
}

// ---------------------------------------------------------------- the loop

function frame() {
  requestAnimationFrame(frame);
  app.frames += 1;
  if (!app.meta || !app.clock) return;
  const t = app.clock.now();
  if (t !== app.lastT || app.store.generation !== app.picture.generation || app.dirty) {
    app.dirty = false;
    performance.mark('trilink-frame-start');
    app.picture.advance(t);
    app.map.setPicture(app.picture, t);
    app.map.draw();
    performance.measure('trilink-frame', 'trilink-frame-start');
    performance.clearMarks('trilink-frame-start');
    app.lastT = t;
  }
  const play = app.clock.playing ? 'pause' : 'play';
  if ($('play').textContent !== play) $('play').textContent = play;
  const now = performance.now();
  // The slider, the clock and the chart's time cursor four times a second, each only when it changes:
  // every change costs the page a style, layout and paint pass (the slider moved every frame
  // took about a quarter of a 10,000-track frame).
  if (now - app.lastControls > 250) {
    app.lastControls = now;
    const end = Math.max(app.clock.end_s || 0, app.store.end_s);
    const slider = String(end > 0 ? Math.round((1000 * t) / end) : 0);
    if (!app.sliding && $('slider').value !== slider) $('slider').value = slider;
    const utc = app.meta.start_ns ? new Date(Number(BigInt(app.meta.start_ns) / 1000000n) + t * 1000).toISOString().slice(11, 19) : '';
    const clock = `T+${t.toFixed(0)} s  ${utc} UTC`;
    if ($('clock').textContent !== clock) $('clock').textContent = clock;
    if (app.chart && app.chartT !== t) {
      app.chartT = t;
      app.chart.redraw(false);
    }
  }
  if (now - app.lastPanels > 250 && !app.skipPanels) {
    app.lastPanels = now;
    renderTracks(app.picture, t);
    renderAlerts(app.picture, t);
    renderHealth(app.picture, t);
    $('clock').dataset.t = t.toFixed(1);
    // The frame measures are read by the benchmark only: a page left open keeps none.
    if (!app.benchmarking) performance.clearMeasures('trilink-frame');
  }
}

function wireControls() {
  $('nation').onchange = (e) => {
    app.view.nation = e.target.value;
    newPicture();
  };
  $('run').onchange = (e) => {
    app.view.run = e.target.value;
    $('show-local').checked = app.view.run === 'national';
    app.map.showLocal = $('show-local').checked;
    newPicture();
  };
  $('show-local').onchange = (e) => {
    app.map.showLocal = e.target.checked;
    app.dirty = true;
  };
  $('show-truth').onchange = (e) => {
    app.map.showTruth = e.target.checked;
    app.dirty = true;
  };
  $('play').onclick = () => (app.clock.playing ? app.clock.pause() : app.clock.play());
  $('speed').onchange = (e) => app.clock.setSpeed(Number(e.target.value));
  const slider = $('slider');
  slider.oninput = () => (app.sliding = true);
  slider.onchange = () => {
    app.sliding = false;
    const end = Math.max(app.clock.end_s || 0, app.store.end_s);
    app.clock.seek((Number(slider.value) / 1000) * end);
  };
  $('tracks').onclick = (e) => {
    const row = e.target.closest('tr[data-key]');
    if (row) select(row.dataset.key);
  };
  $('alerts').onclick = (e) => {
    const li = e.target.closest('li[data-key]');
    if (li) select(li.dataset.key);
  };
  $('map').ondblclick = () => {
    const tr = app.selected && app.picture.tracks.get(app.selected);
    const imp = tr && currentImpact(tr, app.lastT);
    if (imp) app.map.zoomTo(ellipseRing(imp.lat, imp.lon, imp.a, imp.b, imp.az, app.meta.ellipsoid));
  };
}

// ---------------------------------------------------------------- frame-rate benchmark

// A synthetic picture of n system tracks (codec-shaped messages, one update every 5 s for 30 s)
// played in place of the current one; returns frames per second over `seconds`, measured with
// the Performance API, and the objects the map drew.
async function bench(n, seconds = 3, layers = {}) {
  app.benchmarking = true;
  app.map.showTrails = layers.trails ?? true;
  app.map.showVectors = layers.vectors ?? true;
  app.skipPanels = layers.panels === false;
  const meta = app.meta;
  const ell = meta.ellipsoid;
  const ext = app.map.projection.invert([0, 0]);
  const ext2 = app.map.projection.invert([app.map.w, app.map.h]);
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const startNs = BigInt(meta.start_ns);
  const store = new Store();
  const zero = [0, 0, 0, 0, 0, 0];
  const tracks = [];
  for (let i = 0; i < n; i++) {
    tracks.push({ lat: ext2[1] + rnd() * (ext[1] - ext2[1]), lon: ext[0] + rnd() * (ext2[0] - ext[0]), h: 1e5 + rnd() * 9e5, ve: (rnd() - 0.5) * 6e3, vn: (rnd() - 0.5) * 6e3 });
  }
  for (let k = 0; k <= 6; k++) {
    const t = 5 * k;
    for (let i = 0; i < n; i++) {
      const s = tracks[i];
      const lat = s.lat + ((s.vn * t) / 111e3);
      const lon = s.lon + ((s.ve * t) / (111e3 * Math.cos((s.lat * Math.PI) / 180)));
      const p = geodeticToEcef(lat, lon, s.h, ell);
      const q = geodeticToEcef(lat + s.vn / 111e3, lon + s.ve / (111e3 * Math.cos((s.lat * Math.PI) / 180)), s.h, ell);
      const header = { schema_version: 2, originator: { nation: 'USA', node: 'BENCH', sensor: null }, session_start_ns: meta.start_ns, sequence: k * n + i, time_of_validity_ns: String(startNs + BigInt(t * 1e9)), releasability: 'USA|JPN|KOR' };
      const message = { type: 'system_track', header, system_track_id: i + 1, position_ecef_m: p, velocity_ecef_mps: [q[0] - p[0], q[1] - p[1], q[2] - p[2]], covariance: [zero, zero, zero, zero, zero, zero], status: 'confirmed', phase: 'midcourse', contributions: [{ nation: 'JPN', track_id: i + 1 }] };
      store.add({ t_s: t, run: app.view.run, nation: app.view.nation, message });
    }
  }
  app.store = store;
  app.picture = new Picture(store, meta, app.view.run, app.view.nation);
  app.clock = new LocalClock(30);
  app.clock.seek(0);
  app.clock.speed = 5;
  app.clock.play();
  await new Promise((r) => setTimeout(r, 300));
  performance.clearMeasures('trilink-frame');
  const f0 = app.frames;
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - w0) / 1000;
  const frames = app.frames - f0;
  const draws = performance.getEntriesByName('trilink-frame');
  const drawMs = draws.reduce((s, e) => s + e.duration, 0) / Math.max(1, draws.length);
  return { fps: frames / elapsed, frames, seconds: elapsed, draws: draws.length, mean_frame_ms: drawMs, tracks_drawn: app.map.layers.tracks.length, trails: app.map.layers.trails, vectors: app.map.layers.vectors };
}

// ---------------------------------------------------------------- start

function start() {
  wireControls();
  const embedded = embeddedPicture(document);
  if (embedded) {
    $('source').textContent = 'report';
    const { events, ...meta } = embedded;
    app.store.addAll(events);
    app.clock = new LocalClock(Math.max(meta.duration_s || 0, app.store.end_s));
    init(meta);
  } else {
    const base = location.pathname.replace(/[^/]*$/, '');
    const nation = new URLSearchParams(location.search).get('nation');
    $('source').textContent = 'connecting';
    app.clock = new RemoteClock(base);
    openStream(`${base}events${nation ? `?nation=${encodeURIComponent(nation)}` : ''}`, {
      meta: (m) => {
        $('source').textContent = m.mode || 'stream';
        init(m);
      },
      reset: () => {
        app.store.reset();
        app.dirty = true;
      },
      events: (list) => {
        app.store.addAll(list);
        app.dirty = true;
      },
      clock: (c) => {
        app.clock.update(c);
        app.dirty = true;
      },
      status: (s) => ($('source').dataset.status = s),
    });
  }
  requestAnimationFrame(frame);
  window.trilink = {
    // What the page holds and draws, for tests and for a curious operator's console.
    state: () => ({
      t: app.lastT,
      view: { ...app.view },
      events: app.store.events.length,
      nations: [...new Set(app.store.events.map((e) => e.nation))].sort(),
      counts: app.picture ? { ...app.picture.counts } : null,
      tracks: app.picture ? [...app.picture.tracks.values()].filter((tr) => tr.state).map((tr) => tr.key) : [],
      launches: app.map ? app.map.layers.launches.length : 0,
      layers: app.map ? JSON.parse(JSON.stringify(app.map.layers)) : null,
      alerts: app.picture ? app.picture.alerts.map((a) => ({ level: a.msg.level, node: a.node, track: a.msg.system_track_id, areas: a.msg.areas, t_s: a.t_s })) : [],
      truth: (app.meta?.truth || []).map((x) => x.launch_id),
    }),
    seek: (t) => app.clock.seek(t),
    setView: (nation, run) => {
      if (nation) app.view.nation = nation;
      if (run) app.view.run = run;
      setOptions($('nation'), [...$('nation').options].map((o) => o.value), app.view.nation);
      setOptions($('run'), [...$('run').options].map((o) => o.value), app.view.run);
      newPicture();
    },
    select,
    bench,
  };
  document.body.dataset.ready = '1';
}

start();
