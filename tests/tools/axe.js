// usage: node axe.js URL...
// Opens each URL in Debian's Chromium through playwright-core (one browser
// for them all: starting it is most of the time a page takes) and runs
// axe-core. Prints one line per page, {"url", "axe", "violations", "ids":
// ["rule(impact):nodes", ...]}; exit 0 when axe finds nothing anywhere, 1
// when it does, 3 when a page fails to load.
const { chromium } = require('playwright-core');
const { AxeBuilder } = require('@axe-core/playwright');

async function check(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load', timeout: 30000 });
    const result = await new AxeBuilder({ page }).analyze();
    const ids = result.violations.map(v => `${v.id}(${v.impact}):${v.nodes.length}`);
    console.log(JSON.stringify({ url, axe: result.testEngine.version, violations: ids.length, ids }));
    return ids.length === 0;
  } finally {
    await context.close();
  }
}

async function main(urls) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
  try {
    let clean = true;
    for (const url of urls) clean = (await check(browser, url)) && clean;
    return clean ? 0 : 1;
  } finally {
    await browser.close();
  }
}

const urls = process.argv.slice(2);
if (!urls.length) { console.error('usage: node axe.js URL...'); process.exit(2); }
main(urls).then(code => { process.exitCode = code; },
  error => { console.error(String((error && error.stack) || error)); process.exit(3); });
