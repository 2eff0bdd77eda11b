// usage: NODE_PATH=/opt/dateline-tools/node/node_modules node editor.js
// env: BASE, EDITOR_EMAIL, PASSWORD, PHOTO (a JPEG), OTHER_PHOTO (another
// picture), AXE (axe.min.js)
//
// The editor in Debian's Chromium, as an editor works in it:
// 1. From the dashboard to a published story with a picture: headline,
//    standfirst, body, bylines (one new), tags, section, a picture dropped
//    on the picker and chosen from its grid, its focus clicked, published.
//    Every action but typing is counted (at most 10); nothing typed is
//    lost on the way; the story shows on the home page, its section and
//    its own page.
// 2. Every field typed into, the page closed unsaved, reopened, restored:
//    every field comes back (an article on the server, and a new one kept
//    in the browser).
// 3. The same journey with the keyboard alone.
// Prints one JSON line per step; exits 0 iff every check held.
const fs = require('fs');
const { step, check, axe, tabTo, signIn, run, fillBody } = require('./lib');

const { BASE, EDITOR_EMAIL, PASSWORD, PHOTO, OTHER_PHOTO } = process.env;
const photo = fs.readFileSync(PHOTO).toString('base64');

// Drops the photo on the picker's upload area, as a file dragged from the desktop.
async function dropPhoto(page, name) {
  const transfer = await page.evaluateHandle(({ data, name }) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type: 'image/jpeg' }));
    return dt;
  }, { data: photo, name });
  await page.dispatchEvent('#picker-drop', 'drop', { dataTransfer: transfer });
}

const values = (page) => page.evaluate(() => Object.fromEntries(
  [...document.getElementById('article-form').elements]
    .filter((el) => el.name && !['csrf', 'revision', 'details'].includes(el.name) && el.type !== 'submit')
    .map((el) => [el.type === 'checkbox' ? `${el.name}=${el.value}` : el.name, el.type === 'checkbox' ? el.checked : el.value]),
));

