// The visual editor's Markdown round trip, in Chromium: every text of the
// corpus at CORPUS (a JSON array of strings) is read into the editor's
// document and written back; each must come back byte for byte. BUNDLE is
// the built editor script.
const fs = require('fs');
const { step, check, run } = require('./lib');

run(async (browser) => {
  const corpus = JSON.parse(fs.readFileSync(process.env.CORPUS, 'utf8'));
  const page = await browser.newPage();
  await page.setContent('<!doctype html><title>Round trip</title>');
  await page.addScriptTag({ path: process.env.BUNDLE });
  const started = Date.now();
  const differ = await page.evaluate((texts) => {
    const { fromMarkdown, toMarkdown } = globalThis.DatelineMarkdown;
    const out = [];
    texts.forEach((text, i) => {
      const back = toMarkdown(fromMarkdown(text), { newline: text.endsWith('\n') });
      if (back !== text) {
        let at = 0;
        while (at < text.length && text[at] === back[at]) at += 1;
        out.push({ i, was: text.slice(Math.max(0, at - 40), at + 40), now: back.slice(Math.max(0, at - 40), at + 40) });
      }
    });
    return out;
  }, corpus);
  for (const d of differ.slice(0, 5)) step('differs', d);
  check(differ.length === 0, `${differ.length} of ${corpus.length} texts change on the round trip`);
  step('round trip', { texts: corpus.length, changed: differ.length, ms: Date.now() - started });
});
