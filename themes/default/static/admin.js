// The newsroom's small enhancements; every page works without them.
//
// (The editor's own script is editor.js.)
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
