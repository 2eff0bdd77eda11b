// usage: NODE_PATH=/opt/dateline-tools/node/node_modules node picture.js
// env: URL (an article page whose lead image has renditions), EXPECT (the
// `/img/…` address the browser should choose)
//
// Opens the page as a phone would (360 CSS px wide, one device pixel per
// CSS pixel) and records every picture fetched: the lead image must come as
// WebP at the rendition the `srcset` names for that width. Prints one JSON
// line: what was fetched and how many bytes of pictures the page cost.
const { chromium } = require('playwright-core');

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  let ok = false;
  try {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const fetched = [];
    page.on('response', async (response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith('/img/') && !url.pathname.startsWith('/media/')) return;
      const body = await response.body().catch(() => Buffer.alloc(0));
      fetched.push({ path: url.pathname, type: response.headers()['content-type'], bytes: body.length });
    });
    await page.goto(process.env.URL, { waitUntil: 'networkidle' });
    const chosen = await page.evaluate(() => new URL(document.querySelector('figure.lead img').currentSrc).pathname);
    const bytes = fetched.reduce((sum, f) => sum + f.bytes, 0);
    ok = chosen === process.env.EXPECT && fetched.some(f => f.path === chosen && f.type === 'image/webp');
    console.log(JSON.stringify({ chosen, expected: process.env.EXPECT, fetched, bytes }));
  } catch (e) {
    console.log(JSON.stringify({ failure: String(e && e.stack || e) }));
  } finally {
    await browser.close();
  }
  process.exitCode = ok ? 0 : 1;
})();
