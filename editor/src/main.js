// The visual editor for an article's text. It takes the place of the body's
// Markdown textarea (which stays in the form and is what is saved), and a
// "Markdown" switch brings the textarea back. Loaded only on the editor;
// without it the textarea and its preview work as before.
import { EditorState, NodeSelection, TextSelection } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { history, undo, redo, closeHistory } from 'prosemirror-history';
import { keymap } from 'prosemirror-keymap';
import { baseKeymap, chainCommands, toggleMark, setBlockType, wrapIn, lift } from 'prosemirror-commands';
import { wrapInList, splitListItem, liftListItem, sinkListItem } from 'prosemirror-schema-list';
import { inputRules, wrappingInputRule, textblockTypeInputRule, undoInputRule } from 'prosemirror-inputrules';
import { dropCursor } from 'prosemirror-dropcursor';
import { gapCursor } from 'prosemirror-gapcursor';
import { tableEditing, goToNextCell } from 'prosemirror-tables';
import { DOMParser as PMDOMParser } from 'prosemirror-model';
import { schema, fromMarkdown, toMarkdown } from './markdown.js';
import { cleanPastedHTML } from './paste.js';
import { blockView, focusNewBlock } from './blocks.js';
import { linkBar } from './link.js';

const { nodes, marks } = schema;

