// Blocks in the text, read and written exactly as the server does
// (crates/dateline_core/src/blocks.rs): a directive is a top-level
// paragraph whose whole source is `::name{key=value …}`; values are bare
// ([A-Za-z0-9_.-]+) or quoted with `\"` and `\\` as the only escapes.
// "Key points" is a `::: keypoints` paragraph closed by a `:::` one.

const NAME = /^[a-z][a-z-]*$/;
const BARE = /^[A-Za-z0-9_.-]+$/;

// The parameters each block takes, in the order they are written; the
// quoted ones are free text (left out when empty).
export const BLOCKS = {
  figure: { bare: ['media', 'size'], quoted: ['alt', 'caption', 'credit'] },
  embed: { bare: [], quoted: ['url'] },
  pullquote: { bare: [], quoted: ['text', 'by'] },
  also: { bare: ['article'], quoted: ['title'] },
};

// `{name, params}` for a line of the grammar, else null (then it is text).
export function readDirective(source) {
  const line = source.replace(/[ \t\r\n]+$/, '');
  if (line.includes('\n') || !line.startsWith('::') || line.startsWith(':::')) return null;
  const open = line.indexOf('{');
  if (open < 0 || !line.endsWith('}')) return null;
  const name = line.slice(2, open);
  if (!NAME.test(name)) return null;
  const params = readParams(line.slice(open + 1, -1));
  return params && { name, params };
}

function readParams(text) {
  const params = [];
  let rest = text;
  for (;;) {
    rest = rest.replace(/^ +/, '');
    if (!rest) return params;
    const eq = rest.indexOf('=');
    if (eq < 0) return null;
    const key = rest.slice(0, eq);
    if (!NAME.test(key)) return null;
    rest = rest.slice(eq + 1);
    let value = '';
    if (rest.startsWith('"')) {
      let i = 1;
      for (;;) {
        if (i >= rest.length) return null;
        const c = rest[i];
        if (c === '"') break;
        if (c === '\\') {
          const next = rest[i + 1];
          if (next !== '"' && next !== '\\') return null;
          value += next;
          i += 2;
        } else {
          value += c;
          i += 1;
        }
      }
      rest = rest.slice(i + 1);
      if (rest && !rest.startsWith(' ')) return null;
    } else {
      const end = rest.indexOf(' ') < 0 ? rest.length : rest.indexOf(' ');
      value = rest.slice(0, end);
      if (!BARE.test(value)) return null;
      rest = rest.slice(end);
    }
    params.push([key, value]);
  }
}

// The canonical line for a block (the server's Block::to_directive).
export function writeDirective(name, params) {
  const spec = BLOCKS[name];
  const get = (key) => (params.find(([k]) => k === key) || [])[1] || '';
  const parts = [];
  for (const key of spec.bare) {
    const value = get(key);
    if (value) parts.push(`${key}=${value}`);
  }
  for (const key of spec.quoted) {
    const value = get(key).replace(/[\n\r\t]/g, ' ');
    if (value) parts.push(`${key}="${value.replace(/["\\]/g, (c) => `\\${c}`)}"`);
  }
  return `::${name}{${parts.join(' ')}}`;
}

// markdown-it core rule: top-level paragraphs that are directives become
// `dl_directive` tokens; a `::: keypoints` paragraph followed (before the
// next open) by a `:::` one becomes `dl_keypoints_open`/`_close`. Every
// other paragraph stays as it is, as on the server.
export function directivesPlugin(md) {
  md.core.ruler.push('dl_directives', (state) => {
    const tokens = state.tokens;
    const lines = state.src.split('\n');
    const paragraph = (i) =>
      tokens[i].type === 'paragraph_open' && tokens[i].level === 0 && tokens[i + 1]?.type === 'inline'
        ? sourceOf(lines, tokens[i])
        : null;
    let open = -1;
    const pairs = [];
    for (let i = 0; i < tokens.length; i++) {
      const source = paragraph(i);
      if (source === null) continue;
      const line = source.replace(/[ \t\r\n]+$/, '');
      if (/^:::[ \t]*keypoints[ \t]*$/.test(line)) open = i;
      else if (/^:::[ \t]*$/.test(line) && open >= 0) {
        pairs.push([open, i]);
        open = -1;
      } else if (/^:::/.test(line)) open = -1;
    }
    const keypoints = new Map(pairs.flatMap(([a, b]) => [[a, 'open'], [b, 'close']]));
    const out = [];
    for (let i = 0; i < tokens.length; i++) {
      const source = paragraph(i);
      const role = keypoints.get(i);
      if (role) {
        const token = new state.Token(`dl_keypoints_${role}`, 'aside', role === 'open' ? 1 : -1);
        token.block = true;
        out.push(token);
        i += 2;
        continue;
      }
      const directive = source !== null && readDirective(source);
      if (directive && BLOCKS[directive.name]) {
        const token = new state.Token('dl_directive', 'div', 0);
        token.block = true;
        token.meta = { name: directive.name, params: directive.params, source: source.replace(/[ \t\r\n]+$/, '') };
        out.push(token);
        i += 2;
        continue;
      }
      out.push(tokens[i]);
    }
    state.tokens = out;
  });
}

// The paragraph's own lines of source.
function sourceOf(lines, token) {
  return lines.slice(token.map[0], token.map[1]).map((l) => l.replace(/^[ \t]+/, '')).join('\n');
}
