// A link's address, asked for in a small bar just under the selected words
// rather than in the browser's prompt: the words stay in view, a wrong
// address is said beside the field, Enter applies and Escape leaves it.
const ADDRESS = /^(https?:\/\/\S+|mailto:\S+|\/\S*)$/;

export function linkBar({ apply, leave }) {
  const bar = document.createElement('div');
  bar.className = 'link-bar';
  bar.hidden = true;
  const label = document.createElement('label');
  label.htmlFor = 'visual-link';
  label.textContent = 'Link to';
  const field = document.createElement('input');
  field.type = 'url';
  field.id = 'visual-link';
  field.placeholder = 'https://';
  const said = document.createElement('span');
  said.className = 'link-said';
  said.id = 'visual-link-said';
  said.setAttribute('aria-live', 'polite');
  field.setAttribute('aria-describedby', said.id);
  const ok = document.createElement('button');
  ok.type = 'button';
  ok.textContent = 'Link';
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.textContent = 'Cancel';
  bar.append(label, field, ok, cancel, said);

  let range = null;
  const close = () => {
    bar.hidden = true;
    range = null;
    leave();
  };
  const submit = () => {
    const href = field.value.trim();
    if (!ADDRESS.test(href)) {
      said.textContent = 'A web address (https://…), an email (mailto:…) or a path on this site (/…).';
      field.setAttribute('aria-invalid', 'true');
      return;
    }
    const to = range;
    bar.hidden = true;
    range = null;
    apply(href, to);
  };
  // Left for somewhere else (a click in the text): the words stay unlinked.
  bar.addEventListener('focusout', (e) => {
    if (!bar.contains(e.relatedTarget)) {
      bar.hidden = true;
      range = null;
    }
  });
  ok.addEventListener('click', submit);
  cancel.addEventListener('click', close);
  field.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });

  return {
    element: bar,
    // Asks for the address of the words from `from` to `to`, the bar's
    // top left corner at `top`, `left` (pixels in its positioned parent).
    open(from, to, { top, left }) {
      range = { from, to };
      field.value = '';
      said.textContent = '';
      field.removeAttribute('aria-invalid');
      bar.hidden = false;
      const room = bar.offsetParent ? bar.offsetParent.clientWidth - bar.offsetWidth - 8 : left;
      bar.style.top = `${Math.round(top)}px`;
      bar.style.left = `${Math.round(Math.max(8, Math.min(left, room)))}px`;
      field.focus();
    },
  };
}