const rules = inputRules({
  rules: [
    wrappingInputRule(/^\s*>\s$/, nodes.blockquote),
    wrappingInputRule(
      /^(\d+)\.\s$/,
      nodes.ordered_list,
      (m) => ({ order: +m[1], tight: true }),
      (m, node) => node.childCount + node.attrs.order === +m[1],
    ),
    wrappingInputRule(/^\s*[-*]\s$/, nodes.bullet_list, { tight: true }),
    textblockTypeInputRule(/^(#{2,3})\s$/, nodes.heading, (m) => ({ level: m[1].length })),
  ],
});

const isActive = (state, mark) => {
  const { from, $from, to, empty } = state.selection;
  return empty ? !!mark.isInSet(state.storedMarks || $from.marks()) : state.doc.rangeHasMark(from, to, mark);
};

const headingIs = (level) => (state) => {
  const { $from } = state.selection;
  return $from.parent.type === nodes.heading && $from.parent.attrs.level === level;
};
const toggleHeading = (level) => (state, dispatch) =>
  headingIs(level)(state)
    ? setBlockType(nodes.paragraph)(state, dispatch)
    : setBlockType(nodes.heading, { level })(state, dispatch);

// Ctrl+K on linked words unlinks them; on others, asks for the address
// (in the bar `mount` puts under them).
let askAddress = null;
function askLink(state, dispatch) {
  if (isActive(state, marks.link)) return toggleMark(marks.link)(state, dispatch);
  if (state.selection.empty || !askAddress) return false;
  if (dispatch) askAddress(state.selection.from, state.selection.to);
  return true;
}

// Puts a block where the cursor is. Writing goes on inside it (`into`: a
// box's first point, a table's first cell) or in the paragraph after it,
// made if there is none, as in any word processor; a block with a form of
// its own (`fill`) has its first field focused instead.
function insertNode(state, dispatch, node, { into = false, fill = null } = {}) {
  if (!dispatch) return true;
  const tr = state.tr.replaceSelectionWith(node);
  let end = tr.selection.to;
  if (!(tr.selection instanceof NodeSelection)) {
    // The selection went past the block: find where it ends.
    const $to = tr.doc.resolve(tr.mapping.map(state.selection.from, -1));
    end = $to.depth > 0 ? $to.after(1) : $to.pos;
    for (let pos = 0, i = 0; i < tr.doc.childCount; i++) {
      const child = tr.doc.child(i);
      if (child === node) end = pos + child.nodeSize;
      pos += child.nodeSize;
    }
  }
  const start = end - node.nodeSize;
  if (into) {
    tr.setSelection(TextSelection.near(tr.doc.resolve(start + 1)));
  } else {
    if (!(tr.doc.resolve(end).nodeAfter || {}).isTextblock) tr.insert(end, nodes.paragraph.create());
    tr.setSelection(TextSelection.create(tr.doc, end + 1));
  }
  // A block put in is a step of its own in the history.
  dispatch(closeHistory(tr).scrollIntoView());
  if (fill) focusNewBlock(fill, start);
  return true;
}

const insertBlock = (name, params) => (state, dispatch) =>
  insertNode(state, dispatch, nodes.directive.create({ name, params, source: null }));

// A block whose words are then filled in its own card: an embed's
// address, a pull quote, the story "Also read" links to.
const insertCard = (name) => (state, dispatch, view) =>
  insertNode(state, dispatch, nodes.directive.create({ name, params: [], source: null }), { fill: view });

function insertKeyPoints(state, dispatch) {
  const item = nodes.list_item.create(null, nodes.paragraph.create());
  const list = nodes.bullet_list.create({ tight: true }, item);
  return insertNode(state, dispatch, nodes.key_points.create(null, list), { into: true });
}

function insertTable(state, dispatch) {
  const cell = (type) => type.create(null);
  const row = (type) => nodes.table_row.create(null, [cell(type), cell(type)]);
  const table = nodes.table.create(null, [row(nodes.table_header), row(nodes.table_cell)]);
  return insertNode(state, dispatch, table, { into: true });
}

// The toolbar: [label, title (with its shortcut), command, active?].
const TOOLS = [
  ['B', 'Bold (Ctrl+B)', toggleMark(marks.strong), (s) => isActive(s, marks.strong)],
  ['I', 'Italic (Ctrl+I)', toggleMark(marks.em), (s) => isActive(s, marks.em)],
  ['Link', 'Link (Ctrl+K)', askLink, (s) => isActive(s, marks.link)],
  ['H2', 'Heading (Ctrl+Alt+2)', toggleHeading(2), headingIs(2)],
  ['H3', 'Subheading (Ctrl+Alt+3)', toggleHeading(3), headingIs(3)],
  ['• List', 'Bulleted list (Ctrl+Shift+8)', wrapInList(nodes.bullet_list, { tight: true })],
  ['1. List', 'Numbered list (Ctrl+Shift+9)', wrapInList(nodes.ordered_list, { order: 1, tight: true })],
  ['Quote', 'Quotation (Ctrl+Shift+.)', wrapIn(nodes.blockquote)],
  ['Picture', 'Picture from the library', (s, d) => pickPicture(s, d)],
  ['Embed', 'Embedded video or post', insertCard('embed')],
  ['Pull quote', 'Pull quote', insertCard('pullquote')],
  ['Key points', 'Key points box', insertKeyPoints],
  ['Table', 'Table', insertTable],
  ['Also read', 'Also read: a link to another story', insertCard('also')],
  ['Undo', 'Undo (Ctrl+Z)', undo],
  ['Redo', 'Redo (Ctrl+Shift+Z)', redo],
];

// The lead-image picker's dialog, reused to choose a picture for the text
// (editor.js answers `dateline:pick-for-text` with `dateline:picked`): a
// new one where the cursor is, or (`into`) another for a picture block.
let pickedInto = null;
function openPicker(into = null) {
  const open = document.getElementById('pick-picture');
  if (!open) return false;
  pickedInto = into;
  document.dispatchEvent(new CustomEvent('dateline:pick-for-text'));
  open.click();
  return true;
}
function pickPicture(state, dispatch) {
  if (!document.getElementById('pick-picture')) return false;
  return dispatch ? openPicker() : true;
}

// Enter in an empty last paragraph of a box (Key points) leaves the box.
function leaveBox(state, dispatch) {
  const { $from, empty } = state.selection;
  const box = $from.node(-1);
  if (!empty || !box || box.type !== nodes.key_points || $from.parent.content.size) return false;
  if ($from.index(-1) !== box.childCount - 1) return false;
  return lift(state, dispatch);
}

// Hands a picture file in `transfer` to the picker for uploading into the
// text; false (ProseMirror goes on as usual) when there is none, or when
// there is text too: Word and LibreOffice put a picture of copied text
// beside the text itself.
function uploadPicture(transfer) {
  if (!transfer || transfer.types.includes('text/html') || transfer.types.includes('text/plain')) return false;
  const file = [...transfer.files].find((f) => f.type.startsWith('image/'));
  if (!file || !document.getElementById('pick-picture')) return false;
  document.dispatchEvent(new CustomEvent('dateline:upload-for-text', { detail: { file } }));
  return true;
}

const keys = keymap({
  'Mod-z': undo,
  'Shift-Mod-z': redo,
  'Mod-y': redo,
  Backspace: undoInputRule,
  'Mod-b': toggleMark(marks.strong),
  'Mod-i': toggleMark(marks.em),
  'Mod-k': askLink,
  'Mod-Alt-2': toggleHeading(2),
  'Mod-Alt-3': toggleHeading(3),
  'Shift-Enter': (state, dispatch) => {
    if (dispatch) dispatch(state.tr.replaceSelectionWith(nodes.hard_break.create()).scrollIntoView());
    return true;
  },
  Enter: chainCommands(splitListItem(nodes.list_item), leaveBox),
  'Mod-[': liftListItem(nodes.list_item),
  'Mod-]': sinkListItem(nodes.list_item),
  'Shift-Mod-8': wrapInList(nodes.bullet_list, { tight: true }),
  'Shift-Mod-9': wrapInList(nodes.ordered_list, { order: 1, tight: true }),
  'Shift-Mod-.': wrapIn(nodes.blockquote),
  'Shift-Mod-,': lift,
  Tab: goToNextCell(1),
  'Shift-Tab': goToNextCell(-1),
});

function words(doc) {
  const text = doc.textBetween(0, doc.content.size, ' ', ' ');
  return (text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) || []).length;
}

export function mount(textarea) {
  const place = document.createElement('div');
  place.className = 'visual-editor';
  const toolbar = document.createElement('div');
  toolbar.className = 'visual-toolbar';
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', 'Formatting and blocks');
  toolbar.setAttribute('aria-controls', 'visual-body');
  const surface = document.createElement('div');
  const status = document.createElement('p');
  status.className = 'visual-status hint';
  status.setAttribute('aria-live', 'polite');
  const switcher = document.createElement('button');
  switcher.type = 'button';
  switcher.className = 'visual-switch';
  switcher.textContent = 'Edit as Markdown';
  place.append(toolbar, surface, status);
  textarea.before(place);
  textarea.hidden = true;
  const preview = document.querySelector('.body-preview');
  if (preview) preview.dataset.visual = 'true';
  // The body's label names the visual editor; its "(Markdown)" hint only
  // the textarea.
  const label = document.querySelector('label[for="article-body"]');
  const hint = label && label.querySelector('.hint');
  if (label && !label.id) label.id = 'article-body-label';
  if (hint) hint.hidden = true;
  (label || place).before(switcher);

  // Ends as the text read did: with a line break or without.
  let newline = textarea.value.endsWith('\n');
  let writing = false;
  const view = new EditorView(surface, {
    state: EditorState.create({
      doc: fromMarkdown(textarea.value),
      plugins: [rules, keys, keymap(baseKeymap), history(), dropCursor(), gapCursor(), tableEditing()],
    }),
    attributes: {
      id: 'visual-body',
      role: 'textbox',
      'aria-multiline': 'true',
      'aria-labelledby': label ? label.id : '',
      class: 'visual-body',
      spellcheck: 'true',
    },
    nodeViews: {
      directive: (node, v, getPos) => blockView(node, v, getPos, { pickPicture: (done) => openPicker(done) }),
    },
    transformPastedHTML: (html) => (html.includes('data-pm-slice') ? html : cleanPastedHTML(html)),
    // A picture pasted or dropped in goes to the library first.
    handlePaste: (_, event) => uploadPicture(event.clipboardData),
    handleDrop: (_, event) => uploadPicture(event.dataTransfer),
    dispatchTransaction(tr) {
      view.updateState(view.state.apply(tr));
      // The stored text is rewritten only once the story is edited: opened
      // and saved unchanged, it stays byte for byte as it was.
      if (tr.docChanged) {
        textarea.value = toMarkdown(view.state.doc, { newline });
        writing = true;
        textarea.dispatchEvent(new Event('input', { bubbles: true }));
        writing = false;
        count();
      }
      refresh();
    },
  });

  const links = linkBar({
    apply(href, { from, to }) {
      view.dispatch(view.state.tr.addMark(from, to, marks.link.create({ href, title: null })));
      view.focus();
    },
    leave: () => view.focus(),
  });
  place.append(links.element);
  askAddress = (from, to) => {
    const words = view.coordsAtPos(from);
    const box = place.getBoundingClientRect();
    links.open(from, to, { top: words.bottom - box.top + 6, left: words.left - box.left });
  };

  const buttons = TOOLS.map(([label, title, command, active]) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.className = `tool-${label.toLowerCase().replace(/[^a-z0-9]+/g, '')}`;
    button.title = title;
    // The visible word first, so that voice control finds it by what it says.
    button.setAttribute('aria-label', `${label}: ${title}`);
    button.tabIndex = -1;
    button.addEventListener('mousedown', (e) => e.preventDefault());
    button.addEventListener('click', () => {
      command(view.state, view.dispatch, view);
      // A new block's card, or the link's bar, keeps the focus it took.
      if (!document.activeElement.closest('.block-directive, .link-bar')) view.focus();
    });
    toolbar.append(button);
    return { button, command, active };
  });
  buttons[0].button.tabIndex = 0;
  // One stop in the tab order; the arrow keys move along the toolbar.
  toolbar.addEventListener('keydown', (e) => {
    const all = buttons.map((b) => b.button).filter((b) => !b.disabled);
    const at = all.indexOf(document.activeElement);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: all.length - 1 }[e.key];
    if (to === undefined || at < 0) return;
    e.preventDefault();
    const next = all[(to + all.length) % all.length];
    all.forEach((b) => { b.tabIndex = b === next ? 0 : -1; });
    next.focus();
  });

  function refresh() {
    for (const { button, command, active } of buttons) {
      button.disabled = !command(view.state, undefined, view);
      if (active) button.setAttribute('aria-pressed', String(!!active(view.state)));
    }
    // The toolbar's one Tab stop must stay a button that can take focus.
    const stop = buttons.find((b) => b.button.tabIndex === 0);
    if (stop && stop.button.disabled) {
      const next = buttons.find((b) => !b.button.disabled);
      if (next) {
        stop.button.tabIndex = -1;
        next.button.tabIndex = 0;
      }
    }
  }
  // The count follows the text, not every move of the cursor.
  const count = () => {
    const n = words(view.state.doc);
    status.textContent = `${n} words · ${Math.max(1, Math.round(n / 230))} min read`;
  };
  refresh();
  count();

  // A picture chosen in the picker for the text.
  document.addEventListener('dateline:picked', (e) => {
    const { id, alt, caption, credit } = e.detail;
    if (pickedInto) {
      const into = pickedInto;
      pickedInto = null;
      into(e.detail);
      return;
    }
    insertBlock('figure', [['media', String(id)], ['size', 'column'], ['alt', alt], ['caption', caption], ['credit', credit]])(
      view.state,
      view.dispatch,
    );
    view.focus();
  });

  // A story just taken from the wire: the agency's HTML is read through
  // the same cleaner as anything pasted (the server's own conversion is
  // what a browser without this script keeps).
  const agency = document.getElementById('agency-copy');
  if (agency) {
    const cleaned = new window.DOMParser().parseFromString(cleanPastedHTML(agency.innerHTML), 'text/html');
    const doc = PMDOMParser.fromSchema(schema).parse(cleaned.body);
    const tr = view.state.tr.replaceWith(0, view.state.doc.content.size, doc.content);
    if (toMarkdown(tr.doc, { newline }) !== textarea.value) view.dispatch(tr);
  }

  // Text put into the textarea by others (a restored copy) is read again.
  const reload = () => {
    newline = textarea.value.endsWith('\n');
    view.updateState(EditorState.create({ doc: fromMarkdown(textarea.value), plugins: view.state.plugins }));
    refresh();
    count();
  };
  textarea.addEventListener('input', () => {
    if (!writing && textarea.hidden) reload();
  });

  // Markdown and back: the textarea is the truth while it is shown.
  switcher.addEventListener('click', () => {
    const toMarkdownMode = !place.hidden;
    if (toMarkdownMode) {
      place.hidden = true;
      textarea.hidden = false;
      if (hint) hint.hidden = false;
      if (preview) delete preview.dataset.visual;
      switcher.textContent = 'Edit visually';
      textarea.focus();
    } else {
      reload();
      place.hidden = false;
      textarea.hidden = true;
      if (hint) hint.hidden = true;
      if (preview) preview.dataset.visual = 'true';
      switcher.textContent = 'Edit as Markdown';
      refresh();
      view.focus();
    }
  });
  return view;
}

// For the round-trip test, which runs the same reader and writer.
globalThis.DatelineMarkdown = { fromMarkdown, toMarkdown };

const textarea = typeof document !== 'undefined' && document.getElementById('article-body');
if (textarea && document.getElementById('article-form')) {
  mount(textarea);
}
