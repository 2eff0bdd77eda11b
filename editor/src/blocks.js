// How a block shows in the editor: what it is and its words, with buttons
// to change or remove it. Readers see it as the theme's block.html makes it.
const LABELS = {
  figure: 'Picture',
  embed: 'Embed',
  pullquote: 'Pull quote',
  also: 'Also read',
};

function summary(name, params) {
  const get = (key) => (params.find(([k]) => k === key) || [])[1] || '';
  switch (name) {
    case 'figure':
      return `No. ${get('media')}, ${get('size') || 'column'} — ${get('caption') || get('alt') || 'no caption'}${
        get('credit') ? ` (${get('credit')})` : ''
      }`;
    case 'embed':
      return get('url');
    case 'pullquote':
      return `“${get('text')}”${get('by') ? ` — ${get('by')}` : ''}`;
    case 'also':
      return `${get('title') || 'Story'} (no. ${get('article')})`;
    default:
      return '';
  }
}

export function blockView(node, view, getPos) {
  const dom = document.createElement('div');
  dom.className = `block-directive block-${node.attrs.name}`;
  dom.contentEditable = 'false';
  const label = document.createElement('strong');
  const text = document.createElement('span');
  const edit = document.createElement('button');
  const remove = document.createElement('button');
  edit.type = 'button';
  remove.type = 'button';
  edit.textContent = 'Change';
  remove.textContent = 'Remove';
  dom.append(label, ' ', text, ' ', edit, remove);

  const show = (n) => {
    label.textContent = LABELS[n.attrs.name] || n.attrs.name;
    text.textContent = summary(n.attrs.name, n.attrs.params);
    edit.setAttribute('aria-label', `Change this ${label.textContent.toLowerCase()}`);
    remove.setAttribute('aria-label', `Remove this ${label.textContent.toLowerCase()}`);
  };
  show(node);

  edit.addEventListener('click', () => {
    const params = askParams(node.attrs.name, node.attrs.params);
    if (!params) return;
    const pos = getPos();
    view.dispatch(view.state.tr.setNodeMarkup(pos, null, { ...node.attrs, params, source: null }));
    view.focus();
  });
  remove.addEventListener('click', () => {
    const pos = getPos();
    view.dispatch(view.state.tr.delete(pos, pos + node.nodeSize));
    view.focus();
  });

  return {
    dom,
    update(next) {
      if (next.type !== node.type) return false;
      node = next;
      show(node);
      return true;
    },
    stopEvent: (event) => event.target instanceof HTMLButtonElement,
    ignoreMutation: () => true,
  };
}

// Asks for a block's words; `null` when the journalist cancels.
export function askParams(name, params = []) {
  const get = (key) => (params.find(([k]) => k === key) || [])[1] || '';
  const questions = {
    figure: [
      ['media', 'Picture number in the media library'],
      ['size', 'Size: column, wide or full'],
      ['alt', 'What the picture shows (alt text)'],
      ['caption', 'Caption'],
      ['credit', 'Credit'],
    ],
    embed: [['url', 'Address of the YouTube or Vimeo video, or the post on X, Instagram, Facebook or Spotify']],
    pullquote: [
      ['text', 'The quotation'],
      ['by', 'Who said it'],
    ],
    also: [
      ['article', 'Number of the story to link (the number at the end of its address)'],
      ['title', 'Its headline'],
    ],
  }[name];
  const out = [];
  for (const [key, question] of questions) {
    const answer = window.prompt(question, get(key) || (key === 'size' ? 'column' : ''));
    if (answer === null) return null;
    out.push([key, answer.trim()]);
  }
  return out;
}

