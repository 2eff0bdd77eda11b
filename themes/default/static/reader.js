// On every reader page. Pages are cached and the same for everyone, so
// what differs per reader happens here, without a cookie of ours being
// needed for it:
// - a signed-in reader's masthead says "Your account" (the
//   `dateline_signed_in` cookie is a flag set with the session, no secret);
// - a story's page reports one view (`POST /views`, a beacon that
//   carries the story's number and nothing about the reader);
// - a front testing headlines reports which of them it showed, and a
//   click on one (the story's number and the headline's, nothing else);
// - on a phone, the row of sections (which scrolls sideways) shows the
//   current one.
(() => {
  if (/(?:^|;\s*)dateline_signed_in=1(?:;|$)/.test(document.cookie)) {
    const words = document.querySelector('.account-words');
    if (words) words.textContent = words.dataset.signedIn;
  }
  const story = document.querySelector('[data-article-id]');
  if (story && navigator.sendBeacon) {
    navigator.sendBeacon('/views', JSON.stringify({ article: Number(story.dataset.articleId) }));
  }
  const tested = [...document.querySelectorAll('[data-headline-test]')];
  if (tested.length && navigator.sendBeacon) {
    const pair = (card) => card.dataset.headlineTest.split(':').map(Number);
    // A story shown twice (in the top stories and its section's block) counts once.
    const shown = [...new Set(tested.map((card) => card.dataset.headlineTest))];
    navigator.sendBeacon('/views', JSON.stringify({ shown: shown.map((p) => p.split(':').map(Number)) }));
    for (const card of tested) {
      card.addEventListener('click', (event) => {
        if (event.target.closest('a')) {
          navigator.sendBeacon('/views', JSON.stringify({ click: pair(card) }));
        }
      });
    }
  }
  const here = document.querySelector('.sections [aria-current="page"]');
  const row = here && here.closest('ul');
  if (row && row.scrollWidth > row.clientWidth) {
    const offset = here.getBoundingClientRect().left - row.getBoundingClientRect().left;
    row.scrollLeft += offset - (row.clientWidth - here.offsetWidth) / 2;
  }
})();
