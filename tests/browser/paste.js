// Pasting into the visual editor, in Chromium: each fixture in FIXTURES
// (clipboard HTML as Word, Google Docs and LibreOffice put it) is pasted
// (all, or the one named by ONLY) into an empty editor as a browser
// pastes it, and the body's Markdown
// must be the fixture's `.md` twin; and a story taken from the wire is
// read through the same cleaner. BUNDLE is the built editor script.
const fs = require('fs');
const path = require('path');
const { step, check, run } = require('./lib');

run(async (browser) => {
  const dir = process.env.FIXTURES;
  const only = process.env.ONLY;
  const names = only ? [`${only}.html`] : fs.readdirSync(dir).filter((f) => f.endsWith('.html')).sort();
  for (const name of names) {
    const html = fs.readFileSync(path.join(dir, name), 'utf8');
    const expected = fs.readFileSync(path.join(dir, name.replace(/\.html$/, '.md')), 'utf8');
    const page = await browser.newPage();
    await page.setContent(
      '<!doctype html><title>Paste</title><form id="article-form"><p><label for="article-body">Body</label>' +
        '<textarea id="article-body" name="body"></textarea></p><button type="button" id="pick-picture" hidden>Picture</button></form>',
    );
    await page.addScriptTag({ path: process.env.BUNDLE });
    await page.focus('#visual-body');
    await page.evaluate((clipboard) => {
      const data = new DataTransfer();
      data.setData('text/html', clipboard);
      data.setData('text/plain', 'plain text fallback');
      // Word and LibreOffice put a picture of the copied text there too:
      // the text must win.
      data.items.add(new File([new Uint8Array([137, 80, 78, 71])], 'image.png', { type: 'image/png' }));
      document.getElementById('visual-body').dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }, html);
    const markdown = await page.inputValue('#article-body');
    if (!check(markdown === expected.trimEnd(), `${name} pastes as its .md`)) {
      step('pasted', { name, markdown });
    }
    step('pasted', { name, chars: markdown.length });
    await page.close();
  }
  if (only) return;
  // A story taken from the wire: the agency's HTML goes through the same
  // cleaner when the editor opens.
  const page = await browser.newPage();
  await page.setContent(
    '<!doctype html><title>Agency</title><form id="article-form"><p><label for="article-body">Body</label>' +
      '<textarea id="article-body" name="body">Rain\n===\n\nThe server\'s own conversion.</textarea>' +
      '<template id="agency-copy"><h1 class="western">Rain</h1><p style="margin:0"><font>The agency\'s <b>own</b> words.</font></p></template></p></form>',
  );
  await page.addScriptTag({ path: process.env.BUNDLE });
  const agency = await page.inputValue('#article-body');
  check(agency === "## Rain\n\nThe agency's **own** words.", `the agency's copy is read through the cleaner: ${JSON.stringify(agency)}`);
  step('agency copy', { chars: agency.length });
});