// The story's page shows each of `expect` (the lead picture as soon as its
// sizes for readers are made, a moment after its upload), and the home page
// and its section list it.
async function published(page, headline, expect) {
  const link = await page.getAttribute('.done a', 'href');
  check(link !== null, 'the notice links to the published story');
  let article = '';
  for (const deadline = Date.now() + 10000; Date.now() < deadline;) {
    article = await (await fetch(`${BASE}${link}`)).text();
    if (expect.every((text) => article.includes(text))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const text of expect) check(article.includes(text), `the article page shows ${JSON.stringify(text)}`);
  for (const path of ['/', '/news']) {
    const front = await (await fetch(`${BASE}${path}`)).text();
    check(front.includes(headline), `${path} lists the story`);
  }
  return link;
}

async function journey(browser) {
  const page = await signIn(browser, BASE, EDITOR_EMAIL, PASSWORD);
  let actions = 0;
  const act = async (what) => { actions += 1; await what(); };
  const headline = `Harbour ferry adds a night crossing ${Date.now()}`;
  const typed = {
    'article-headline': headline,
    'article-standfirst': 'The last boat now leaves at eleven on weekdays.',
    'article-body': 'The port trust added the crossing after a month of requests.\n\nTickets cost the same as by day.',
    'article-authors': 'Neha Iyer, Tara Fernandes',
    'article-tags': 'Ferries, Night transport',
  };
  await act(() => Promise.all([page.waitForURL(`${BASE}/admin/articles/new`), page.click('.admin-nav >> text=New article')]));
  await axe(page, 'new article');
  for (const [id, text] of Object.entries(typed)) {
    if (id === 'article-body') await fillBody(page, text);
    else await page.fill(`#${id}`, text);
  }
  await act(() => page.selectOption('#article-section', { label: 'News' }));
  await act(() => page.click('#pick-picture'));
  await page.fill('#picker-alt', 'The night ferry at the jetty');
  await act(() => dropPhoto(page, 'night-ferry.jpg'));
  await page.waitForFunction(() => document.getElementById('picker-said').textContent.startsWith('Added'), null, { timeout: 20000 });
  const chosen = await page.getAttribute('#picker-grid button.pick[aria-pressed=true]', 'data-alt');
  check(chosen === 'The night ferry at the jetty', `the upload is chosen in the grid (${chosen})`);
  await axe(page, 'picker');
  const frame = await page.locator('#picker-focus img').boundingBox();
  await act(() => page.click('#picker-focus', { position: { x: frame.width * 0.3, y: frame.height * 0.4 } }));
  await page.waitForFunction(() => document.getElementById('picker-said').textContent.startsWith('Focus saved'));
  await act(() => page.click('#picker-use'));
  const kept = await values(page);
  for (const [id, text] of Object.entries(typed)) {
    check(kept[id.replace('article-', '')] === text, `${id} is kept through the picker`);
  }
  check(kept.lead_media !== '', 'the picture is the lead');
  await act(() => Promise.all([page.waitForURL(/\/admin\/articles\/\d+\?done=moved\.published/), page.click('button[value=published]')]));
  check(actions <= 10, `at most 10 actions besides typing (${actions})`);
  const path = await published(page, headline, [
    headline, typed['article-standfirst'], 'Tickets cost the same as by day.', 'Neha Iyer', 'Tara Fernandes',
    '/tag/night-transport', 'The night ferry at the jetty',
  ]);
  const grid = await (await page.request.get(`${BASE}/admin/media/pick?q=night+ferry`)).text();
  const [fx, fy] = ['fx', 'fy'].map((k) => Number((grid.match(new RegExp(`data-${k}="([0-9.]+)"`)) || [])[1]));
  check(Math.abs(fx - 0.3) < 0.02 && Math.abs(fy - 0.4) < 0.02, `the clicked focus is kept (${fx}, ${fy})`);
  step('published from an empty editor', { actions, path });
  return page;
}

async function restoresEveryField(page) {
  // The story just published: its autosave keeps every field.
  const url = page.url().split('?')[0];
  await page.goto(url);
  const typed = {
    'article-headline': 'Every field, typed',
    'article-standfirst': 'A standfirst typed and never saved.',
    'article-body': 'A body typed and never saved.',
    'article-authors': 'Neha Iyer',
    'article-tags': 'Kept, Restored',
    'article-place': 'Kochi',
    'article-related': '',
    'article-slug': 'every-field-typed',
    'article-lead_caption': 'A caption of our own',
    'article-lead_credit': 'Our photographer',
    'article-seo_title': 'Search title, typed',
    'article-seo_description': 'Search description, typed.',
    'article-correction_note': 'A note typed and never saved.',
    'article-schedule_at': '',
  };
  for (const [id, text] of Object.entries(typed)) {
    if (id === 'article-body') await fillBody(page, text);
    else if (await page.$(`#${id}`)) await page.fill(`#${id}`, text);
  }
  await page.selectOption('#article-edited_by', { index: 1 });
  await page.selectOption('#article-source', { index: 1 });
  await page.selectOption('#article-kind', 'live');
  await page.selectOption('#article-section', { index: 2 });
  await page.locator('#article-topics input').first().setChecked(true);
  await page.check('input[name=correction_kind][value=update]');
  await page.click('#pick-picture');
  await page.locator('#picker-grid button.pick').nth(2).click();
  await page.click('#picker-use');
  const before = await values(page);
  await page.waitForFunction(() => document.getElementById('autosave-status').textContent.includes('kept'), null, { timeout: 15000 });
  await page.close({ runBeforeUnload: false });
  const again = await page.context().newPage();
  await again.goto(url);
  await Promise.all([again.waitForURL(/restore=autosave/), again.click('text=Restore them into the editor')]);
  const after = await values(again);
  const lost = Object.keys(before).filter((k) => k !== 'then' && String(before[k]) !== String(after[k]));
  check(lost.length === 0, `every field comes back: ${lost.map((k) => `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`)}`);
  step('an article restored', { fields: Object.keys(before).length });

  // A new article, kept in the browser until it is first saved.
  const fresh = await again.context().newPage();
  await fresh.goto(`${BASE}/admin/articles/new`);
  await fresh.fill('#article-headline', 'A new story, typed');
  await fillBody(fresh, 'Its body.');
  await fresh.fill('#article-tags', 'Kept');
  await fresh.selectOption('#article-section', { label: 'News' });
  const typedNew = await values(fresh);
  await fresh.waitForFunction(() => document.getElementById('autosave-status').textContent.includes('browser'), null, { timeout: 10000 });
  await fresh.close({ runBeforeUnload: false });
  const back = await again.context().newPage();
  await back.goto(`${BASE}/admin/articles/new`);
  await back.click('text=Restore it into the editor');
  const restored = await values(back);
  const lostNew = Object.keys(typedNew).filter((k) => String(typedNew[k]) !== String(restored[k]));
  check(lostNew.length === 0, `every field of a new article comes back: ${lostNew}`);
  step('a new article restored');
  await back.close({ runBeforeUnload: false });
  await again.close({ runBeforeUnload: false });
}

async function byKeyboard(browser) {
  const page = await signIn(browser, BASE, EDITOR_EMAIL, PASSWORD);
  const headline = `Tram depot opens to visitors ${Date.now()}`;
  let presses = 0;
  const to = async (selector) => { presses += await tabTo(page, selector); };
  const press = async (key) => { presses += 1; await page.keyboard.press(key); };
  await to('.admin-nav a[href="/admin/articles/new"]');
  await Promise.all([page.waitForURL(`${BASE}/admin/articles/new`), press('Enter')]);
  await to('#article-headline');
  await page.keyboard.type(headline);
  await to('#visual-body');
  await page.keyboard.type('The depot opens on Sunday mornings.');
  await to('#article-section');
  await page.keyboard.type('News');
  await to('#article-authors');
  await page.keyboard.type('Neha Iyer');
  await to('#pick-picture');
  await press('Enter');
  await to('#picker-alt');
  await page.keyboard.type('Old trams in the depot');
  const chooser = page.waitForEvent('filechooser');
  await to('#picker-file');
  await press('Space');
  await (await chooser).setFiles(OTHER_PHOTO);
  await page.waitForFunction(() => document.getElementById('picker-said').textContent.startsWith('Added'), null, { timeout: 20000 });
  await to('#picker-focus');
  await press('ArrowLeft');
  await page.waitForFunction(() => document.getElementById('picker-said').textContent.startsWith('Focus saved'));
  await press('Shift+Tab');
  check(await page.evaluate(() => document.activeElement.id === 'picker-use'), 'Shift+Tab leads back to "Use this picture"');
  await press('Enter');
  check(await page.evaluate(() => document.getElementById('article-lead_media').value !== ''), 'the picture is chosen by keyboard');
  await to('button[value=published]');
  await Promise.all([page.waitForURL(/\?done=moved\.published/), press('Enter')]);
  await published(page, headline, [headline, 'Old trams in the depot', 'Neha Iyer']);
  step('published by keyboard alone', { presses });
}

run(async (browser) => {
  const page = await journey(browser);
  await restoresEveryField(page);
  await byKeyboard(browser);
});
