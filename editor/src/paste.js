// Cleans HTML pasted from Word, Google Docs, LibreOffice and web pages
// (ProseMirror's transformPastedHTML): headings, bold, italic, links, lists
// and tables stay; styles, classes, spans, comments and tracking go.
const KEEP = new Set(["DIV", "P", "H1", "H2", "H3", "H4", "H5", "H6", "UL", "OL", "LI", "BLOCKQUOTE", "PRE", "CODE", "A", "STRONG", "EM", "S", "BR", "HR", "TABLE", "THEAD", "TBODY", "TR", "TH", "TD"]);
const DROP = new Set(["STYLE", "SCRIPT", "META", "LINK", "TITLE", "XML", "IMG", "SVG", "OBJECT", "IFRAME", "NOSCRIPT", "TEMPLATE", "BUTTON", "INPUT", "SELECT", "TEXTAREA", "V:SHAPE", "V:IMAGEDATA", "O:WRAPBLOCK"]);
// The headline is the story's only first-level heading: pasted headings
// become the text's two levels.
const RENAME = { B: "STRONG", I: "EM", STRIKE: "S", DEL: "S", H1: "H2", H4: "H3", H5: "H3", H6: "H3" };   // DIV kept: ProseMirror treats it as a block boundary

// Only Word's HTML needs its own reading (its lists are paragraphs).
const fromWord = (html) =>
  /urn:schemas-microsoft-com:office:word|<meta[^>]+ProgId[^>]+Word\.Document|class="?Mso/i.test(html);

// Word: "@list l1:level1 {mso-level-number-format:bullet; mso-level-start-at:3}" -> { "l1:1": {ordered, start} }
function wordListDefs(doc) {
  const css = [...doc.querySelectorAll("style")].map(s => s.textContent).join("\n"), defs = {};
  for (const m of css.matchAll(/@list\s+(l\d+):level(\d+)\s*\{([^}]*)\}/g)) {
    const fmt = /mso-level-number-format:\s*([\w-]+)/.exec(m[3]), start = /mso-level-start-at:\s*(\d+)/.exec(m[3]);
    defs[m[1] + ":" + m[2]] = { ordered: !(fmt && /bullet|image/.test(fmt[1])), start: start ? +start[1] : 1 };   // no format = decimal
  }
  return defs;
}
const styleOf = el => (el.getAttribute && el.getAttribute("style")) || "";

// Word's "fake" lists: <p class=MsoListParagraphCxSp* style="mso-list:l0 level2 lfo1"> -> real nested <ul>/<ol>
function wordLists(doc, defs) {
  const isItem = el => el && el.nodeType == 1 && el.tagName == "P" && /mso-list:\s*l\d+\s+level\d+/i.test(styleOf(el));
  const next = n => { do n = n.nextSibling; while (n && (n.nodeType == 8 || (n.nodeType == 3 && !n.data.trim()))); return n; };
  for (let p of [...doc.querySelectorAll("p")]) {
    if (!isItem(p) || !p.isConnected) continue;
    const run = []; for (let n = p; isItem(n); n = next(n)) run.push(n);    // consecutive list paragraphs
    const stack = [];                                                        // [{level, list, lastLi}]
    const first = doc.createElement("div"); p.parentNode.insertBefore(first, p);
    for (const item of run) {
      const [, id, lvl] = /mso-list:\s*(l\d+)\s+level(\d+)/i.exec(styleOf(item)); const level = +lvl;
      const marker = item.querySelector("span[style*='mso-list:Ignore' i]");
      const def = defs[id + ":" + level] ?? { ordered: marker ? /^\s*[\w]{1,4}[.)]/.test(marker.textContent) : false, start: 1 };
      marker?.remove();
      while (stack.length && stack.at(-1).level > level) stack.pop();
      let top = stack.at(-1);
      if (!top || top.level < level || top.ordered != def.ordered) {
        if (top && top.level == level) stack.pop();
        const list = doc.createElement(def.ordered ? "ol" : "ul");
        if (def.ordered && def.start != 1) list.setAttribute("start", def.start);
        const parent = stack.at(-1)?.lastLi ?? first; parent.appendChild(list);
        top = { level, list, ordered: def.ordered, lastLi: null }; stack.push(top);
      }
      const li = doc.createElement("li"), para = doc.createElement("p");
      while (item.firstChild) para.appendChild(item.firstChild);
      li.appendChild(para); top.list.appendChild(li); top.lastLi = li; item.remove();
    }
    first.replaceWith(...first.childNodes);
  }
}

// style="font-weight:700|bold; font-style:italic; text-decoration:line-through" -> <strong>/<em>/<s>
function styleMarks(doc, el) {
  const st = styleOf(el).toLowerCase();
  const fw = /(?:^|;)\s*font-weight:\s*([\w]+)/.exec(st), fs = /(?:^|;)\s*font-style:\s*(\w+)/.exec(st);
  const td = /(?:^|;)\s*text-decoration(?:-line)?:\s*([^;]+)/.exec(st);
  const wraps = [];
  if (fw && /^(bold|bolder|[6-9]00)$/.test(fw[1]) && el.tagName != "STRONG" && el.tagName != "B") wraps.push("strong");
  if (fs && fs[1] == "italic" && el.tagName != "EM" && el.tagName != "I") wraps.push("em");
  if (td && /line-through/.test(td[1])) wraps.push("s");
  // <b style="font-weight:normal"> (Google Docs wrapper) and Word's <b style="mso-bidi-font-weight:normal"> differ:
  const notBold = fw && /^(normal|[1-5]00|lighter)$/.test(fw[1]);
  return { wraps, notBold };
}

