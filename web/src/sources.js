// Where the picture comes from, and its clock. Every source fills one Store with the same
// events and hands the page one meta object (title, start, ellipsoid, static layer, truth,
// timeline...):
//  - embedded: the report page carries the whole picture (<script id="trilink-picture">);
//    its clock is local (play, pause, speed, seek);
//  - stream: `trilink serve` sends the picture as Server-Sent Events (meta, reset, events,
//    clock); the clock is the server's: a replay obeys play, pause, speed and seek sent back
//    to it (POST api/control), a live picture follows the wall clock.

export function embeddedPicture(doc) {
  const el = doc.getElementById('trilink-picture');
  const text = el ? el.textContent.trim() : '';
  if (!text || text === 'null' || text.startsWith('@TRILINK')) return null;
  return JSON.parse(text);
}

export class LocalClock {
  constructor(end_s) {
    this.end_s = end_s;
    this.t0 = end_s; // opens on the whole exercise: every ellipse final, every alert
    this.w0 = performance.now();
    this.playing = false;
    this.speed = 10;
    this.seekable = true;
  }
  now() {
    if (!this.playing) return this.t0;
    const t = this.t0 + ((performance.now() - this.w0) / 1000) * this.speed;
    if (t >= this.end_s) {
      this.t0 = this.end_s;
      this.playing = false;
      return this.end_s;
    }
    return t;
  }
  play() {
    if (this.t0 >= this.end_s) this.t0 = 0;
    this.w0 = performance.now();
    this.playing = true;
  }
  pause() {
    this.t0 = this.now();
    this.playing = false;
  }
  setSpeed(s) {
    this.t0 = this.now();
    this.w0 = performance.now();
    this.speed = s;
  }
  seek(t) {
    this.t0 = Math.max(0, Math.min(this.end_s, t));
    this.w0 = performance.now();
  }
}

export class RemoteClock {
  constructor(base) {
    this.base = base;
    this.t0 = 0;
    this.w0 = performance.now();
    this.playing = false;
    this.speed = 1;
    this.end_s = 0;
    this.seekable = false;
  }
  // c.t_s was the server's time at its wall time c.wall_ms (Unix ms): the clock counts from then,
  // not from when this page got round to the message (a page busy drawing its first picture
  // would otherwise run behind the server by that long).
  update(c) {
    this.t0 = c.t_s;
    this.w0 = performance.now() - (c.wall_ms === undefined ? 0 : Math.max(0, Date.now() - c.wall_ms));
    this.playing = c.playing;
    this.speed = c.speed;
    this.end_s = c.end_s ?? this.end_s;
    this.seekable = !!c.seekable;
  }
  now() {
    if (!this.playing) return this.t0;
    const t = this.t0 + ((performance.now() - this.w0) / 1000) * this.speed;
    return this.end_s > 0 ? Math.min(t, this.end_s) : t;
  }
  send(query) {
    return fetch(`${this.base}api/control?${query}`, { method: 'POST' });
  }
  play() {
    return this.send('action=play');
  }
  pause() {
    return this.send('action=pause');
  }
  setSpeed(s) {
    return this.send(`action=speed&value=${s}`);
  }
  seek(t) {
    return this.send(`action=seek&t=${t}`);
  }
}

// Opens the server's event stream; handlers: meta(m), reset(), events(list), clock(c).
export function openStream(url, handlers) {
  const es = new EventSource(url);
  es.addEventListener('meta', (e) => handlers.meta(JSON.parse(e.data)));
  es.addEventListener('reset', () => handlers.reset());
  es.addEventListener('events', (e) => handlers.events(JSON.parse(e.data)));
  es.addEventListener('clock', (e) => handlers.clock(JSON.parse(e.data)));
  es.onerror = () => handlers.status && handlers.status(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  es.onopen = () => handlers.status && handlers.status('connected');
  return es;
}
