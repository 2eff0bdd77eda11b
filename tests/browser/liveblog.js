// usage: NODE_PATH=/opt/dateline-tools/node/node_modules node liveblog.js URL
// Opens a live blog in Debian's Chromium and prints "ready" once the page's
// live stream is connected. Then takes one command per line on stdin, each
// told before the editor acts, waits up to 2 s for the page to show it, and
// prints one JSON line with `ok` and how long it took:
//   appear TEXT      a new entry with TEXT at the top of the list (also
//                    prints its time as shown and the next entry's)
//   change ID TEXT   entry ID now holds TEXT
//   gone ID          entry ID is no longer on the page
// Every answer also says whether the page stayed the same document (no
// reload) and the page's script errors. Exit 0 iff every command held.
const { chromium } = require('playwright-core');
const readline = require('readline');

(async () => {
  const [url] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  let ok = true;
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url, { waitUntil: 'load', timeout: 30000 });
    await page.waitForSelector('[data-live-blog][data-connected]', { timeout: 10000 });
    // Survives only if the document is never replaced.
    await page.evaluate(() => { window.sameDocument = true; });
    console.log('ready');
    const lines = readline.createInterface({ input: process.stdin });
    for await (const line of lines) {
      const [command, ...rest] = line.split(' ');
      const started = Date.now();
      let held = true;
      let shown = {};
      const wait = (fn, arg) =>
        page.waitForFunction(fn, arg, { timeout: 2000, polling: 'raf' }).catch(() => { held = false; });
      if (command === 'appear') {
        const text = rest.join(' ');
        await wait((t) => document.querySelector('.entries > .entry')?.textContent.includes(t), text);
        shown = await page.evaluate(() => {
          const times = [...document.querySelectorAll('.entries > .entry > time')];
          return { time: times[0]?.textContent, next_time: times[1]?.textContent };
        });
      } else if (command === 'change') {
        const [id, ...words] = rest;
        await wait(([i, t]) => document.getElementById('entry-' + i)?.textContent.includes(t), [id, words.join(' ')]);
      } else if (command === 'gone') {
        await wait((i) => !document.getElementById('entry-' + i), rest[0]);
      } else {
        held = false;
      }
      const sameDocument = await page.evaluate(() => window.sameDocument === true);
      const fine = held && sameDocument && errors.length === 0;
      ok = ok && fine;
      console.log(JSON.stringify({ command, ok: fine, ms: Date.now() - started, sameDocument, errors, ...shown }));
    }
  } finally { await browser.close(); }
  process.exitCode = ok ? 0 : 1;
})().catch((e) => { console.error(String((e && e.stack) || e)); process.exit(3); });
