// usage: NODE_PATH=/opt/dateline-tools/node/node_modules node narrow.js WIDTH URL...
// Loads each URL in Debian's Chromium at WIDTH CSS pixels and prints one JSON
// line per page: how wide the document is (wider than the viewport means the
// reader must scroll sideways) and which images lack width/height (layout shift).
// Exit 0 iff every page fits and every image is sized.
const { chromium } = require('playwright-core');
(async () => {
  const [width, ...urls] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  let ok = true;
  try {
    const page = await browser.newPage({ viewport: { width: Number(width), height: 640 } });
    for (const url of urls) {
      await page.goto(url, { waitUntil: 'load', timeout: 30000 });
      const r = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        unsized: [...document.images]
          .filter(i => !i.getAttribute('width') || !i.getAttribute('height'))
          .map(i => i.getAttribute('src')),
      }));
      const fits = r.scrollWidth <= Number(width) && r.unsized.length === 0;
      ok = ok && fits;
      console.log(JSON.stringify({ url, width: Number(width), ...r, fits }));
    }
  } finally { await browser.close(); }
  process.exitCode = ok ? 0 : 1;
})().catch(e => { console.error(String(e && e.stack || e)); process.exit(3); });
