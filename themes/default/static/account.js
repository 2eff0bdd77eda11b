// The masthead says "Your account" to a signed-in reader. Pages are cached
// and the same for everyone; the `dateline_signed_in` cookie (a flag set
// and cleared with the reader's session, never a secret) picks the words.
(() => {
  if (!/(?:^|;\s*)dateline_signed_in=1(?:;|$)/.test(document.cookie)) return;
  const words = document.querySelector('.account-words');
  if (words) words.textContent = words.dataset.signedIn;
})();
