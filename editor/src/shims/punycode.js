// markdown-it uses punycode only to pretty-print IDN hostnames in link text/normalisation; identity is fine for storage.
const id = s => s; export default { toASCII: id, toUnicode: id }; export const toASCII = id, toUnicode = id;
