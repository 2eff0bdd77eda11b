// usage: NODE_PATH=/opt/dateline-tools/node/node_modules node admin_pages.js
// env: BASE, PASSWORD, EMAILS (JSON: one staff member of each role),
//      PATHS (JSON: the newsroom's pages), AXE (axe.min.js)
//
// Every newsroom page, signed in as each of EMAILS, at 1280 and 390 px in
// Debian's Chromium: axe finds no violations, and at 390 px nothing makes
// the page scroll sideways. On the editor the picture picker is opened
// and checked too. A page a role may not see (403) is skipped.
const { step, check, axe, signIn, run } = require('./lib');

const { BASE, PASSWORD } = process.env;
const emails = JSON.parse(process.env.EMAILS);
const paths = JSON.parse(process.env.PATHS);

run(async (browser) => {
  for (const email of emails) {
    const page = await signIn(browser, BASE, email, PASSWORD);
    let seen = 0;
    for (const path of paths) {
      const response = await page.goto(`${BASE}${path}`);
      if (response.status() === 403) continue;
      check(response.status() === 200, `${path} as ${email}: ${response.status()}`);
      seen += 1;
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        const label = `${path} as ${email} at ${width} px`;
        await axe(page, label);
        if (width === 390) {
          const wide = await page.evaluate(() => document.documentElement.scrollWidth);
          check(wide <= 390, `${label} fits (${wide} px wide)`);
        }
        if (await page.$('#pick-picture')) {
          await page.click('#pick-picture');
          await page.waitForSelector('#picker-grid button.pick, #picker-grid p');
          await axe(page, `the picker on ${label}`);
          await page.click('#picker [data-close]');
        }
      }
    }
    step('pages checked', { email, pages: seen });
    await page.context().close();
  }
});
