// The stored text is Markdown (CommonMark, GFM tables and strikethrough,
// and the blocks of directives.js). This module reads it into the
// editor's document and writes it back in one canonical form, so that a
// story opened and saved unchanged keeps its text byte for byte: whatever
// toMarkdown(fromMarkdown(x)) writes is the canonical form of x.
import { Schema } from 'prosemirror-model';
import {
  schema as base,
  MarkdownParser,
  MarkdownSerializer,
  defaultMarkdownSerializer as defaults,
} from 'prosemirror-markdown';
import { tableNodes } from 'prosemirror-tables';
import { Transform } from 'prosemirror-transform';
import MarkdownIt from 'markdown-it';
import { fixFlanking } from './flanking.js';
import { directivesPlugin, writeDirective } from './directives.js';

export const schema = new Schema({
  nodes: base.spec.nodes
    // Blocks only at the top level, as the server reads them.
    .update('doc', { content: '(block | directive | key_points)+' })
    .append(
      tableNodes({
        tableGroup: 'block',
        cellContent: 'text*',
        cellAttributes: {
          align: {
            default: null,
            getFromDOM: (dom) => dom.style.textAlign || null,
            setDOMAttr: (value, attrs) => {
              if (value) attrs.style = `${attrs.style || ''}text-align:${value};`;
            },
          },
        },
      }),
    )
    .addToEnd('directive', {
      atom: true,
      selectable: true,
      draggable: true,
      // `source`: the line as read, written back unchanged until edited.
      attrs: { name: {}, params: { default: [] }, source: { default: null } },
      parseDOM: [
        {
          tag: 'div[data-directive]',
          getAttrs: (dom) => ({
            name: dom.dataset.directive,
            params: JSON.parse(dom.dataset.params || '[]'),
            source: null,
          }),
        },
      ],
      toDOM: (node) => [
        'div',
        {
          'data-directive': node.attrs.name,
          'data-params': JSON.stringify(node.attrs.params),
          class: 'block-directive',
        },
      ],
    })
    .addToEnd('key_points', {
      content: '(paragraph | bullet_list | ordered_list)+',
      defining: true,
      parseDOM: [{ tag: 'aside.key-points' }],
      toDOM: () => ['aside', { class: 'key-points' }, 0],
    }),
  marks: base.spec.marks.addToEnd('strike', {
    parseDOM: [
      { tag: 's' },
      { tag: 'del' },
      { tag: 'strike' },
      { style: 'text-decoration=line-through' },
      { style: 'text-decoration-line=line-through' },
    ],
    toDOM: () => ['s', 0],
  }),
});

const markdownIt = MarkdownIt('commonmark', { html: false })
  .enable(['table', 'strikethrough'])
  .use(directivesPlugin);

const isTight = (tokens, i) => {
  while (++i < tokens.length) if (tokens[i].type !== 'list_item_open') return tokens[i].hidden;
  return false;
};
const alignOf = (token) => (/text-align:(\w+)/.exec(token.attrGet('style') || '') || [])[1] || null;

const parser = new MarkdownParser(schema, markdownIt, {
  blockquote: { block: 'blockquote' },
  paragraph: { block: 'paragraph' },
  list_item: { block: 'list_item' },
  bullet_list: { block: 'bullet_list', getAttrs: (_, tokens, i) => ({ tight: isTight(tokens, i) }) },
  ordered_list: {
    block: 'ordered_list',
    getAttrs: (token, tokens, i) => ({ order: +token.attrGet('start') || 1, tight: isTight(tokens, i) }),
  },
  heading: { block: 'heading', getAttrs: (token) => ({ level: +token.tag.slice(1) }) },
  code_block: { block: 'code_block', noCloseToken: true },
  fence: { block: 'code_block', getAttrs: (token) => ({ params: token.info || '' }), noCloseToken: true },
  hr: { node: 'horizontal_rule' },
  image: {
    node: 'image',
    getAttrs: (token) => ({
      src: token.attrGet('src'),
      title: token.attrGet('title') || null,
      alt: (token.children[0] && token.children[0].content) || null,
    }),
  },
  hardbreak: { node: 'hard_break' },
  em: { mark: 'em' },
  strong: { mark: 'strong' },
  s: { mark: 'strike' },
  link: { mark: 'link', getAttrs: (token) => ({ href: token.attrGet('href'), title: token.attrGet('title') || null }) },
  code_inline: { mark: 'code', noCloseToken: true },
  table: { block: 'table' },
  thead: { ignore: true },
  tbody: { ignore: true },
  tr: { block: 'table_row' },
  th: { block: 'table_header', getAttrs: (token) => ({ align: alignOf(token) }) },
  td: { block: 'table_cell', getAttrs: (token) => ({ align: alignOf(token) }) },
  dl_directive: { node: 'directive', getAttrs: (token) => token.meta },
  dl_keypoints: { block: 'key_points' },
});

