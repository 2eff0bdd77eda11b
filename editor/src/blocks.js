// How a block shows in the editor: a card with its own small form — the
// picture with its alt text, caption, credit and size; the embed's address,
// checked by the server as it is given; the pull quote's words; the story
// "Also read" links to, found by its headline. Every change goes straight
// into the text. Readers see the block as the theme's block.html makes it.
import { closeHistory } from 'prosemirror-history';

const LABELS = {
  figure: 'Picture',
  embed: 'Embed',
  pullquote: 'Pull quote',
  also: 'Also read',
};

const get = (params, key) => (params.find(([k]) => k === key) || [])[1] || '';
const put = (params, key, value) => [...params.filter(([k]) => k !== key), [key, value]];

let fields = 0;

// A labelled control; `hint` says more under it.
function field(labelText, control, hint) {
  const wrap = document.createElement('p');
  wrap.className = 'block-field';
  const label = document.createElement('label');
  control.id = `block-field-${++fields}`;
  label.htmlFor = control.id;
  label.textContent = labelText;
  wrap.append(label, control);
  if (hint) {
    const note = document.createElement('span');
    note.className = 'hint';
    note.id = `${control.id}-hint`;
    note.textContent = hint;
    control.setAttribute('aria-describedby', note.id);
    wrap.append(note);
  }
  return wrap;
}

function input(type = 'text') {
  const el = document.createElement('input');
  el.type = type;
  return el;
}

function button(text, className = '') {
  const el = document.createElement('button');
  el.type = 'button';
  el.textContent = text;
  if (className) el.className = className;
  return el;
}

// What the server says of an embed's address (`GET /admin/embed`, the
// save's own rule): `{ ok, said }`.
async function checkEmbed(url) {
  try {
    const r = await fetch(`/admin/embed?url=${encodeURIComponent(url)}`, { credentials: 'same-origin' });
    const answer = await r.json().catch(() => ({}));
    return r.ok
      ? { ok: true, said: `${answer.provider || 'Recognised'}: readers see a button that loads it.` }
      : { ok: false, said: answer.error || 'That address cannot be embedded.' };
  } catch {
    return { ok: true, said: 'Not checked (no connection); the save checks it.' };
  }
}

// Published stories whose headline has `words` (the related-articles search).
async function findStories(words) {
  const lookup = document.querySelector('[data-lookup]');
  const base = lookup ? lookup.dataset.lookup : '/admin/articles/lookup?';
  try {
    const r = await fetch(`${base}&q=${encodeURIComponent(words)}`, { credentials: 'same-origin' });
    return r.ok ? await r.json() : [];
  } catch {
    return [];
  }
}

