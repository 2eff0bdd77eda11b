// usage: NODE_PATH=/opt/validators/node/node_modules node liveblog.js URL
// Opens a live blog in Debian's Chromium and prints "ready" once the page's
// live stream is connected. Then reads one line on stdin (the text of the
// entry an editor is adding), waits up to 2 s for that entry to appear at
// the top of the list, and prints one JSON line: how long it took and
// whether the page stayed the same document (no reload). Exit 0 iff the
// entry appeared in time without a reload.
const { chromium } = require('playwright-core');
const readline = require('readline');

(async () => {
  const [url] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  let ok = false;
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url, { waitUntil: 'load', timeout: 30000 });
    await page.waitForSelector('[data-live-blog][data-connected]', { timeout: 10000 });
    // Survives only if the document is never replaced.
    await page.evaluate(() => { window.sameDocument = true; });
    const before = await page.locator('.entry').count();
    console.log('ready');
    const lines = readline.createInterface({ input: process.stdin });
    const text = (await lines[Symbol.asyncIterator]().next()).value;
    const started = Date.now();
    let appeared = true;
    try {
      await page.waitForFunction(
        (t) => document.querySelector('.entries > .entry')?.textContent.includes(t),
        text,
        { timeout: 2000, polling: 'raf' },
      );
    } catch { appeared = false; }
    const ms = Date.now() - started;
    const state = await page.evaluate(() => ({
      sameDocument: window.sameDocument === true,
      entries: document.querySelectorAll('.entry').length,
    }));
    ok = appeared && state.sameDocument && state.entries === before + 1 && errors.length === 0;
    console.log(JSON.stringify({ appeared, ms, before, ...state, errors }));
    lines.close();
  } finally { await browser.close(); }
  process.exitCode = ok ? 0 : 1;
})().catch((e) => { console.error(String((e && e.stack) || e)); process.exit(3); });
