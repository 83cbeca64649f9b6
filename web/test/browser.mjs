// Debian's Chromium under playwright-core (no browser is downloaded): headless, no sandbox
// (tests run as root), every request that is not file:// or to the given origin refused and
// counted, so a page that reaches for the network fails its test.
import { chromium } from 'playwright-core';
import { existsSync, readFileSync } from 'node:fs';

export function chromiumPath() {
  for (const p of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && existsSync(p)) return p;
  return null;
}

export async function openBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    timeout: 60000,
  });
}

// A page whose requests outside `allowedOrigin` (and file://) are aborted and listed in
// page.refused; script errors are listed in page.errors.
export async function openPage(browser, allowedOrigin = null, viewport = { width: 1400, height: 1000 }) {
  const page = await browser.newPage({ viewport });
  page.refused = [];
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && page.errors.push(m.text()));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:') || (allowedOrigin && url.startsWith(allowedOrigin))) return route.continue();
    page.refused.push(url);
    return route.abort();
  });
  return page;
}

// The picture embedded in a report page, read from the file (not from the browser).
export function embeddedPicture(path) {
  const html = readFileSync(path, 'utf8');
  const open = '<script id="trilink-picture" type="application/json">';
  const from = html.indexOf(open);
  const to = html.indexOf('</script>', from);
  return JSON.parse(html.slice(from + open.length, to));
}
