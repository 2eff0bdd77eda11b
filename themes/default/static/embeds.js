// Embedded posts and videos load only when the reader asks: until then the
// page makes no request to the provider, and without this script the
// placeholder's link opens the post on the provider's own site.
(() => {
  for (const figure of document.querySelectorAll('figure.embed[data-player]')) {
    const button = figure.querySelector('.embed-load');
    const placeholder = figure.querySelector('.embed-placeholder');
    if (!button || !placeholder) continue;
    button.hidden = false;
    button.addEventListener('click', () => {
      const frame = document.createElement('iframe');
      frame.src = figure.dataset.player;
      frame.title = `${figure.dataset.provider} content`;
      frame.allow = 'encrypted-media; fullscreen; picture-in-picture';
      frame.allowFullscreen = true;
      frame.referrerPolicy = 'strict-origin-when-cross-origin';
      placeholder.replaceWith(frame);
      frame.focus();
    });
  }
})();