// CommonMark keeps a list tight only if each item is one paragraph,
// optionally followed by lists.
function effectiveTight(list) {
  if (!list.attrs.tight) return list;
  let tight = true;
  list.forEach((item) =>
    item.forEach((child, _, i) => {
      if (i === 0 ? child.type.name !== 'paragraph' : !/_list$/.test(child.type.name)) tight = false;
    }),
  );
  return tight ? list : list.type.create({ ...list.attrs, tight: false }, list.content, list.marks);
}

// Two lists of one kind side by side merge in CommonMark: every second one
// takes the other marker.
const alternate = (node, parent, index) => {
  let n = 0;
  while (index - n - 1 >= 0 && parent.child(index - n - 1).type === node.type) n++;
  return n % 2 === 1;
};

const withPipe = (re) => new RegExp(`${re ? `${re.source}|` : ''}\\|`, 'g');

const nodes = {
  ...defaults.nodes,
  bullet_list(state, node, parent, index) {
    const marker = alternate(node, parent, index) ? '* ' : '- ';
    state.renderList(effectiveTight(node), '  ', () => marker);
  },
  ordered_list(state, node, parent, index) {
    const list = effectiveTight(node);
    const start = list.attrs.order ?? 1;
    const width = String(start + list.childCount - 1).length;
    const delimiter = alternate(node, parent, index) ? ') ' : '. ';
    state.renderList(list, ' '.repeat(width + 2), (i) => String(start + i) + delimiter);
  },
  table(state, node) {
    const rows = [];
    node.forEach((row) => {
      const cells = [];
      row.forEach((cell) => cells.push(cell));
      rows.push(cells);
    });
    const cellSerializer = new MarkdownSerializer(nodes, marks, {
      ...state.options,
      escapeExtraCharacters: withPipe(state.options.escapeExtraCharacters),
    });
    const cell = (c) => cellSerializer.serialize(schema.node('paragraph', null, c.content));
    const line = (cells) => `| ${cells.join(' | ')} |`;
    const rule = (c) => ({ left: ':---', right: '---:', center: ':---:' })[c.attrs.align] || '---';
    const out = [line(rows[0].map(cell)), line(rows[0].map(rule))];
    for (const row of rows.slice(1)) out.push(line(row.map(cell)));
    // text() puts a container's prefix (a list's indent) on every line.
    state.text(out.join('\n'), false);
    state.closeBlock(node);
  },
  text(state, node, parent, index) {
    if (state.inAutolink) {
      state.text(node.text, false);
      return;
    }
    // After a hard break a line starts too.
    const atStart = state.atBlockStart || (index > 0 && parent.child(index - 1).type.name === 'hard_break');
    let text = state.esc(node.text, atStart);
    if (atStart) {
      text = text
        // "1)" or a lone "1." starts a list.
        .replace(/^(\d{1,9})([.)])(?=[ \t]|$)/, '$1\\$2')
        // "::" a block, a lone "+" a list, "===" a heading underline.
        .replace(/^([:+=])(?=(?:[:]|[ \t]*$|=*[ \t]*$))/, '\\$1');
    }
    if (parent.type.name === 'heading' && index === parent.childCount - 1) {
      // A heading's closing "#" run would be dropped.
      text = text.replace(/(^|[ \t])#(?=#*[ \t]*$)/, '$1\\#');
    }
    state.text(text, false);
  },
  directive(state, node) {
    state.write(node.attrs.source || writeDirective(node.attrs.name, node.attrs.params));
    state.closeBlock(node);
  },
  key_points(state, node) {
    state.write('::: keypoints');
    state.closeBlock(node);
    state.renderContent(node);
    state.write(':::');
    state.closeBlock(node);
  },
};

const marks = {
  ...defaults.marks,
  strike: { open: '~~', close: '~~', mixable: true, expelEnclosingWhitespace: true },
};

// `<tag` and `&entity;` would be markup to the server's parser.
const ESCAPE_EXTRA = /<(?=[A-Za-z/!?])|&(?=#?[A-Za-z0-9]+;)/g;

const serializer = new MarkdownSerializer(nodes, marks, { escapeExtraCharacters: ESCAPE_EXTRA, strict: true });

// Markdown cannot keep spaces at a paragraph's edges (four would make code).
function trimTextblocks(doc) {
  const cuts = [];
  doc.descendants((node, pos) => {
    if (!node.isTextblock || node.type.spec.code || !node.childCount) return true;
    const first = node.firstChild;
    const last = node.lastChild;
    const end = pos + 1 + node.content.size;
    if (last.isText) {
      const k = last.text.length - last.text.trimEnd().length;
      if (k) cuts.push([end - k, end]);
    }
    if (first.isText) {
      const k = first.text.length - first.text.trimStart().length;
      if (k && !(first === last && k === first.text.length)) cuts.push([pos + 1, pos + 1 + k]);
    }
    return false;
  });
  const tr = new Transform(doc);
  for (const [from, to] of cuts.sort((a, b) => b[0] - a[0])) tr.delete(from, to);
  return tr.doc;
}

export const fromMarkdown = (text) => parser.parse(text);

// `newline`: end with a line break (as the text read did, if it did).
export function toMarkdown(doc, { newline = false } = {}) {
  const text = serializer.serialize(fixFlanking(trimTextblocks(doc)));
  return text && newline ? `${text}\n` : text;
}
