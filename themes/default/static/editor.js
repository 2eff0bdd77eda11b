// The editor's enhancements; the form works without them.
//
// Keeping: every field of the form is sent every 5 seconds while it
// changes (a new article's, not yet on the server, is kept in this
// browser), so a closed tab or a lost connection loses at most that much.
// Ctrl+S (Cmd+S) saves. The body preview is rendered by the server (the
// sanitised HTML readers get) as typing pauses. The checks before
// publishing follow the fields. Bylines are suggested as they are typed;
// related articles are found by headline. The picture picker: a grid of
// the library's pictures with search, uploads by file, drag and drop or
// paste with progress, the focus set by a click, the crops shown.
(() => {
  const form = document.getElementById('article-form');
  if (!form) return;
  const $ = (id) => document.getElementById(id);
  const csrf = form.querySelector('input[name=csrf]').value;
  const post = (url, fields) =>
    fetch(url, { method: 'POST', body: new URLSearchParams(fields), credentials: 'same-origin' });
  const changed = (el) => el.dispatchEvent(new Event('input', { bubbles: true }));

  // ---- Saving: Ctrl/Cmd+S, and the last word before leaving.
  const saveButton = form.querySelector('button.save');
  let dirty = false;
  let submitting = false;
  form.addEventListener('input', () => { dirty = true; });
  form.addEventListener('submit', () => { submitting = true; });
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      form.requestSubmit(saveButton);
    }
  });

  // ---- Keeping what is typed.
  const status = $('autosave-status');
  const fields = () => {
    const data = new FormData(form);
    data.delete('then');
    return data;
  };
  if (form.dataset.autosave) {
    let sending = false;
    setInterval(async () => {
      if (!dirty || sending || submitting) return;
      dirty = false;
      sending = true;
      try {
        const r = await post(form.dataset.autosave, fields());
        if (!r.ok) throw new Error(String(r.status));
        status.textContent = `Changes kept at ${new Date().toLocaleTimeString()}`;
      } catch (e) {
        dirty = true;
        status.textContent = 'Could not keep your changes; trying again';
      } finally {
        sending = false;
      }
    }, 5000);
  } else if (form.dataset.keepLocal && window.localStorage) {
    // A new article lives only in this browser until it is first saved.
    const key = `dateline:${form.dataset.keepLocal}:${location.host}`;
    const kept = (() => { try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; } })();
    if (kept && kept.fields && !form.querySelector('.form-errors')) offerLocal(key, kept);
    setInterval(() => {
      if (!dirty || submitting) return;
      dirty = false;
      const entries = [...fields()].filter(([name, value]) => name !== 'csrf' && typeof value === 'string');
      localStorage.setItem(key, JSON.stringify({ at: Date.now(), fields: entries }));
      status.textContent = `Kept in this browser at ${new Date().toLocaleTimeString()}`;
    }, 3000);
    form.addEventListener('submit', () => localStorage.removeItem(key));
  }

  function offerLocal(key, kept) {
    const box = document.createElement('div');
    box.className = 'notice unsaved';
    box.setAttribute('role', 'status');
    const said = document.createElement('p');
    const headline = (kept.fields.find(([n]) => n === 'headline') || [])[1] || 'no headline';
    said.textContent = `You have an unsaved new article from ${new Date(kept.at).toLocaleString()} (headline: “${headline}”).`;
    const actions = document.createElement('p');
    actions.className = 'notice-actions';
    const restore = document.createElement('button');
    restore.type = 'button';
    restore.textContent = 'Restore it into the editor';
    const discard = document.createElement('button');
    discard.type = 'button';
    discard.className = 'secondary';
    discard.textContent = 'Discard it';
    restore.addEventListener('click', () => {
      fill(kept.fields);
      box.remove();
      $('article-headline').focus();
    });
    discard.addEventListener('click', () => { localStorage.removeItem(key); box.remove(); });
    actions.append(restore, discard);
    box.append(said, actions);
    form.before(box);
  }

  function fill(entries) {
    for (const el of form.elements) {
      if (!el.name || el.name === 'csrf' || ['submit', 'hidden', 'file'].includes(el.type)) continue;
      const values = entries.filter(([n]) => n === el.name).map(([, v]) => v);
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = values.includes(el.value);
      else if (values.length) el.value = values[0];
      changed(el);
    }
  }

  window.addEventListener('beforeunload', (e) => {
    if (dirty && !submitting) e.preventDefault();
  });

  // ---- The body preview.
  const body = $('article-body');
  const box = document.querySelector('.body-preview');
  const preview = $('body-preview');
  if (body && box && preview && form.dataset.markdown) {
    box.hidden = false;
    let timer;
    const render = async () => {
      const r = await post(form.dataset.markdown, { csrf, body: body.value });
      // Sanitised by the server exactly as for readers.
      if (r.ok) preview.innerHTML = await r.text();
    };
    // Hidden while the visual editor shows the text: no round trip then.
    body.addEventListener('input', () => {
      if (box.dataset.visual) return;
      clearTimeout(timer);
      timer = setTimeout(render, 400);
    });
    body.addEventListener('focus', render);
    render();
  }

  // ---- The checks before publishing, as fields change.
  const checks = $('checks');
  const setCheck = (id, level, text) => {
    let item = checks && checks.querySelector(`[data-check="${id}"]`);
    if (!checks) return;
    if (!level) { if (item) item.remove(); return; }
    if (!item) {
      item = document.createElement('li');
      item.dataset.check = id;
      item.innerHTML = '<span class="check-level"></span> <span class="check-text"></span>';
      checks.append(item);
    }
    item.className = `check check-${level}`;
    item.querySelector('.check-level').textContent = { block: 'Blocks publishing:', warn: 'Look at this:', ok: 'Fine:' }[level];
    item.querySelector('.check-text').textContent = text;
  };
  const lead = $('article-lead_media');
  const recheck = () => {
    const n = [...$('article-headline').value.trim()].length;
    if (!n) setCheck('headline', 'block', 'Write a headline.');
    else if (n > 110) setCheck('headline', 'warn', `The headline has ${n} characters; search results and cards cut it after about 110.`);
    else setCheck('headline', 'ok', `Headline: ${n} characters.`);
    setCheck('section', $('article-section').value ? null : 'block', 'Choose a section.');
    if ($('article-authors').value.trim()) setCheck('authors', 'ok', 'Byline given.');
    else setCheck('authors', 'warn', 'No byline: readers see no writer\'s name.');
    if (!lead.value) setCheck('lead', 'warn', 'No lead picture: cards and shared links show none.');
    else setCheck('lead', 'ok', 'Lead picture with alt text.');
  };
  form.addEventListener('input', recheck);
  form.addEventListener('change', recheck);

  // ---- Byline suggestions: existing names for what is being typed.
  const authors = $('article-authors');
  const names = [...document.querySelectorAll('#bylines option')].map((o) => o.value);
  if (authors && names.length) {
    const list = document.createElement('ul');
    list.className = 'suggestions';
    list.setAttribute('aria-label', 'Existing bylines');
    authors.parentElement.insertBefore(list, $('article-authors-hint'));
    authors.addEventListener('input', () => {
      const parts = authors.value.split(',');
      const typed = parts[parts.length - 1].trim().toLowerCase();
      const taken = parts.slice(0, -1).map((p) => p.trim().toLowerCase());
      list.replaceChildren();
      if (!typed) return;
      for (const name of names.filter((m) => m.toLowerCase().includes(typed) && !taken.includes(m.toLowerCase())).slice(0, 5)) {
        if (name.toLowerCase() === typed) continue;
        const item = document.createElement('li');
        const add = document.createElement('button');
        add.type = 'button';
        add.className = 'secondary';
        add.textContent = name;
        add.setAttribute('aria-label', `Byline: ${name}`);
        add.addEventListener('click', () => {
          parts[parts.length - 1] = ` ${name}`;
          authors.value = `${parts.join(',').replace(/^ /, '')}, `;
          list.replaceChildren();
          authors.focus();
          changed(authors);
        });
        item.append(add);
        list.append(item);
      }
    });
  }

  // ---- Related articles found by headline.
  const search = document.querySelector('.related-search');
  const related = $('article-related');
  if (search && related) {
    search.hidden = false;
    const query = $('related-query');
    const results = $('related-results');
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
        add.className = 'secondary';
        add.textContent = `Add: ${article.headline}`;
        add.addEventListener('click', () => {
          const lines = related.value.split('\n').filter((l) => l.trim());
          if (!lines.some((l) => l.split(' ')[0] === String(article.id))) {
            lines.push(`${article.id} ${article.headline}`);
            related.value = `${lines.join('\n')}\n`;
            changed(related);
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

  // ---- The picture picker.
  const picker = $('picker');
  if (!picker || !picker.showModal || !lead) return;
  document.querySelector('.lead-list').hidden = true;
  document.querySelector('.lead-tools').hidden = false;
  const pickButton = $('pick-picture');
  const dropButton = $('drop-picture');
  const grid = $('picker-grid');
  const detail = $('picker-detail');
  const said = $('picker-said');
  const progress = $('picker-progress');
  const frame = $('picker-focus');
  // The pictures are made here: an <img> without an address is not HTML.
  const blank = () => Object.assign(document.createElement('img'), { alt: '' });
  const image = blank();
  frame.prepend(image);
  const crops = [...picker.querySelectorAll('.crop')].map((crop) => crop.appendChild(blank()));
  const dot = frame.querySelector('.focus-dot');
  const localPreviews = new Map();
  let chosen = null;

  const showLead = (button) => {
    const now = $('lead-now');
    now.replaceChildren();
    if (button) {
      const src = button.dataset.src || localPreviews.get(button.dataset.id);
      if (src) {
        const img = document.createElement('img');
        img.src = src;
        img.alt = '';
        now.append(img);
      }
      const p = document.createElement('p');
      p.className = 'hint';
      p.textContent = button.dataset.alt;
      now.append(p);
      $('article-lead_caption').placeholder = button.dataset.caption;
      $('article-lead_credit').placeholder = button.dataset.credit;
    } else {
      const p = document.createElement('p');
      p.className = 'hint';
      p.textContent = 'No lead picture.';
      now.append(p);
    }
    pickButton.textContent = button ? 'Change picture…' : 'Choose picture…';
    dropButton.hidden = !button;
  };

  const placeFocus = (fx, fy) => {
    dot.style.left = `${fx * 100}%`;
    dot.style.top = `${fy * 100}%`;
    for (const img of crops) img.style.objectPosition = `${fx * 100}% ${fy * 100}%`;
    frame.setAttribute('aria-label', `Focus at ${Math.round(fx * 100)} % from the left, ${Math.round(fy * 100)} % from the top`);
  };

  const choose = (button) => {
    for (const b of grid.querySelectorAll('button.pick')) b.setAttribute('aria-pressed', String(b === button));
    chosen = button;
    detail.hidden = false;
    grid.parentElement.classList.add('choosing');
    const src = button.dataset.src || localPreviews.get(button.dataset.id) || '';
    image.src = src;
    for (const img of crops) img.src = src;
    placeFocus(Number(button.dataset.fx), Number(button.dataset.fy));
    const about = [button.dataset.alt, button.dataset.caption, button.dataset.credit && `Credit: ${button.dataset.credit}`].filter(Boolean);
    $('picker-about').textContent = about.join(' — ');
    // On a phone the picture chosen is shown above the grid: bring it into view.
    if (matchMedia('(max-width: 899px)').matches) detail.scrollIntoView({ block: 'start' });
  };

  const load = async (selectId) => {
    const params = new URLSearchParams({ q: $('picker-q').value, from: $('picker-from').value });
    const r = await fetch(`${picker.dataset.choices}?${params}`, { credentials: 'same-origin' });
    if (!r.ok) { grid.textContent = 'The library could not be loaded; try again.'; return; }
    const fresh = new DOMParser().parseFromString(await r.text(), 'text/html').body;
    grid.replaceChildren(...fresh.childNodes);
    const want = selectId || lead.value;
    const button = want && grid.querySelector(`button.pick[data-id="${want}"]`);
    if (button) choose(button);
    else { detail.hidden = true; chosen = null; }
  };

  grid.addEventListener('click', (e) => {
    const button = e.target.closest('button.pick');
    if (!button) return;
    choose(button);
    // Chosen: what comes next is using it (or setting its focus, one Tab on).
    $('picker-use').focus();
  });
  picker.querySelector('.picker-search').addEventListener('submit', (e) => { e.preventDefault(); load(); });
  picker.querySelector('[data-close]').addEventListener('click', () => picker.close());
  pickButton.addEventListener('click', () => {
    picker.showModal();
    load();
  });
  dropButton.addEventListener('click', () => {
    lead.value = '';
    showLead(null);
    changed(lead);
  });
  // The visual editor borrows the picker for a picture in the text: the
  // next choice goes there, not to the lead.
  let forText = false;
  document.addEventListener('dateline:pick-for-text', () => { forText = true; });
  picker.addEventListener('close', () => { setTimeout(() => { forText = false; }); });
  $('picker-use').addEventListener('click', () => {
    if (!chosen) return;
    const id = chosen.dataset.id;
    if (forText) {
      const { alt = '', caption = '', credit = '' } = chosen.dataset;
      document.dispatchEvent(new CustomEvent('dateline:picked', { detail: { id, alt, caption, credit } }));
      picker.close();
      return;
    }
    if (![...lead.options].some((o) => o.value === id)) lead.add(new Option(chosen.dataset.alt, id));
    lead.value = id;
    showLead(chosen);
    changed(lead);
    picker.close();
    pickButton.focus();
  });

  // The focus: a click on the picture, or the arrow keys (5 % a press).
  if (picker.dataset.focus) {
    let timer;
    const keep = (fx, fy) => {
      chosen.dataset.fx = fx;
      chosen.dataset.fy = fy;
      placeFocus(fx, fy);
      clearTimeout(timer);
      const id = chosen.dataset.id;
      timer = setTimeout(async () => {
        const r = await post(picker.dataset.focus.replace('{id}', id), {
          csrf, focus_x: (fx * 100).toFixed(1), focus_y: (fy * 100).toFixed(1),
        });
        said.textContent = r.ok ? 'Focus saved: crops centre there.' : 'The focus could not be saved.';
      }, 300);
    };
    const clamp = (v) => Math.min(1, Math.max(0, v));
    frame.addEventListener('click', (e) => {
      if (!chosen || e.detail === 0) return; // Enter and Space arrive as clicks with no position.
      const box = image.getBoundingClientRect();
      keep(clamp((e.clientX - box.left) / box.width), clamp((e.clientY - box.top) / box.height));
    });
    frame.addEventListener('keydown', (e) => {
      const step = { ArrowLeft: [-0.05, 0], ArrowRight: [0.05, 0], ArrowUp: [0, -0.05], ArrowDown: [0, 0.05] }[e.key];
      if (!step || !chosen) return;
      e.preventDefault();
      keep(clamp(Number(chosen.dataset.fx) + step[0]), clamp(Number(chosen.dataset.fy) + step[1]));
    });
  }

  // Uploads: a chosen, dropped or pasted file, sent with progress.
  const drop = $('picker-drop');
  const alt = $('picker-alt');
  let waiting = null;
  const upload = (file) => {
    if (!file || !file.type.startsWith('image/')) {
      said.textContent = 'That is not a picture.';
      return;
    }
    if (!alt.value.trim()) {
      waiting = file;
      said.textContent = `Say what “${file.name || 'the picture'}” shows in the alt text, and it will be added.`;
      alt.focus();
      return;
    }
    waiting = null;
    const data = new FormData();
    data.append('csrf', csrf);
    data.append('alt', alt.value.trim());
    data.append('credit', $('picker-credit').value.trim());
    data.append('file', file, file.name || 'pasted.png');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', picker.dataset.upload);
    xhr.setRequestHeader('Accept', 'application/json');
    progress.hidden = false;
    progress.value = 0;
    said.textContent = `Uploading ${file.name || 'the picture'}…`;
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener('load', async () => {
      progress.hidden = true;
      let answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (e) { /* an error page */ }
      if (xhr.status !== 201) {
        said.textContent = `Not added: ${answer.error || `the server answered ${xhr.status}`}`;
        return;
      }
      localPreviews.set(String(answer.id), URL.createObjectURL(file));
      alt.value = '';
      $('picker-credit').value = '';
      $('picker-q').value = '';
      $('picker-from').value = '';
      said.textContent = answer.new === false
        ? 'Added: that picture was already in the library, with its own alt text; it is chosen.'
        : 'Added to the library and chosen.';
      await load(String(answer.id));
      $('picker-use').focus();
    });
    xhr.addEventListener('error', () => {
      progress.hidden = true;
      said.textContent = 'The upload failed; check the connection and try again.';
    });
    xhr.send(data);
  };
  $('picker-file').addEventListener('change', (e) => upload(e.target.files[0]));
  alt.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); if (waiting) upload(waiting); }
  });
  alt.addEventListener('change', () => { if (waiting && alt.value.trim()) upload(waiting); });
  for (const type of ['dragenter', 'dragover']) {
    picker.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add('dragging'); });
  }
  picker.addEventListener('dragleave', (e) => { if (e.target === drop) drop.classList.remove('dragging'); });
  picker.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('dragging');
    upload(e.dataTransfer.files[0]);
  });
  picker.addEventListener('paste', (e) => {
    const file = [...e.clipboardData.files].find((f) => f.type.startsWith('image/'));
    if (file) { e.preventDefault(); upload(file); }
  });
  // A picture pasted or dropped into the text: the picker opens to add it
  // to the library (asking for its alt text first), then it goes into the text.
  document.addEventListener('dateline:upload-for-text', (e) => {
    forText = true;
    picker.showModal();
    load();
    upload(e.detail.file);
  });
})();
