// Front pages (admin/front.html): the pinned stories put in order by drag
// and drop (the Move up and Move down buttons do the same without a mouse
// or without this script), and a story to pin suggested by words from its
// headline. The page works without it.
(() => {
  const list = document.querySelector('.front-pins');
  const order = document.querySelector('form.front-order');
  if (list && order && list.children.length > 1) {
    list.dataset.draggable = 'true';
    let dragged = null;
    for (const item of list.children) {
      item.draggable = true;
      item.addEventListener('dragstart', (e) => {
        dragged = item;
        item.classList.add('dragging');
        e.dataTransfer.effectAllowed = 'move';
        e.dataTransfer.setData('text/plain', item.dataset.id);
      });
      item.addEventListener('dragend', () => {
        item.classList.remove('dragging');
        for (const other of list.children) other.classList.remove('drop-before');
      });
    }
    // The item the pointer is over, and whether it drops before or after.
    const target = (e) => {
      const over = e.target.closest('.front-pin');
      if (!over || over === dragged) return null;
      const box = over.getBoundingClientRect();
      return { over, before: e.clientY < box.top + box.height / 2 };
    };
    list.addEventListener('dragover', (e) => {
      if (!dragged) return;
      e.preventDefault();
      for (const other of list.children) other.classList.remove('drop-before');
      const at = target(e);
      if (at) (at.before ? at.over : at.over.nextElementSibling || at.over).classList.add('drop-before');
    });
    list.addEventListener('drop', (e) => {
      e.preventDefault();
      const at = target(e);
      if (!dragged || !at) return;
      if (at.before) at.over.before(dragged);
      else at.over.after(dragged);
      order.elements.order.value = [...list.children].map((item) => item.dataset.id).join(',');
      order.submit();
    });
  }

  // Suggestions by headline: "42 Ferry fares rise" (the number is what the
  // server reads).
  const field = document.getElementById('front-add');
  if (!field) return;
  const options = document.createElement('datalist');
  options.id = 'front-add-list';
  field.after(options);
  field.setAttribute('list', options.id);
  let timer;
  field.addEventListener('input', () => {
    clearTimeout(timer);
    const words = field.value.trim();
    if (words.length < 3 || /^\d+(\s|$)/.test(words) || words.includes('/')) return;
    timer = setTimeout(async () => {
      try {
        const r = await fetch(`${field.dataset.lookup}&q=${encodeURIComponent(words)}`, { credentials: 'same-origin' });
        const found = r.ok ? await r.json() : [];
        options.replaceChildren(...found.map((f) => new Option(`${f.id} ${f.headline}`)));
      } catch {
        options.replaceChildren();
      }
    }, 250);
  });
})();
