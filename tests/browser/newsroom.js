// usage: NODE_PATH=/opt/dateline-tools/node/node_modules node newsroom.js
// env: BASE, ADMIN_EMAIL, EDITOR_EMAIL, PASSWORD, SITE_TZ, AXE (path of axe.min.js)
//
// A day's news in Debian's Chromium, through the admin UI only:
// an admin adds a contributor; the contributor signs in with the one-time
// password, writes an article with a lead image, previews it and submits
// it; an editor schedules it 5 s ahead; it must be on the home page and its
// section within 1 s of its time; the editor adds a correction, which the
// reader page shows, and edits the text, which the revision diff shows;
// the editor files it (bylines, tags, place, a topic, a related article
// found by the search), which the reader page shows. The admin's catalog
// pages are visited; a section is added with the keyboard alone, and on
// the busiest pages Tab must reach every control, each with a visible
// focus ring. Every admin page visited is checked with axe. Prints one JSON line per
// step; exits 0 iff every check held.
const { step, check, axe, tabTo, keyboardWalk, signIn: open, run, fillBody } = require('./lib');

const { BASE, ADMIN_EMAIL, EDITOR_EMAIL, PASSWORD, SITE_TZ } = process.env;

async function signIn(browser, email, password, { oneTime = false } = {}) {
  const page = await open(browser, BASE, email, password, { chosen: oneTime ? `${password} and mine` : null });
  if (oneTime) step('own password chosen');
  return page;
}

