// The linked-record picker: the editor of a link cell (in the grid and the expanded record). It
// shows the records linked now (each removable), searches the linked table by its primary field
// as the user types (through the API, 10 at a time), and adds the record picked with a click or
// Enter (the highlighted one, else the first); when no record has that name, Enter (or its
// button) creates one in the linked table and links it. Its value is the list of linked ids.
import { h, v0 } from '/util.js';

const PAGE = 10;

// `base`: { id, tables } (the page's schema); `names`: linked ids -> their primary text.
export function linkPicker(field, value, typed, { base, names }) {
  const linked = base.tables.find((t) => t.id === field.options?.linkedTableId);
  const primary = linked?.fields.find((f) => f.id === linked.primaryFieldId) || linked?.fields[0];
  const single = field.options?.prefersSingleRecordLink === true;
  let ids = Array.isArray(value) ? [...value] : [];
  let results = [];
  let highlighted = 0;
  let searching = Promise.resolve();
  let searchedFor = null;  // the text the results answer
  let seq = 0;

  const chips = h('div', { class: 'picker-chips' });
  const input = h('input', { type: 'text', placeholder: `Find a record in ${linked?.name ?? 'the linked table'}`, 'aria-label': 'Find a linked record', value: typed ?? '' });
  const list = h('div', { class: 'picker-results', role: 'listbox' });
  const el = h('div', { class: 'link-picker', tabindex: -1 }, chips, input, list);
  // A click on the picker's buttons keeps the focus in its input (they are drawn again at once,
  // and focus lost to nothing would close the editor).
  el.addEventListener('mousedown', (e) => { if (e.target.closest('button')) e.preventDefault(); });

  const drawChips = () => chips.replaceChildren(...ids.map((id) => h('span', { class: 'link-chip' }, names.get(id) || id,
    h('button', { type: 'button', class: 'chip-remove', title: 'Remove', 'aria-label': `Remove ${names.get(id) || id}`, onclick: () => { ids = ids.filter((x) => x !== id); drawChips(); input.focus(); } }, '×'))));
  const add = (id, name) => {
    names.set(id, name);
    if (!ids.includes(id)) ids = single ? [id] : [...ids, id];
    drawChips();
  };
  const create = async () => {
    const text = input.value.trim();
    const r = await v0('POST', `${base.id}/${linked.id}`, { fields: { [primary.name]: text }, typecast: true });
    add(r.id, text);
  };
  const drawResults = () => {
    const text = input.value.trim();
    const rows = results.map((r, i) => h('button', { type: 'button', role: 'option', class: `picker-result${i === highlighted ? ' highlighted' : ''}`, 'data-record-id': r.id,
      onclick: () => { add(r.id, r.name); input.value = ''; search(); input.focus(); } }, r.name || r.id));
    const exact = results.some((r) => r.name.toLowerCase() === text.toLowerCase());
    if (text && !exact) rows.push(h('button', { type: 'button', class: 'picker-create', onclick: async () => { await create(); input.value = ''; search(); input.focus(); } }, `+ Create “${text}” in ${linked.name}`));
    list.replaceChildren(...rows);
  };
  // Looks for the typed text in the linked table's primary field (case-insensitive).
  const search = () => {
    const mine = ++seq;
    const text = input.value.trim().toLowerCase();
    const q = new URLSearchParams({ pageSize: String(PAGE) });
    if (text) q.set('filterByFormula', `FIND(${JSON.stringify(text)}, LOWER({${primary.id}}&""))>0`);
    q.append('fields[]', primary.id);
    q.set('returnFieldsByFieldId', 'true');
    searching = v0('GET', `${base.id}/${linked.id}?${q}`).then((page) => {
      if (mine !== seq) return;
      searchedFor = text;
      results = page.records.filter((r) => !ids.includes(r.id)).map((r) => ({ id: r.id, name: String(r.fields[primary.id] ?? '') }));
      highlighted = 0;
      drawResults();
    });
    return searching;
  };
  let timer = 0;
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 120); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      highlighted = Math.max(0, Math.min(results.length - 1, highlighted + (e.key === 'ArrowDown' ? 1 : -1)));
      drawResults();
    }
  });
  drawChips();
  if (linked) search();

  // Enter: the highlighted result (once the search for what was typed has answered), else a new
  // record named as typed; nothing typed keeps the list as it is.
  const read = async () => {
    clearTimeout(timer);
    if (input.value.trim()) {
      if (searchedFor !== input.value.trim().toLowerCase()) await search();  // else keep the highlight
      if (results.length) add(results[highlighted].id, results[highlighted].name);
      else await create();
    }
    return ids;
  };
  return { el, read, focus: input };
}