// Each kind's form: builds its controls into `body`; `show(params)` puts
// the block's words in them (leaving alone the one being typed in), and
// `change(params)` writes new words to the text.
const FORMS = {
  figure(body, change, { pickPicture }) {
    const thumb = document.createElement('img');
    thumb.className = 'block-thumb';
    thumb.alt = '';
    const missing = document.createElement('p');
    missing.className = 'block-said';
    missing.hidden = true;
    thumb.addEventListener('error', () => {
      thumb.hidden = true;
      missing.hidden = false;
    });
    const alt = input();
    const caption = input();
    const credit = input();
    const size = document.createElement('select');
    for (const [value, text] of [
      ['column', 'Column: as wide as the text'],
      ['wide', 'Wide: wider than the text'],
      ['full', 'Full: the whole width of the page'],
    ]) size.add(new Option(text, value));
    const another = button('Another picture…');
    another.setAttribute('aria-haspopup', 'dialog');
    const words = document.createElement('div');
    words.className = 'block-fields';
    words.append(
      field('What it shows (alt text)', alt, 'For readers who cannot see it; empty: the library’s.'),
      field('Caption', caption),
      field('Credit', credit),
      field('Size', size),
      another,
    );
    const figure = document.createElement('div');
    figure.className = 'block-picture';
    figure.append(thumb, missing);
    body.append(figure, words);
    let params = [];
    for (const [key, el] of [['alt', alt], ['caption', caption], ['credit', credit], ['size', size]]) {
      el.addEventListener(el === size ? 'change' : 'input', () => change(put(params, key, el.value)));
    }
    another.addEventListener('click', () =>
      pickPicture((picked) => {
        change(
          [['media', String(picked.id)], ['size', get(params, 'size') || 'column']].concat(
            ['alt', 'caption', 'credit'].map((key) => [key, picked[key] || '']),
          ),
        );
      }),
    );
    return (next) => {
      params = next;
      const media = get(params, 'media');
      const src = `/admin/media/${encodeURIComponent(media)}/thumbnail`;
      if (!media) {
        thumb.hidden = true;
        missing.hidden = false;
        missing.textContent = 'No picture chosen yet.';
      } else if (!thumb.src.endsWith(src)) {
        thumb.hidden = false;
        missing.hidden = true;
        missing.textContent = `Picture no. ${media} is not in the library, or is still being prepared.`;
        thumb.src = src;
      }
      for (const [key, el] of [['alt', alt], ['caption', caption], ['credit', credit]]) {
        if (document.activeElement !== el) el.value = get(params, key);
      }
      size.value = get(params, 'size') || 'column';
    };
  },

  embed(body, change) {
    const url = input('url');
    url.required = true;
    url.placeholder = 'https://';
    const said = document.createElement('p');
    said.className = 'block-said';
    said.setAttribute('aria-live', 'polite');
    body.append(
      field('Address of the video or post', url, 'YouTube, Vimeo, X, Instagram, Facebook or Spotify.'),
      said,
    );
    let checked = null;
    const check = async () => {
      const address = url.value.trim();
      if (!address || address === checked) return;
      checked = address;
      const { ok, said: answer } = await checkEmbed(address);
      if (url.value.trim() !== address) return;
      said.textContent = answer;
      said.classList.toggle('refused', !ok);
      if (ok) url.removeAttribute('aria-invalid');
      else url.setAttribute('aria-invalid', 'true');
    };
    let params = [];
    url.addEventListener('input', () => change(put(params, 'url', url.value.trim())));
    url.addEventListener('change', check);
    url.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') check();
    });
    return (next) => {
      params = next;
      if (document.activeElement !== url) {
        url.value = get(params, 'url');
        check();
      }
    };
  },

  pullquote(body, change) {
    const text = document.createElement('textarea');
    text.rows = 2;
    text.required = true;
    const by = input();
    body.append(field('The quotation', text), field('Who said it', by));
    let params = [];
    text.addEventListener('input', () => change(put(params, 'text', text.value)));
    by.addEventListener('input', () => change(put(params, 'by', by.value)));
    return (next) => {
      params = next;
      if (document.activeElement !== text) text.value = get(params, 'text');
      if (document.activeElement !== by) by.value = get(params, 'by');
    };
  },

  also(body, change) {
    const linked = document.createElement('p');
    linked.className = 'block-linked';
    const search = input('search');
    const found = document.createElement('ul');
    found.className = 'block-found';
    const said = document.createElement('p');
    said.className = 'block-said';
    said.setAttribute('aria-live', 'polite');
    body.append(linked, field('Find a story: words from its headline', search), said, found);
    let timer;
    const run = async () => {
      const words = search.value.trim();
      if (!words) {
        found.replaceChildren();
        said.textContent = '';
        return;
      }
      const stories = await findStories(words);
      if (search.value.trim() !== words) return;
      said.textContent = stories.length
        ? `${stories.length} found: choose one.`
        : `No published story has “${words}” in its headline.`;
      found.replaceChildren(
        ...stories.map((story) => {
          const li = document.createElement('li');
          const choose = button(story.headline);
          choose.addEventListener('click', () => {
            search.value = '';
            found.replaceChildren();
            said.textContent = `Linked: ${story.headline}`;
            change([['article', String(story.id)], ['title', story.headline]]);
          });
          li.append(choose);
          return li;
        }),
      );
    };
    search.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(run, 250);
    });
    search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        clearTimeout(timer);
        run();
      } else if (e.key === 'ArrowDown' && found.querySelector('button')) {
        e.preventDefault();
        found.querySelector('button').focus();
      }
    });
    return (params) => {
      const article = get(params, 'article');
      linked.textContent = article
        ? `Links to “${get(params, 'title') || 'a story'}” (no. ${article}).`
        : 'Not linked to a story yet.';
    };
  },
};

// The NodeView for a block; `tools.pickPicture(done)` opens the picture
// picker and calls `done({ id, alt, caption, credit })` with the choice.
export function blockView(node, view, getPos, tools) {
  const name = node.attrs.name;
  const dom = document.createElement('div');
  dom.className = `block-directive block-${name}`;
  dom.contentEditable = 'false';
  dom.setAttribute('role', 'group');
  const head = document.createElement('div');
  head.className = 'block-head';
  const label = document.createElement('strong');
  label.textContent = LABELS[name] || name;
  label.id = `block-label-${++fields}`;
  dom.setAttribute('aria-labelledby', label.id);
  const remove = button('Remove');
  remove.setAttribute('aria-label', `Remove this ${label.textContent.toLowerCase()}`);
  head.append(label, remove);
  const body = document.createElement('div');
  body.className = 'block-body';
  dom.append(head, body);

  // Words typed into the card go into the text at once (so that autosave
  // and the preview have them); the history joins a run of typing.
  const change = (params) => {
    const pos = getPos();
    if (pos === undefined) return;
    view.dispatch(view.state.tr.setNodeMarkup(pos, null, { ...node.attrs, params, source: null }));
  };
  const form = FORMS[name];
  const show = form ? form(body, change, tools) : () => {};
  show(node.attrs.params);

  remove.addEventListener('click', () => {
    const pos = getPos();
    // Its own step in the history: Ctrl+Z brings back just the block.
    view.dispatch(closeHistory(view.state.tr.delete(pos, pos + node.nodeSize)));
    view.focus();
  });
  // Enter in the card's fields does the field's own thing, never sends
  // the article's form.
  body.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target instanceof HTMLInputElement) e.preventDefault();
  });

  return {
    dom,
    update(next) {
      if (next.type !== node.type || next.attrs.name !== name) return false;
      node = next;
      show(node.attrs.params);
      return true;
    },
    // The card's own controls take their events; ProseMirror the rest
    // (a click on the card's edge selects the block).
    stopEvent: (event) => event.target !== dom && !head.contains(event.target) || event.target === remove,
    ignoreMutation: () => true,
  };
}

// Focuses a new card's first field, for the journalist to fill in.
export function focusNewBlock(view, pos) {
  const dom = view.nodeDOM(pos);
  const first = dom && dom.querySelector('.block-body input, .block-body textarea');
  if (first) first.focus();
}