// The editor's address after a change, saying what it did.
const done = (url) => new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\?done=`);

// `YYYY-MM-DDTHH:MM:SS` in the site's zone, as a datetime-local input takes it.
function siteLocal(ms) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: SITE_TZ, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms)).map(p => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

async function firstShown(url, text, deadline) {
  for (;;) {
    const html = await (await fetch(url)).text();
    if (html.includes(text)) return Date.now();
    if (Date.now() > deadline) return null;
    await new Promise(r => setTimeout(r, 20));
  }
}

run(async (browser) => {
  {
    // 1. The admin adds a contributor.
    const admin = await signIn(browser, ADMIN_EMAIL, PASSWORD);
    await axe(admin, 'articles');
    await admin.goto(`${BASE}/admin/people`);
    await axe(admin, 'people');
    await admin.fill('#person-email', 'stringer@example.org');
    await admin.fill('#person-name', 'Field Stringer');
    await admin.selectOption('#person-role', 'contributor');
    await Promise.all([admin.waitForLoadState('load'), admin.click('text=Add person')]);
    const password = (await admin.textContent('#one-time-password')).trim();
    check(password.length === 20, `one-time password shown: ${password}`);
    step('contributor added');

    // 2. The contributor writes, previews and submits.
    let writer = await signIn(browser, 'stringer@example.org', password, { oneTime: true });
    const headline = `Ferry timetable changes for the monsoon ${Date.now()}`;
    await writer.goto(`${BASE}/admin/articles/new`);
    await axe(writer, 'new article');
    await writer.selectOption('#article-section', { label: 'News' });
    await writer.fill('#article-headline', headline);
    await fillBody(writer, 'Ferries will leave an hour earlier from Monday.\n\nThe last boat goes at seven.');
    await Promise.all([writer.waitForURL(/\/admin\/articles\/\d+(\?|$)/), writer.click('button.save')]);
    const editorUrl = writer.url().split('?')[0];
    await axe(writer, 'editor');
    // Live preview, then autosave: typing, a closed tab, the text restored.
    await writer.waitForFunction(() => document.getElementById('body-preview').textContent.includes('an hour earlier'));
    await fillBody(writer, 'Ferries will leave an hour earlier from Monday.\n\nThe last boat goes at seven.\n\nTyped, never saved.');
    await writer.waitForFunction(() => document.getElementById('autosave-status').textContent.includes('kept'), null, { timeout: 15000 });
    await writer.close();
    const reopened = await writer.context().newPage();
    await reopened.goto(editorUrl);
    check(await reopened.isVisible('text=You have unsaved changes'), 'the editor offers the unsaved changes');
    await Promise.all([reopened.waitForLoadState('load'), reopened.click('text=Restore them into the editor')]);
    check((await reopened.inputValue('#article-body')).includes('Typed, never saved.'), 'the typed text came back');
    await Promise.all([reopened.waitForURL(done(editorUrl)), reopened.click('button.save')]);
    step('autosaved and restored');
    writer = reopened;
    await writer.click('#pick-picture');
    await writer.locator('#picker-grid button.pick').first().click();
    await writer.click('#picker-use');
    await writer.fill('#article-lead_caption', 'The jetty at first light.');
    await Promise.all([writer.waitForURL(done(editorUrl)), writer.click('button.save')]);
    await writer.click('.editor-actions >> text=Preview');
    await writer.waitForURL(/\/preview$/);
    check((await writer.textContent('h1')).trim() === headline, 'the preview shows the headline');
    check((await writer.textContent('.preview-banner')).includes('not published'), 'the preview says it is not published');
    check(await writer.isVisible(`.preview-banner a[href="${new URL(editorUrl).pathname}"]`), 'the preview links back to the editor');
    check(await writer.isVisible('figure img'), 'the preview shows the lead image');
    check((await writer.content()).includes('The jetty at first light.'), 'the preview shows the caption');
    await writer.goto(editorUrl);
    await Promise.all([writer.waitForURL(done(editorUrl)), writer.click('text=Submit for review')]);
    check((await writer.textContent('.article-state')).includes('in review'), 'submitted for review');
    check(!(await writer.isVisible('text=Publish now')), 'a contributor is not offered publishing');
    step('written and submitted', { editorUrl });

    // 3. The editor schedules it 5 s ahead; home and section show it on time.
    const editor = await signIn(browser, EDITOR_EMAIL, PASSWORD);
    await editor.goto(editorUrl);
    const at = Math.ceil((Date.now() + 5000) / 1000) * 1000;
    await editor.fill('#article-schedule_at', siteLocal(at));
    await Promise.all([editor.waitForURL(done(editorUrl)), editor.click('button[value=scheduled]')]);
    check((await editor.textContent('.article-state')).includes('scheduled'), 'scheduled');
    const deadline = at + 5000;
    const [home, section] = await Promise.all([
      firstShown(`${BASE}/`, headline, deadline),
      firstShown(`${BASE}/news`, headline, deadline),
    ]);
    step('published on schedule', { homeLateMs: home && home - at, sectionLateMs: section && section - at });
    for (const [name, shown] of [['home', home], ['section', section]]) {
      check(shown !== null && shown - at < 1000, `${name} page showed it within 1 s of its time (${shown && shown - at} ms)`);
    }

    // 4. A correction, shown on the reader page.
    await editor.goto(editorUrl);
    await editor.fill('#article-correction_note', 'The last boat leaves at 7.30 pm, not 7 pm.');
    await Promise.all([editor.waitForURL(done(editorUrl)), editor.click('button.save')]);
    await editor.goto(`${BASE}/news`);
    await Promise.all([editor.waitForLoadState('load'), editor.click(`text=${headline}`)]);
    const reader = await editor.content();
    check(reader.includes('Correction:') && reader.includes('The last boat leaves at 7.30 pm, not 7 pm.'),
      'the reader page shows the correction');
    step('corrected', { url: editor.url() });

    // 5. An edit, and the revision diff that shows it.
    await editor.goto(editorUrl);
    const body = await editor.inputValue('#article-body');
    await fillBody(editor, `${body}\n\nTickets bought for the old times stay valid.`);
    await Promise.all([editor.waitForURL(done(editorUrl)), editor.click('button.save')]);
    await editor.click('.editor-actions >> text=Revisions');
    await editor.waitForURL(/\/revisions$/);
    await axe(editor, 'revisions');
    const added = await editor.locator('.diff ins').allTextContents();
    check(added.some(t => t.includes('Tickets bought for the old times stay valid.')), `the diff shows the edit: ${added}`);
    step('revision diff');

    // 6. The editor files the story: bylines, place, tags, a topic and a
    //    related article found by the search box.
    await editor.goto(editorUrl);
    await editor.fill('#article-authors', 'Asha Menon');
    await editor.fill('#article-place', 'Kochi');
    await editor.fill('#article-tags', 'Ferries, Monsoon timetable');
    await editor.locator('#article-topics input[type=checkbox]').first().check();
    await editor.fill('#related-query', 'a');
    await editor.waitForSelector('#related-results button');
    await editor.locator('#related-results button').first().click();
    check((await editor.inputValue('#article-related')).trim().length > 0, 'the search adds a related article');
    await editor.fill('#article-seo_title', 'Ferry timetable: earlier boats from Monday');
    await Promise.all([editor.waitForURL(done(editorUrl)), editor.click('button.save')]);
    const refusal = await editor.locator('.form-errors').allTextContents();
    check(refusal.length === 0 && (await editor.inputValue('#article-place')) === 'Kochi', `the details are saved ${refusal}`);
    await keyboardWalk(editor, 'editor');
    await editor.goto(editorUrl.replace(/\/(\d+)$/, '/$1/preview'));
    const filed = await editor.content();
    check(filed.includes('Kochi') && filed.includes('/tag/monsoon-timetable') && filed.includes('Asha Menon'),
      'the reader page shows place, tags and byline');
    check(filed.includes('<title>Ferry timetable: earlier boats from Monday |'), 'the SEO title is the page title');
    step('filed');

    // 7. The catalog pages, and a section added with the keyboard alone.
    for (const path of ['/admin', '/admin/articles', '/admin/sections', '/admin/sources', '/admin/bylines', '/admin/topics',
      '/admin/pages', '/admin/tags', '/admin/feedback', '/admin/media', '/admin/fronts', '/admin/fronts/home']) {
      await admin.goto(`${BASE}${path}`);
      await axe(admin, path);
    }
    await admin.goto(`${BASE}/admin/topics`);
    await Promise.all([admin.waitForURL(/\/admin\/topics\/\d+$/), admin.locator('.desk a').first().click()]);
    await axe(admin, 'a topic');
    await admin.goto(`${BASE}/admin/sections`);
    await keyboardWalk(admin, 'sections');
    await admin.goto(`${BASE}/admin/sections`);
    await tabTo(admin, '#section-name');
    await admin.keyboard.type('Science');
    await tabTo(admin, 'button[type=submit]:text("Add section")');
    await admin.keyboard.press('Enter');
    check(await admin.waitForSelector('.desk a:text-is("Science")', { timeout: 5000 }).then(() => true, () => false),
      'the section added by keyboard is listed');
    step('catalog');
  }
});
