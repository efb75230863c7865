// CSV (RFC 4180) for the grid's import and export, and tab-separated text for its copy and
// paste (what Airtable and spreadsheets put on the clipboard): quoted fields, doubled quotes,
// line breaks inside quotes, CRLF or LF rows, an optional UTF-8 byte-order mark.
export const parseCsv = (text) => parseDelimited(text, ',');
export const parseTsv = (text) => (text === '' ? [['']] : parseDelimited(text.replace(/\r?\n$/, '') + '\n', '\t', false));

function parseDelimited(text, sep, dropBlank = true) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === sep) {
      row.push(field); field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      rows.push(row); row = [];
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return dropBlank ? rows.filter((r) => r.length > 1 || r[0] !== '') : rows;
}

const quote = (s, sep) => (s.includes(sep) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
export function toCsv(rows) {
  return rows.map((r) => r.map((v) => quote(String(v ?? ''), ',')).join(',')).join('\r\n') + '\r\n';
}
export function toTsv(rows) {
  return rows.map((r) => r.map((v) => quote(String(v ?? ''), '\t')).join('\t')).join('\n');
}
