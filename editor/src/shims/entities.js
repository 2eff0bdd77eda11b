// Browser-only replacement for `entities` (markdown-it uses decodeHTML / decodeHTMLStrict only).
// Decodes with the browser's own HTML parser; saves ~75 KB minified.
let ta;
function decode(s) { ta ??= document.createElement("textarea"); ta.innerHTML = s; return ta.value; }
export const decodeHTML = s => (s.indexOf("&") < 0 ? s : decode(s));
export const decodeHTMLStrict = s => (/^&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);$/i.test(s) ? decode(s) : s);
