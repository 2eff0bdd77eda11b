// The newsroom's small enhancements; every page works without them.
//
// Autosave: while the editor's text changes it is sent every 5 seconds,
// so a closed tab or a lost connection loses at most that much typing.
// Live preview: the body is rendered by the server (the same sanitised
// HTML readers get) a moment after typing stops.
// Related search: finds published articles by headline and adds the chosen
// one to the related-articles list (which can also be typed by hand).
// The frame: "Menu" opens and closes the navigation on narrow screens
// (without this it is a link to the navigation, which CSS shows when
// targeted), and the current page's link is marked.
// The review queue: on the dashboard, its count follows /admin/events
// (while the tab is visible) and the list of what waits is refetched when
// the count changes.
(() => {
  const nav = document.getElementById('admin-nav');
  if (!nav) return;
  const links = [...nav.querySelectorAll('a')];
  // A link with a query (the review queue) is current only on its own list.
  const exact = links.find((a) => a.search && a.pathname + a.search === location.pathname + location.search);
  const here = exact || links
    .filter((a) => {
      const path = new URL(a.href).pathname;
      // The dashboard (/admin) is only itself; any other covers what is under it.
      const under = path === '/admin' ? null : `${path}/`;
      return !a.search && (location.pathname === path || (under && location.pathname.startsWith(under)));
    })
    .sort((a, b) => b.pathname.length - a.pathname.length)[0];
  if (here) here.setAttribute('aria-current', 'page');
  // What the last change did is said once: a reload should not repeat it.
  const address = new URL(location.href);
  if (address.searchParams.has('done')) {
    address.searchParams.delete('done');
    history.replaceState(history.state, '', address.pathname + address.search + address.hash);
  }
  const toggle = document.querySelector('.menu-toggle');
  if (!toggle) return;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'menu-toggle';
  button.append(...toggle.childNodes);
  button.setAttribute('aria-controls', 'admin-nav');
  button.setAttribute('aria-expanded', 'false');
  button.addEventListener('click', () => {
    const open = nav.classList.toggle('open');
    button.setAttribute('aria-expanded', String(open));
  });
  toggle.replaceWith(button);
})();

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

  const search = document.querySelector('.related-search');
  const related = document.getElementById('article-related');
  if (search && related) {
    search.hidden = false;
    const query = document.getElementById('related-query');
    const results = document.getElementById('related-results');
    let timer;
    const find = async () => {
      const words = query.value.trim();
      results.replaceChildren();
      if (!words) return;
      const r = await fetch(`${search.dataset.lookup}&q=${encodeURIComponent(words)}`, { credentials: 'same-origin' });
      if (!r.ok) return;
      const found = await r.json();
      if (!found.length) {
        const none = document.createElement('li');
        none.textContent = 'No published article has those words in its headline.';
        results.append(none);
      }
      for (const article of found) {
        const item = document.createElement('li');
        const add = document.createElement('button');
        add.type = 'button';
        add.textContent = `Add: ${article.headline}`;
        add.addEventListener('click', () => {
          const lines = related.value.split('\n').filter((l) => l.trim());
          if (!lines.some((l) => l.split(' ')[0] === String(article.id))) {
            lines.push(`${article.id} ${article.headline}`);
            related.value = `${lines.join('\n')}\n`;
            related.dispatchEvent(new Event('input', { bubbles: true }));
          }
          add.disabled = true;
          add.textContent = `Added: ${article.headline}`;
        });
        item.append(add);
        results.append(item);
      }
    };
    query.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(find, 250); });
  }
})();

// Confirmations: a form with `data-confirm` asks in a dialog and is sent
// as confirmed; without this script the server asks on a page of its own.
(() => {
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      const confirmed = document.createElement('input');
      confirmed.type = 'hidden';
      confirmed.name = 'confirmed';
      confirmed.value = 'yes';
      form.append(confirmed);
    });
  }
})();

(() => {
  const panel = document.querySelector('[data-live-review]');
  if (!panel || !window.EventSource) return;
  const badge = () => document.querySelector('a[data-review] .count');
  let shown = panel.querySelector('[data-review-count]').textContent.trim();
  const show = async (count) => {
    if (count === shown) return;
    shown = count;
    const link = document.querySelector('a[data-review]');
    let b = badge();
    if (count === '0') {
      if (b) b.remove();
    } else if (link) {
      if (!b) {
        b = document.createElement('span');
        b.className = 'count';
        link.append(' ', b);
      }
      b.innerHTML = '';
      b.append(count);
      const hidden = document.createElement('span');
      hidden.className = 'visually-hidden';
      hidden.textContent = ' waiting';
      b.append(hidden);
    }
    const said = document.getElementById('review-said');
    if (said) said.textContent = `${count} waiting for review`;
    // The list itself, as the server now renders it.
    try {
      const r = await fetch(location.pathname, { credentials: 'same-origin' });
      if (!r.ok) throw new Error(String(r.status));
      const fresh = new DOMParser().parseFromString(await r.text(), 'text/html').getElementById(panel.id);
      if (fresh) panel.replaceChildren(...fresh.childNodes);
    } catch (e) {
      panel.querySelector('[data-review-count]').textContent = count;
    }
  };
  let source = null;
  const open = () => {
    if (source) return;
    source = new EventSource('/admin/events');
    source.addEventListener('review', (e) => show(e.data));
  };
  const close = () => {
    if (source) source.close();
    source = null;
  };
  // A hidden tab holds no connection: browsers allow few per site.
  document.addEventListener('visibilitychange', () => (document.hidden ? close() : open()));
  if (!document.hidden) open();
})();
