// Shrink em/strong/strike off boundary punctuation that CommonMark's flanking rules would not accept
// (e.g. **Rs 420.**crore -> **Rs 420**.crore). Same idea as discourse/discourse#41597.
import { Transform } from "prosemirror-transform";
const PUNCT = /[\p{P}\p{S}]/u, SPACE = /\s/u;
export function fixFlanking(doc, markNames = ["strong", "em", "strike"]) {
  const tr = new Transform(doc);
  for (let pass = 0; pass < 8; pass++) {                        // each pass moves at most one char per boundary
    let changed = false;
    tr.doc.descendants((block, bpos) => {
      if (!block.isTextblock || block.type.spec.code) return;
      // flatten to chars: { ch, marks } ; non-text inline nodes count as whitespace (hard_break) or letters (image)
      const chars = [];
      block.forEach((n, off) => {
        if (n.isText) for (let i = 0; i < n.text.length; i++) chars.push({ ch: n.text[i], marks: n.marks, pos: bpos + 1 + off + i });
        else chars.push({ ch: n.type.name == "hard_break" ? "\n" : "x", marks: n.marks, pos: bpos + 1 + off });
      });
      const isP = c => c && (PUNCT.test(c.ch) || c.marks.some(m => m.type.name == "code" || m.type.name == "link"));
      const isWordOutside = c => c && !SPACE.test(c.ch) && !PUNCT.test(c.ch);
      for (const name of markNames) {
        const has = c => c && c.marks.some(m => m.type.name == name);
        for (let i = 0; i < chars.length; i++) {
          if (!has(chars[i])) continue;
          const start = i; while (i + 1 < chars.length && has(chars[i + 1])) i++; const end = i;
          const type = chars[start].marks.find(m => m.type.name == name).type;
          if (isP(chars[start]) && isWordOutside(chars[start - 1]) && PUNCT.test(chars[start].ch)) { tr.removeMark(chars[start].pos, chars[start].pos + 1, type); changed = true; }
          else if (isP(chars[end]) && isWordOutside(chars[end + 1]) && PUNCT.test(chars[end].ch)) { tr.removeMark(chars[end].pos, chars[end].pos + 1, type); changed = true; }
        }
      }
      return false;
    });
    if (!changed) break;
  }
  return tr.doc;
}