export function cleanPastedHTML(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const body = doc.body;
  if (fromWord(html)) wordLists(doc, wordListDefs(doc));
  // comments (incl. Word's <![if !supportLists]> which parse as comments) and junk elements
  const walker = doc.createTreeWalker(body, 128 /* SHOW_COMMENT */); const comments = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  comments.forEach(c => c.remove());
  body.querySelectorAll("span[style*='mso-list:Ignore' i]").forEach(e => e.remove());
  // depth-first, children before parents so unwrapping is safe
  const all = [...body.querySelectorAll("*")].reverse();
  for (const el of all) {
    const tag = el.tagName.toUpperCase();
    if (DROP.has(tag)) { el.remove(); continue; }
    const { wraps, notBold } = styleMarks(doc, el);
    let target = el;
    if ((tag == "B" || tag == "STRONG") && notBold) target = unwrap(el);
    else if (RENAME[tag]) target = rename(doc, el, RENAME[tag]);
    if (target && target.nodeType == 1 && wraps.length) {
      let inner = doc.createElement(wraps[0]); let cur = inner;
      for (const w of wraps.slice(1)) cur = cur.appendChild(doc.createElement(w));
      while (target.firstChild) cur.appendChild(target.firstChild);
      target.appendChild(inner);
    }
    if (target && target.nodeType == 1) {
      const t = target.tagName.toUpperCase();
      if (!KEEP.has(t)) { unwrap(target); continue; }                 // span, font, o:p, u, sup, a-without-href…
      for (const a of [...target.attributes]) {
        const keep = (t == "A" && a.name == "href" && /^(https?:|mailto:|\/)/i.test(a.value)) || (t == "OL" && a.name == "start") || ((t == "OL" || t == "UL") && a.name == "data-tight");
        if (!keep) target.removeAttribute(a.name);
      }
      if (t == "A" && !target.hasAttribute("href")) unwrap(target);
    }
  }
  // headings: Word/LibreOffice headings carry bold; a heading is already strong
  body.querySelectorAll("h1 strong, h2 strong, h3 strong, h4 strong, h5 strong, h6 strong").forEach(unwrap);
  // tables: one line of inline content per cell; first row is the header (GFM needs one)
  body.querySelectorAll("td p, th p").forEach(p => { if (p.previousElementSibling) p.before(doc.createTextNode(" ")); unwrap(p); });
  body.querySelectorAll("td br, th br").forEach(br => br.replaceWith(doc.createTextNode(" ")));
  body.querySelectorAll("table").forEach(t => { const r = t.querySelector("tr"); r && [...r.children].forEach(c => c.tagName == "TD" && rename(doc, c, "TH")); });
  // Google Docs puts <br> between top-level blocks; Word/LO leave empty &nbsp; paragraphs
  body.querySelectorAll("br").forEach(br => { const p = br.parentElement; if (p == body || !p.closest("p,li,h1,h2,h3,h4,h5,h6,td,th")) br.remove(); });
  body.querySelectorAll("p,h1,h2,h3,h4,h5,h6,li").forEach(el => { if (!el.textContent.replace(/[\s\u00a0]/g, "")) el.remove(); });
  // trailing <br> inside a block (LibreOffice) and nbsp runs from Word's mso-spacerun
  body.querySelectorAll("p > br:last-child").forEach(br => { if (!br.nextSibling || !br.nextSibling.textContent.trim()) br.remove(); });
  const tw = doc.createTreeWalker(body, 4 /* SHOW_TEXT */); const texts = []; while (tw.nextNode()) texts.push(tw.currentNode);
  for (const t of texts) t.data = t.data.replace(/\u00a0/g, " ").replace(/[\u200b\ufeff]/g, "");
  // Word Online puts every list item in its own <div class=ListContainerWrapper><ul>: unwrap and join neighbours
  body.querySelectorAll("div").forEach(d => { if (d.children.length == 1 && /^(UL|OL)$/.test(d.firstElementChild.tagName) && !d.textContent.replace(d.firstElementChild.textContent, "").trim()) unwrap(d); });
  body.querySelectorAll("ul + ul, ol + ol").forEach(l => { const prev = l.previousElementSibling; if (prev && prev.tagName == l.tagName && (l.previousSibling == prev || !l.previousSibling.textContent.trim())) { while (l.firstChild) prev.appendChild(l.firstChild); l.remove(); } });
  // pasted lists of one-paragraph items are tight in Markdown (prosemirror-markdown's schema reads data-tight)
  body.querySelectorAll("ul, ol").forEach(l => { if ([...l.children].every(li => li.querySelectorAll(":scope > p").length <= 1)) l.setAttribute("data-tight", "true"); });
  return body.innerHTML;
}
function unwrap(el) { const p = el.parentNode; if (!p) return null; while (el.firstChild) p.insertBefore(el.firstChild, el); el.remove(); return null; }
function rename(doc, el, tag) { const n = doc.createElement(tag); for (const a of el.attributes) n.setAttribute(a.name, a.value); while (el.firstChild) n.appendChild(el.firstChild); el.replaceWith(n); return n; }
