// What the newsroom's browser tests share: Chromium, signing in, axe, and
// walking a page with the keyboard. Each check that fails is collected in
// `failures`; `finish()` prints them and sets the exit code.
const fs = require('fs');
const { chromium } = require('playwright-core');

const failures = [];
const step = (name, detail = {}) => console.log(JSON.stringify({ step: name, ...detail }));
const check = (ok, what) => { if (!ok) failures.push(what); return ok; };

function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

let axeSource = null;
async function axe(page, label) {
  axeSource = axeSource || fs.readFileSync(process.env.AXE, 'utf8');
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map(v => ({ id: v.id, nodes: v.nodes.map(n => n.target.join(' ')) }));
  });
  check(result.length === 0, `axe on ${label}: ${JSON.stringify(result)}`);
}

// Presses Tab until `selector` has the focus (at most 300 times); returns
// how many presses it took.
async function tabTo(page, selector) {
  const target = await page.$(selector);
  if (!check(target !== null, `${selector} on ${page.url()}`)) return 0;
  for (let i = 1; i <= 300; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate(el => el === document.activeElement)) return i;
  }
  check(false, `Tab never reached ${selector} on ${page.url()}`);
  return 300;
}

// Walks the page with Tab from the top: every visible control must get the
// focus, each with a visible focus indicator.
async function keyboardWalk(page, label) {
  await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
  const controls = await page.evaluate(() => {
    const all = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')]
      // Tab skips what is taken out of its order, and enters a radio group
      // once (arrow keys move within it).
      .filter(el => el.getAttribute('tabindex') !== '-1')
      .filter(el => el.type !== 'radio' || el.checked);
    all.forEach((el, i) => { el.dataset.walk = String(i); });
    return all.filter(el => !el.disabled && el.getClientRects().length > 0 && !el.closest('dialog:not([open])'))
      .map(el => ({ id: el.dataset.walk, what: el.outerHTML.slice(0, 80) }));
  });
  const reached = new Set();
  const unringed = [];
  for (let i = 0; i < controls.length * 2 + 10; i++) {
    await page.keyboard.press('Tab');
    const seen = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || !el.dataset || el.dataset.walk === undefined) return null;
      const style = getComputedStyle(el);
      const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== 'none';
      return { id: el.dataset.walk, ring, what: el.outerHTML.slice(0, 80) };
    });
    if (!seen) continue;
    if (!seen.ring) unringed.push(seen.what);
    reached.add(seen.id);
    if (reached.size === controls.length) break;
  }
  const missed = controls.filter(c => !reached.has(c.id)).map(c => c.what);
  check(missed.length === 0, `Tab reaches every control on ${label}; missed: ${missed}`);
  check(unringed.length === 0, `every focused control on ${label} shows a focus ring: ${unringed.slice(0, 3)}`);
  step('keyboard walk', { page: label, controls: controls.length });
}

// A signed-in page in a context of its own. The site's CSP forbids inline
// scripts; bypassing it lets the tests inject axe. A one-time password
// leads to choosing one's own (`chosen`), before anything else.
async function signIn(browser, base, email, password, { chosen = null, width = 1280, label = true } = {}) {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/admin/sign-in`);
  await page.fill('#sign-in-email', email);
  await page.fill('#sign-in-password', password);
  if (chosen) {
    await Promise.all([page.waitForURL(`${base}/admin/password`), page.click('button[type=submit]')]);
    if (label) await axe(page, 'choose your password');
    await page.fill('#own-current', password);
    await page.fill('#own-password', chosen);
    await page.fill('#own-password-again', chosen);
    await Promise.all([page.waitForURL(`${base}/admin`), page.click('text=Set my password')]);
    return page;
  }
  await Promise.all([page.waitForURL(`${base}/admin`), page.click('button[type=submit]')]);
  return page;
}

// Runs `body(browser)`, then reports: exit code 0 iff every check held.
async function run(body) {
  const browser = await launch();
  try {
    await body(browser);
  } catch (e) {
    failures.push(String(e && e.stack || e));
  } finally {
    await browser.close();
  }
  for (const f of failures) console.log(JSON.stringify({ failure: f }));
  process.exitCode = failures.length ? 1 : 0;
}

// Types `text` (paragraphs split by blank lines) as the body: into the
// visual editor when it is there, else into the Markdown textarea.
async function fillBody(page, text) {
  if (!(await page.$('#visual-body'))) {
    await page.fill('#article-body', text);
    return;
  }
  await page.focus('#visual-body');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  const paragraphs = text.split('\n\n');
  for (const [i, paragraph] of paragraphs.entries()) {
    if (i > 0) await page.keyboard.press('Enter');
    await page.keyboard.insertText(paragraph);
  }
}

module.exports = { step, check, axe, tabTo, keyboardWalk, signIn, run, fillBody, failures };
