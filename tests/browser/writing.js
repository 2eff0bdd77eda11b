// usage: NODE_PATH=/opt/dateline-tools/node/node_modules node writing.js
// env: BASE, EDITOR_EMAIL, PASSWORD, ALSO (the number of a published
// story) and ALSO_WORDS (words of its headline), PHOTO (a JPEG), AXE
// (axe.min.js)
//
// Writing in the visual editor as a journalist does, in Debian's Chromium:
// every toolbar action and every block (a picture from the library and
// one pasted in, a YouTube video, a pull quote, "Also read", "Key points",
// a table), their words typed into their cards, with the toolbar driven by
// the keyboard alone for one of them; then the story is published and its
// reader page checked: the picture has its renditions with WebP, the video
// is a placeholder, and loading the page asks no other site for anything.
const { step, check, axe, signIn, run } = require('./lib');

const { BASE, EDITOR_EMAIL, PASSWORD, ALSO, ALSO_WORDS } = process.env;
const YOUTUBE = 'https://www.youtube.com/watch?v=aqz-KE-bpKQ';

run(async (browser) => {
  const page = await signIn(browser, BASE, EDITOR_EMAIL, PASSWORD);
  // Nothing is asked in the browser's own boxes.
  const asked = [];
  page.on('dialog', (dialog) => { asked.push(dialog.message()); dialog.dismiss(); });
  const tool = (name) => page.click(`.visual-toolbar button[aria-label^="${name}:"]`);
  const type = (text) => page.keyboard.insertText(text);

  const headline = `Ferry pier reopens after repairs ${Date.now()}`;
  await page.goto(`${BASE}/admin/articles/new`);
  await page.fill('#article-headline', headline);
  await page.selectOption('#article-section', { label: 'News' });
  await page.focus('#visual-body');
  await tool('H2');
  await type('What changes');
  await page.keyboard.press('Enter');
  await type('The pier opens ');
  await tool('B');
  await type('on Monday');
  await tool('B');
  await type(' with ');
  await tool('I');
  await type('two');
  await tool('I');
  await type(' new berths. ');
  await type('Timetable');
  await page.keyboard.down('Shift');
  for (let i = 0; i < 'Timetable'.length; i++) await page.keyboard.press('ArrowLeft');
  await page.keyboard.up('Shift');
  await tool('Link');
  // Asked in the bar under the toolbar: a wrong address is said there.
  await page.keyboard.insertText('timetable page');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('.link-said').textContent.includes('web address'));
  await page.fill('#visual-link', 'https://example.org/timetable');
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await tool('H3');
  await type('Fares');
  await page.keyboard.press('Enter');
  await tool('• List');
  await type('Adults pay 20 rupees');
  await page.keyboard.press('Enter');
  await type('Children ride free');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await tool('1. List');
  await type('Buy a ticket');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await tool('Quote');
  await type('The berths were rebuilt in stone.');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  // A picture from the library, through the picker.
  await tool('Picture');
  await page.waitForSelector('#picker-grid button.pick');
  await page.locator('#picker-grid button.pick').first().click();
  await page.click('#picker-use');
  await page.waitForSelector('.block-figure');
  // Its card: the thumbnail, and this story's caption and size.
  await page.waitForFunction(() => document.querySelector('.block-figure .block-thumb').naturalWidth > 0);
  await page.locator('.block-figure').getByLabel('Caption', { exact: true }).fill('The pier at first light');
  await page.selectOption('.block-figure select', 'wide');
  const card = await page.inputValue('#article-body');
  check(/::figure\{media=\d+ size=wide [^\n]*caption="The pier at first light"/.test(card), `the card writes the text: ${card}`);
  // A picture pasted into the text: added to the library (its alt text
  // asked for first), then put where it was pasted.
  await page.focus('#visual-body');
  await page.keyboard.press('End');
  await page.evaluate(({ data }) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'pier.jpg', { type: 'image/jpeg' }));
    document.getElementById('visual-body').dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }),
    );
  }, { data: require('fs').readFileSync(process.env.PHOTO).toString('base64') });
  await page.waitForFunction(() => document.getElementById('picker').open);
  await page.fill('#picker-alt', 'The new berths from the water');
  await page.press('#picker-alt', 'Enter');
  await page.waitForFunction(() => document.getElementById('picker-said').textContent.startsWith('Added'), null, { timeout: 20000 });
  await page.click('#picker-use');
  await page.waitForFunction(() => document.querySelectorAll('.block-figure').length === 2);
  // The video: its button reached by the keyboard alone; its card takes
  // the focus, and an address no provider has is refused with the reason.
  await page.focus('.visual-toolbar button[tabindex="0"]');
  let presses = 0;
  while (!(await page.evaluate(() => document.activeElement.getAttribute('aria-label') || '')).startsWith('Embed:')) {
    await page.keyboard.press('ArrowRight');
    presses += 1;
    if (presses > 20) break;
  }
  check(presses <= 20, 'the Embed button is reached with the arrow keys');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement.closest('.block-embed') !== null);
  await type('https://video.example/watch/42');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.block-embed .block-said.refused');
  const refused = await page.textContent('.block-embed .block-said');
  check(refused.includes('cannot be embedded'), `an unknown provider is refused with the reason: ${refused}`);
  await page.fill('.block-embed input', YOUTUBE);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /^YouTube/.test(document.querySelector('.block-embed .block-said').textContent));
  check(await page.$('.block-embed input[aria-invalid]') === null, 'a recognised address is no longer marked');
  // The pull quote: its words typed into its card.
  await tool('Pull quote');
  await page.waitForFunction(() => document.activeElement.closest('.block-pullquote') !== null);
  await type('We are open again.');
  await page.keyboard.press('Tab');
  await type('The harbour master');
  // "Also read": found by words from its headline, chosen with a press.
  await tool('Also read');
  await page.waitForFunction(() => document.activeElement.closest('.block-also') !== null);
  await type(ALSO_WORDS);
  await page.waitForSelector('.block-also .block-found button');
  await page.click('.block-also .block-found button');
  await page.waitForFunction(() => /Links to/.test(document.querySelector('.block-also .block-linked').textContent));
  // Removed, and back with Ctrl+Z.
  await page.click('.block-also button[aria-label^="Remove"]');
  check(await page.$('.block-also') === null, 'Remove takes the block out');
  await page.keyboard.press('Control+z');
  await page.waitForSelector('.block-also');
  await page.focus('#visual-body');
  check(asked.length === 0, `no prompt or alert: ${asked}`);
  await type('The last paragraph before the box.');
  await tool('Undo');
  await tool('Redo');
  await tool('Key points');
  await type('Open from Monday');
  await page.keyboard.press('Enter');
  await type('Fares unchanged');
  // Out of the list, then out of the box.
  for (let i = 0; i < 3; i++) await page.keyboard.press('Enter');
  await tool('Table');
  await type('Route');
  await page.keyboard.press('Tab');
  await type('Minutes');
  await page.keyboard.press('Tab');
  await type('Pier to fort');
  await page.keyboard.press('Tab');
  await type('15');
  await axe(page, 'the visual editor with every block');
  const markdown = await page.inputValue('#article-body');
  step('written', { chars: markdown.length });
  for (const piece of [
    '## What changes', '**on Monday**', '*two*', '[Timetable](https://example.org/timetable)', '### Fares',
    '- Adults pay 20 rupees', '1. Buy a ticket', '> The berths were rebuilt in stone.', '::figure{media=',
    `::embed{url="${YOUTUBE}"}`, '::pullquote{text="We are open again." by="The harbour master"}',
    `::also{article=${ALSO} title="`, '::: keypoints', '| Route | Minutes |', '| Pier to fort | 15 |',
  ]) check(markdown.includes(piece), `the text holds ${piece}: ${markdown}`);

  await Promise.all([page.waitForURL(/done=moved\.published/), page.click('button[value=published]')]);
  const link = await page.getAttribute('.done a', 'href');
  // The reader's page, in a fresh browser: every request it makes.
  const reader = await browser.newPage();
  const requests = [];
  reader.on('request', (r) => requests.push(r.url()));
  await reader.goto(`${BASE}${link}`, { waitUntil: 'networkidle' });
  const foreign = requests.filter((url) => !url.startsWith(BASE) && !url.startsWith('data:'));
  check(foreign.length === 0, `the page asks no other site for anything: ${foreign}`);
  check(requests.some((url) => url === `${BASE}/views`), `the page reports its view: ${requests}`);
  check(await reader.$('.body figure.figure picture source[type="image/webp"][srcset]') !== null, 'the picture has WebP renditions');
  check(await reader.$('.body figure.embed-youtube .embed-load') !== null, 'the video waits behind its button');
  check(await reader.$('iframe') === null, 'nothing is framed before the reader asks');
  check(await reader.$('.body .key-points li') !== null, 'the key points are a box');
  check(await reader.$('.body .also-read .card') !== null, `Also read is a card: ${await reader.innerHTML('.body')}`);
  step('the reader page', { requests: requests.length, foreign: foreign.length });
  // Asked for, the video loads from the provider's privacy-enhanced player.
  await reader.click('.embed-load');
  const frame = await reader.getAttribute('.body figure.embed-youtube iframe', 'src');
  check(frame === 'https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ', `the player is framed on request: ${frame}`);
});
