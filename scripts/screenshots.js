// The newsroom's screens for docs/screenshots/ (run by scripts/screenshots):
// a writer submits a story; the editor's dashboard, articles list, editor,
// picture picker, revisions and preview are shot at 1280 and 390 px (the navigation also open);
// an admin's dry run of an import and the import page, and an admin's
// dashboard with its backups.
const { chromium } = require('playwright-core');
const { fillBody } = require('../tests/browser/lib');

const { BASE, OUT, EDITOR_PASSWORD, WRITER_PASSWORD, ADMIN_PASSWORD } = process.env;
const NEW_PASSWORD = 'a long newsroom passphrase';

async function signIn(browser, email, password, width) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(`${BASE}/admin/sign-in`);
  await page.fill('#sign-in-email', email);
  await page.fill('#sign-in-password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
  if (page.url().endsWith('/admin/password')) {
    // A one-time password: choose one's own first.
    await page.fill('#own-current', password);
    await page.fill('#own-password', NEW_PASSWORD);
    await page.fill('#own-password-again', NEW_PASSWORD);
    await Promise.all([page.waitForURL(`${BASE}/admin`), page.click('text=Set my password')]);
  }
  return page;
}

async function shoot(page, name, width) {
  await page.setViewportSize({ width, height: 900 });
  await page.screenshot({ path: `${OUT}/${name}-${width}.png`, fullPage: true });
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    // A story waiting for review, with a second revision to compare.
    const writer = await signIn(browser, 'ravi@example.org', WRITER_PASSWORD, 1280);
    await writer.goto(`${BASE}/admin/articles/new`);
    await writer.selectOption('#article-section', { label: 'News' });
    await writer.fill('#article-headline', 'Night buses return to the harbour route');
    await writer.fill('#article-standfirst', 'The city restores three late services from Monday.');
    await fillBody(writer, 'Buses will run every 20 minutes until 1 am.\n\nThe transport office said drivers had been hired.');
    await Promise.all([writer.waitForURL(/\/admin\/articles\/\d+/), writer.click('button:text("Save draft")')]);
    const editorUrl = writer.url().split('?')[0];
    await fillBody(writer, 'Buses will run every 15 minutes until 1 am.\n\nThe transport office said twelve drivers had been hired.\n\nFares stay the same.');
    // A block, to show its card.
    await writer.click('.visual-toolbar button[aria-label^="Pull quote:"]');
    await writer.keyboard.insertText('We hired twelve drivers in a month.');
    await writer.keyboard.press('Tab');
    await writer.keyboard.insertText('The transport office');
    await Promise.all([writer.waitForLoadState('load'), writer.click('button:text("Save")')]);
    await Promise.all([writer.waitForLoadState('load'), writer.click('button:text("Submit for review")')]);

    for (const width of [1280, 390]) {
      const editor = await signIn(browser, 'meera@example.org', width === 1280 ? EDITOR_PASSWORD : NEW_PASSWORD, width);
      await editor.goto(`${BASE}/admin`);
      await shoot(editor, 'dashboard', width);
      if (width === 390) {
        await editor.click('.menu-toggle');
        await editor.screenshot({ path: `${OUT}/navigation-${width}.png` });
        await editor.click('.menu-toggle');
      }
      await editor.goto(`${BASE}/admin/articles`);
      await shoot(editor, 'articles', width);
      await editor.goto(editorUrl);
      await shoot(editor, 'editor', width);
      // The picker, a picture chosen.
      await editor.click('#pick-picture');
      await editor.waitForSelector('#picker-grid button.pick');
      await editor.locator('#picker-grid button.pick').nth(1).click();
      await editor.waitForFunction(() => document.querySelector('#picker-focus img').complete);
      await editor.screenshot({ path: `${OUT}/picker-${width}.png` });
      await editor.click('#picker [data-close]');
      await editor.goto(`${editorUrl}/revisions`);
      await shoot(editor, 'revisions', width);
      await editor.goto(`${editorUrl}/preview`);
      await editor.screenshot({ path: `${OUT}/preview-${width}.png` });
      await editor.close();
    }
    // The front pages' index and the home page's front, with a story pinned.
    for (const width of [1280, 390]) {
      const editor = await signIn(browser, 'meera@example.org', NEW_PASSWORD, width);
      await editor.goto(`${BASE}/admin/fronts/home`);
      if (width === 1280) {
        await Promise.all([editor.waitForURL(/done=/), editor.locator('.front-recent button').nth(2).click()]);
      }
      await shoot(editor, 'front', width);
      await editor.goto(`${BASE}/admin/fronts`);
      await shoot(editor, 'fronts', width);
      await editor.goto(`${BASE}/admin/audience`);
      await shoot(editor, 'readers', width);
      await editor.close();
    }
    // Moving a site in: the import page, then a dry run of WordPress's
    // theme test data and its report page.
    const admin = await signIn(browser, 'asha@example.org', ADMIN_PASSWORD, 1280);
    await admin.goto(`${BASE}/admin/import`);
    await admin.setInputFiles('#import-file', 'crates/dateline_import/tests/data/wordpress-theme-test-data/themeunittestdata.wordpress.xml');
    await Promise.all([admin.waitForURL(/\/admin\/import\/\d+$/), admin.click('button:text("Upload and start")')]);
    await admin.waitForSelector('dd:text-is("done")', { timeout: 120000 });
    const run = admin.url();
    for (const width of [1280, 390]) {
      await admin.goto(run);
      await shoot(admin, 'import-run', width);
      await admin.goto(`${BASE}/admin/import`);
      await shoot(admin, 'import', width);
      // An admin's dashboard: what failed this week, and the backups
      // (the demo server runs with backup.every set).
      await admin.goto(`${BASE}/admin`);
      await shoot(admin, 'dashboard-admin', width);
    }
    await admin.close();
    // Readers' pages as a phone and a laptop show them on opening.
    for (const [width, height] of [[390, 844], [1280, 800]]) {
      const context = await browser.newContext({ viewport: { width, height } });
      const reader = await context.newPage();
      await reader.goto(`${BASE}/`);
      await reader.screenshot({ path: `${OUT}/home-${width}.png` });
      const lead = await reader.getAttribute('.lead-story h3 a', 'href');
      await reader.goto(`${BASE}/news`);
      await reader.screenshot({ path: `${OUT}/section-${width}.png` });
      await reader.goto(`${BASE}${lead}`);
      await reader.screenshot({ path: `${OUT}/article-${width}.png` });
      await context.close();
    }
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
