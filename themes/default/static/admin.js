// The newsroom's small enhancements; every page works without them.
//
// Autosave: while the editor's text changes it is sent every 5 seconds,
// so a closed tab or a lost connection loses at most that much typing.
// Live preview: the body is rendered by the server (the same sanitised
// HTML readers get) a moment after typing stops.
(() => {
  const form = document.querySelector('form.editor');
  if (!form) return;
  const send = (url, fields) =>
    fetch(url, { method: 'POST', body: new URLSearchParams(fields), credentials: 'same-origin' });

  const status = document.getElementById('autosave-status');
  if (form.dataset.autosave) {
    let dirty = false;
    let sending = false;
    form.addEventListener('input', () => { dirty = true; });
    setInterval(async () => {
      if (!dirty || sending) return;
      dirty = false;
      sending = true;
      try {
        const r = await send(form.dataset.autosave, new FormData(form));
        if (!r.ok) throw new Error(String(r.status));
        status.textContent = `Draft copy kept at ${new Date().toLocaleTimeString()}`;
      } catch (e) {
        dirty = true;
        status.textContent = 'Could not keep a draft copy; will try again';
      } finally {
        sending = false;
      }
    }, 5000);
  }

  const body = document.getElementById('article-body');
  const box = document.querySelector('.body-preview');
  const preview = document.getElementById('body-preview');
  if (body && box && preview && form.dataset.markdown) {
    box.hidden = false;
    let timer;
    const render = async () => {
      const csrf = form.querySelector('input[name=csrf]').value;
      const r = await send(form.dataset.markdown, { csrf, body: body.value });
      // Sanitised by the server exactly as for readers.
      if (r.ok) preview.innerHTML = await r.text();
    };
    body.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(render, 400); });
    render();
  }
})();
