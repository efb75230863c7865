// The base page: tables as tabs, the view bar (views, sort, filter, hidden fields), and a grid
// that stays fast on 100,000 records: it loads the view's record ids once (in view order, after
// the view's filter), then only the records the scroll position shows, 100 at a time, and keeps
// just the visible rows in the DOM. The address carries the base, table and view ids, as on
// Airtable. Records change through the public API (/api/v0); views through /api/web.
import { h, api, v0, go, state } from '/util.js';
import { parseCsv, toCsv } from '/csv.js';

const ROW_H = 34;     // px: the height of a grid row (.grid td in style.css)
const BLOCK = 100;    // records fetched per request while scrolling
const OVERSCAN = 12;  // rows rendered above and below the visible ones

const READ_ONLY = new Set(['formula', 'autoNumber', 'createdTime', 'lastModifiedTime', 'count', 'multipleLookupValues', 'rollup']);
const FIELD_TYPES = ['singleLineText', 'multilineText', 'richText', 'number', 'currency', 'percent', 'duration', 'rating',
  'checkbox', 'singleSelect', 'multipleSelects', 'date', 'dateTime', 'email', 'url', 'phoneNumber'];

// Seconds as a duration field shows them: h:mm, h:mm:ss, h:mm:ss.S(SS).
export function formatDuration(seconds, format = 'h:mm') {
  const neg = seconds < 0;
  const s = Math.abs(seconds);
  const decimals = format.includes('.') ? format.length - format.indexOf('.') - 1 : 0;
  const two = (n) => String(n).padStart(2, '0');
  if (!format.includes(':ss')) {
    const minutes = Math.round(s / 60);
    return `${neg ? '-' : ''}${Math.floor(minutes / 60)}:${two(minutes % 60)}`;
  }
  const scale = 10 ** decimals;
  const units = Math.round(s * scale);
  const whole = Math.floor(units / scale);
  const frac = decimals ? `.${String(units % scale).padStart(decimals, '0')}` : '';
  return `${neg ? '-' : ''}${Math.floor(whole / 3600)}:${two(Math.floor(whole / 60) % 60)}:${two(whole % 60)}${frac}`;
}
const OPERATOR_LABELS = {
  contains: 'contains', doesNotContain: 'does not contain', '=': 'is', '!=': 'is not', '<': '<', '>': '>',
  '<=': '≤', '>=': '≥', isEmpty: 'is empty', isNotEmpty: 'is not empty', isAnyOf: 'is any of',
  isNoneOf: 'is none of', hasAnyOf: 'has any of', hasAllOf: 'has all of',
};
const DATE_LABELS = { '=': 'is', '!=': 'is not', '<': 'is before', '>': 'is after', '<=': 'is on or before', '>=': 'is on or after' };
const isDateType = (t) => ['date', 'dateTime', 'createdTime', 'lastModifiedTime'].includes(t);
const opLabel = (f, op) => (isDateType(f.type) && DATE_LABELS[op]) || OPERATOR_LABELS[op] || op;

// Primary-field text of linked records, as the server reported it with the records.
const linkNames = new Map();

export function cellText(field, value) {
  if (value === undefined || value === null) return '';
  if (field.type === 'multipleRecordLinks' && Array.isArray(value)) return value.map((id) => linkNames.get(id) || id).join(', ');
  if (typeof value === 'object' && !Array.isArray(value)) return value.error || value.specialValue || JSON.stringify(value);
  const o = field.options || {};
  switch (field.type) {
    case 'checkbox': return value ? '✔' : '';
    case 'percent': return `${Number((value * 100).toFixed(o.precision ?? 0))}%`;
    case 'currency': return `${o.symbol ?? '$'}${Number(value).toFixed(o.precision ?? 2)}`;
    case 'rating': return '★'.repeat(value);
    case 'duration': return formatDuration(value, o.durationFormat);
    case 'dateTime': case 'createdTime': case 'lastModifiedTime': return new Date(value).toLocaleString();
    default: break;
  }
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

const pad = (n) => String(n).padStart(2, '0');
const localDateTime = (iso) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const choiceNames = (f) => (f.options?.choices || []).map((c) => c.name);
const options = (values, selected, labels = {}) => values.map((v) => h('option', { value: v, selected: Array.isArray(selected) ? selected.includes(v) : v === selected }, labels[v] ?? v));

// An input suited to the field's type, and how to read the cell value back from it.
function editorFor(field, value) {
  const numberOf = (s) => (s === '' ? null : Number(s));
  switch (field.type) {
    case 'multilineText': case 'richText': {
      const el = h('textarea', { rows: 3 }, value ?? '');
      return { el, read: () => el.value || null };
    }
    case 'number': case 'currency': {
      const el = h('input', { type: 'number', step: 'any', value: value ?? '' });
      return { el, read: () => numberOf(el.value) };
    }
    case 'percent': {
      const el = h('input', { type: 'number', step: 'any', value: value == null ? '' : Number((value * 100).toFixed(8)) });
      return { el, read: () => (el.value === '' ? null : Number(el.value) / 100) };
    }
    case 'duration': {
      // Typed as h:mm (or plain seconds); the server reads the text with typecast.
      const el = h('input', { type: 'text', value: value == null ? '' : formatDuration(value, field.options?.durationFormat), placeholder: field.options?.durationFormat || 'h:mm' });
      return { el, read: () => (el.value === '' ? null : /^-?\d+(\.\d+)?$/.test(el.value) ? Number(el.value) : el.value) };
    }
    case 'rating': {
      const max = field.options?.max ?? 5;
      const el = h('select', {}, options(Array.from({ length: max + 1 }, (_, i) => String(i)), String(value ?? 0), { 0: '—' }));
      return { el, read: () => (el.value === '0' ? null : Number(el.value)), commitOnChange: true };
    }
    case 'singleSelect': {
      const el = h('select', {}, options(['', ...choiceNames(field)], value ?? '', { '': '—' }));
      return { el, read: () => el.value || null, commitOnChange: true };
    }
    case 'multipleSelects': {
      const names = choiceNames(field);
      const el = h('select', { multiple: true, size: Math.min(6, Math.max(2, names.length)) }, options(names, value || []));
      return { el, read: () => [...el.selectedOptions].map((o) => o.value) };
    }
    case 'date': {
      const el = h('input', { type: 'date', value: value ?? '' });
      return { el, read: () => el.value || null };
    }
    case 'dateTime': {
      const el = h('input', { type: 'datetime-local', value: value ? localDateTime(value) : '' });
      return { el, read: () => (el.value ? new Date(el.value).toISOString() : null) };
    }
    default: {
      const type = { email: 'email', url: 'url', phoneNumber: 'tel' }[field.type] || 'text';
      const el = h('input', { type, value: value ?? '' });
      return { el, read: () => el.value || null };
    }
  }
}

// Field types whose editor, when opened by typing, is a text input holding what was typed.
const TYPED_AS_TEXT = new Set(['number', 'currency', 'percent', 'date', 'dateTime']);
function typedEditor(field) {
  const el = h('input', { type: 'text', placeholder: field.type.startsWith('date') ? 'YYYY-MM-DD' : '' });
  const read = () => {
    const t = el.value.trim();
    if (t === '') return null;
    if (field.type === 'percent') { const n = Number(t.replace(/%$/, '')); return Number.isFinite(n) ? n / 100 : t; }
    if (field.type === 'number' || field.type === 'currency') { const n = Number(t.replace(/,/g, '')); return Number.isFinite(n) ? n : t; }
    return t;  // dates: read by the server with typecast
  };
  return { el, read };
}

// The value editor of one filter condition: depends on the field's type and the operator.
function conditionValueInput(field, op, value) {
  if (op === 'isEmpty' || op === 'isNotEmpty') return { el: h('span'), read: () => null };
  const many = ['isAnyOf', 'isNoneOf', 'hasAnyOf', 'hasAllOf'].includes(op);
  if (field.type === 'checkbox') {
    const el = h('select', { 'data-role': 'value', 'aria-label': 'Value' }, options(['true', 'false'], String(value ?? true), { true: 'checked', false: 'unchecked' }));
    return { el, read: () => el.value === 'true' };
  }
  if (field.type === 'singleSelect' || field.type === 'multipleSelects') {
    const names = choiceNames(field);
    const el = many ? h('select', { multiple: true, 'data-role': 'value', 'aria-label': 'Value' }, options(names, value || []))
      : h('select', { 'data-role': 'value', 'aria-label': 'Value' }, options(['', ...names], value ?? ''));
    return { el, read: () => (many ? [...el.selectedOptions].map((o) => o.value) : el.value) };
  }
  const type = isDateType(field.type) ? 'date' : ['number', 'currency', 'percent', 'rating', 'autoNumber', 'duration'].includes(field.type) ? 'number' : 'text';
  const el = h('input', { type, step: type === 'number' ? 'any' : undefined, 'data-role': 'value', 'aria-label': 'Value', value: value ?? '' });
  return { el, read: () => (type === 'number' && el.value !== '' ? Number(el.value) : el.value) };
}

export async function renderBase(app, baseId, tableId, viewId) {
  const schema = await api('GET', `bases/${baseId}/schema`);
  const table = schema.tables.find((t) => t.id === tableId) || schema.tables[0];
  const view = table.views.find((v) => v.id === viewId) || table.views[0];
  const want = `/${baseId}/${table.id}/${view.id}`;
  if (location.pathname !== want) history.replaceState({}, '', want);
  const canEdit = schema.permissionLevel === 'edit' || schema.permissionLevel === 'create';
  const canSchema = schema.permissionLevel === 'create';
  const fieldById = new Map(table.fields.map((f) => [f.id, f]));
  const shown = table.fields.filter((f) => !view.hiddenFieldIds.includes(f.id));
  const rerender = () => renderBase(app, baseId, table.id, view.id);
  const error = h('p', { class: 'error', role: 'alert' });
  const guard = (fn) => async (...args) => {
    error.textContent = '';
    try { return await fn(...args); } catch (e) { error.textContent = e.message; }
  };
  // Asks for a name (the browser's prompt) and runs `then` with it, showing errors on the page.
  const dialogName = async (question, current, then) => {
    const name = prompt(question, current);
    if (name) await guard(then)(name);
  };
  const saveView = (body) => api('PATCH', `web/${baseId}/${table.id}/views/${view.id}`, body);

  // ---- the grid ----
  let ids = [];
  const cache = new Map();  // record id -> record
  const blocks = new Map(); // block number -> 'loading' | 'done'
  let editing = false;
  const body = h('tbody', {});
  const scroller = h('div', { class: 'grid-scroll', id: 'grid-scroll' });
  const count = h('span', { class: 'muted', id: 'record-count' });

  const header = h('tr', {}, h('th', { class: 'rownum' }, ''), shown.map((f) => {
    const sort = view.sorts.find((s) => s.fieldId === f.id);
    return h('th', { 'data-field': f.name, title: f.description || f.type },
      h('span', { class: 'sortable', onclick: guard(async () => {
        if (!canEdit) return;
        const direction = sort && sort.direction === 'asc' ? 'desc' : 'asc';
        await saveView({ sorts: [{ fieldId: f.id, direction }] });
        await rerender();
      }) }, f.name, sort ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''),
      canSchema ? h('button', { type: 'button', class: 'field-menu', title: `Edit field ${f.name}`, 'aria-label': `Edit field ${f.name}`, onclick: () => openPanel(fieldPanel(f)) }, '▾') : '');
  }), h('th', { class: 'actions' }, ''));
  scroller.append(h('table', { id: 'grid', class: 'grid' }, h('thead', {}, header), body));

  const spacer = (px) => (px > 0 ? [h('tr', { class: 'spacer' }, h('td', { colspan: shown.length + 2, style: `height:${px}px` }))] : []);

  // Writes one cell through the public API and repaints with the answer.
  const saveCell = guard(async (id, f, value) => {
    const r = await v0('PATCH', `${baseId}/${table.id}/${id}`, { fields: { [f.name]: value }, typecast: true });
    cache.set(id, r);
    if (f.type === 'multipleRecordLinks') {  // learn the linked records' names
      const page = await api('GET', `web/${baseId}/${table.id}/records?ids[]=${id}`);
      for (const [rid, name] of Object.entries(page.linkNames || {})) linkNames.set(rid, name);
    }
  });

  // `typed`: the key that opened the editor (typing over a cell replaces its text, as in a
  // sheet). Numbers and dates opened by typing get a text input, so that the first key is kept
  // (a number input cannot hold "-" alone, a date picker no digit); the server reads the text
  // with typecast.
  function startEdit(td, f, rec, typed) {
    if (editing) return;
    editing = true;
    const ed = typed !== undefined && TYPED_AS_TEXT.has(f.type) ? typedEditor(f) : editorFor(f, rec.fields[f.name]);
    if (typed !== undefined && (ed.el.tagName === 'TEXTAREA' || ed.el.type === 'text' || ed.el.type === 'email' || ed.el.type === 'url' || ed.el.type === 'tel')) ed.el.value = typed;
    let done = false;
    // Leaves the editor at once (so the next keys reach the grid) and saves in the background;
    // `move` then moves the active cell (Tab: [0, ±1]).
    const finish = (save, move) => {
      if (done) return;
      done = true;
      const value = save ? ed.read() : undefined;
      editing = false;
      scroller.focus({ preventScroll: true });
      if (move && active) setActive(active.row + move[0], active.col + move[1]);
      else paint();
      if (save) saveCell(rec.id, f, value).then(paint);
    };
    // A select changed by the keyboard (arrows, type-ahead) only moves its choice; Enter or Tab
    // commits it. A choice picked with the mouse commits at once.
    let keyed = false;
    ed.el.addEventListener('keydown', (e) => {
      e.stopPropagation();  // the grid's own keys do not apply inside an editor
      if (e.key === 'Escape') finish(false);
      else if (e.key === 'Enter' && (ed.el.tagName !== 'TEXTAREA' || e.ctrlKey || e.metaKey)) { e.preventDefault(); finish(true); }
      else if (e.key === 'Tab') { e.preventDefault(); finish(true, [0, e.shiftKey ? -1 : 1]); }
      else keyed = true;
    });
    if (ed.commitOnChange) {
      ed.el.addEventListener('change', () => {
        if (keyed) { keyed = false; return; }
        finish(true);
      });
    }
    ed.el.addEventListener('blur', () => finish(true));
    td.classList.add('editing');
    td.replaceChildren(ed.el);
    ed.el.focus();
    if (typed !== undefined && ed.el.type === 'text') ed.el.setSelectionRange(ed.el.value.length, ed.el.value.length);
  }

  // The active cell, moved by clicks and the arrow keys, edited with Enter or by typing.
  let active = null;  // { row, col } as indexes into ids and shown
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
  function setActive(rowIndex, col) {
    if (!ids.length) return;
    active = { row: clamp(rowIndex, 0, ids.length - 1), col: clamp(col, 0, shown.length - 1) };
    const top = active.row * ROW_H;
    const visible = scroller.clientHeight - ROW_H;  // below the sticky header
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + ROW_H > scroller.scrollTop + visible) scroller.scrollTop = top + ROW_H - visible;
    paint();
  }
  const activeTd = () => body.querySelector(`tr[data-row="${active.row + 1}"] td[data-field="${CSS.escape(shown[active.col].name)}"]`);
  scroller.tabIndex = 0;
  scroller.addEventListener('keydown', (e) => {
    if (editing || !active) return;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[e.key] || e.key === 'Tab') {
      const [dr, dc] = moves[e.key] || [0, e.shiftKey ? -1 : 1];
      e.preventDefault();
      setActive(active.row + dr, active.col + dc);
      return;
    }
    const f = shown[active.col];
    const id = ids[active.row];
    const rec = cache.get(id);
    const td = activeTd();
    if (!td || !rec || !canEdit || READ_ONLY.has(f.type)) return;
    if (e.key === 'Enter' || e.key === 'F2' || (f.type === 'checkbox' && e.key === ' ')) {
      e.preventDefault();
      if (f.type === 'checkbox') saveCell(id, f, !rec.fields[f.name]).then(paint);
      else startEdit(td, f, rec);
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      saveCell(id, f, f.type === 'checkbox' ? false : null).then(paint);
    } else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey && f.type !== 'checkbox') {
      e.preventDefault();
      startEdit(td, f, rec, e.key);
    }
  });

  function row(id, index) {
    const rec = cache.get(id);
    const tr = h('tr', { 'data-row': index + 1, ...(rec ? { 'data-record-id': id } : { class: 'loading' }) },
      h('td', { class: 'rownum' }, index + 1));
    shown.forEach((f, col) => {
      const editable = canEdit && rec && !READ_ONLY.has(f.type);
      const isActive = active && active.row === index && active.col === col;
      const td = h('td', { 'data-field': f.name, class: [editable ? 'editable' : '', isActive ? 'active' : ''].join(' ').trim() }, rec ? cellText(f, rec.fields[f.name]) : '');
      td.addEventListener('mousedown', () => { active = { row: index, col }; body.querySelector('td.active')?.classList.remove('active'); td.classList.add('active'); });
      if (editable && f.type === 'checkbox') {
        td.addEventListener('click', () => saveCell(id, f, !rec.fields[f.name]).then(paint));
      } else if (editable) {
        td.addEventListener('dblclick', () => startEdit(td, f, rec));
      }
      tr.append(td);
    });
    tr.append(h('td', { class: 'actions' }, rec ? h('button', { type: 'button', class: 'secondary small expand', title: 'Expand record and comments', 'aria-label': 'Expand record', onclick: () => openPanel(recordPanel(id)) }, '⤢') : '',
      canEdit && rec ? h('button', { type: 'button', class: 'danger small', title: 'Delete record', onclick: guard(async () => {
      if (!confirm('Delete this record?')) return;
      await v0('DELETE', `${baseId}/${table.id}/${id}`);
      ids.splice(ids.indexOf(id), 1);
      cache.delete(id);
      blocks.clear();  // positions moved: blocks are re-derived from the cache
      setCount();
      paint();
    }) }, '×') : ''));
    return tr;
  }

  function loadBlock(b) {
    const want = ids.slice(b * BLOCK, (b + 1) * BLOCK).filter((id) => !cache.has(id));
    if (!want.length) { blocks.set(b, 'done'); return; }
    blocks.set(b, 'loading');
    const q = want.map((id) => `ids[]=${id}`).join('&');
    api('GET', `web/${baseId}/${table.id}/records?${q}`).then((page) => {
      for (const r of page.records) cache.set(r.id, r);
      for (const [id, name] of Object.entries(page.linkNames || {})) linkNames.set(id, name);
      blocks.set(b, 'done');
      paint();
    }, (e) => { blocks.delete(b); error.textContent = e.message; });
  }

  // Renders the rows in sight. `onlyIfMoved`: skip when the same rows are already there (a
  // horizontal scroll must not replace the row under the pointer between mousedown and mouseup).
  let paintedRange = '';
  function paint(onlyIfMoved = false) {
    if (editing) return;
    const top = scroller.scrollTop;
    const height = scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(ids.length, Math.ceil((top + height) / ROW_H) + OVERSCAN);
    const range = `${first}:${last}:${ids.length}`;
    if (onlyIfMoved && range === paintedRange) return;
    paintedRange = range;
    for (let b = Math.floor(first / BLOCK); b * BLOCK < last; b++) if (!blocks.has(b)) loadBlock(b);
    body.replaceChildren(...spacer(first * ROW_H), ...ids.slice(first, last).map((id, i) => row(id, first + i)), ...spacer((ids.length - last) * ROW_H));
  }
  let frame = 0;
  scroller.addEventListener('scroll', () => {
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; paint(true); });
  });
  const setCount = () => { count.textContent = `${ids.length.toLocaleString('en-US')} record${ids.length === 1 ? '' : 's'}`; };

  // ---- panels: sort, filter, hidden fields, one field ----
  const panel = h('div', { id: 'panel' });
  const openPanel = (el) => panel.replaceChildren(el);
  const closeButton = () => h('button', { type: 'button', class: 'secondary', onclick: () => panel.replaceChildren() }, 'Close');
  const fieldSelect = (selected, role = 'field') => h('select', { 'data-role': role, 'aria-label': 'Field' }, table.fields.map((f) => h('option', { value: f.id, selected: f.id === selected }, f.name)));

  function sortPanel() {
    const rows = h('div', {});
    const addRow = (s = { fieldId: table.fields[0].id, direction: 'asc' }) => {
      const r = h('div', { class: 'panel-row sort-row' }, fieldSelect(s.fieldId),
        h('select', { 'data-role': 'direction', 'aria-label': 'Direction' }, options(['asc', 'desc'], s.direction, { asc: 'A → Z, 1 → 9', desc: 'Z → A, 9 → 1' })),
        h('button', { type: 'button', class: 'secondary small', onclick: () => r.remove() }, 'Remove'));
      rows.append(r);
    };
    view.sorts.forEach(addRow);
    return h('div', { class: 'card', id: 'sort-panel' }, h('h2', {}, 'Sort'), rows,
      h('button', { type: 'button', class: 'secondary', id: 'add-sort', onclick: () => addRow() }, '+ Add sort'), ' ',
      h('button', { type: 'button', id: 'save-sort', onclick: guard(async () => {
        const sorts = [...rows.querySelectorAll('.sort-row')].map((r) => ({ fieldId: r.querySelector('[data-role=field]').value, direction: r.querySelector('[data-role=direction]').value }));
        await saveView({ sorts });
        await rerender();
      }) }, 'Save sort'), ' ', closeButton());
  }

  function filterPanel() {
    const rows = h('div', {});
    const addRow = (c) => {
      let field = fieldById.get(c?.fieldId) || table.fields[0];
      let value = { read: () => null };
      const opSelect = h('select', { 'data-role': 'operator', 'aria-label': 'Operator' });
      const valueSlot = h('span', {});
      const setOps = (op) => {
        opSelect.replaceChildren(...field.filterOperators.map((o) => h('option', { value: o, selected: o === op }, opLabel(field, o))));
      };
      const setValue = (v) => { value = conditionValueInput(field, opSelect.value, v); valueSlot.replaceChildren(value.el); };
      const fs = fieldSelect(field.id);
      fs.addEventListener('change', () => { field = fieldById.get(fs.value); setOps(); setValue(); });
      opSelect.addEventListener('change', () => setValue());
      setOps(c?.operator);
      setValue(c?.value);
      const r = h('div', { class: 'panel-row condition' }, fs, opSelect, valueSlot,
        h('button', { type: 'button', class: 'secondary small', onclick: () => r.remove() }, 'Remove'));
      r.read = () => ({ fieldId: field.id, operator: opSelect.value, value: value.read() });
      rows.append(r);
    };
    (view.filters?.conditions || []).forEach(addRow);
    const conj = h('select', { id: 'conjunction', 'aria-label': 'Match' }, options(['and', 'or'], view.filters?.conjunction || 'and', { and: 'all conditions', or: 'any condition' }));
    return h('div', { class: 'card', id: 'filter-panel' }, h('h2', {}, 'Filter'), h('p', {}, 'Show records that match ', conj), rows,
      h('button', { type: 'button', class: 'secondary', id: 'add-condition', onclick: () => addRow() }, '+ Add condition'), ' ',
      h('button', { type: 'button', id: 'apply-filter', onclick: guard(async () => {
        await saveView({ filters: { conjunction: conj.value, conditions: [...rows.querySelectorAll('.condition')].map((r) => r.read()) } });
        await rerender();
      }) }, 'Apply filter'), ' ', closeButton());
  }

  function hidePanel() {
    const boxes = table.fields.map((f) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: f.id, checked: !view.hiddenFieldIds.includes(f.id), disabled: f.id === table.primaryFieldId }), f.name));
    return h('div', { class: 'card', id: 'hide-panel' }, h('h2', {}, 'Fields shown in this view'), boxes,
      h('button', { type: 'button', id: 'save-hidden', onclick: guard(async () => {
        await saveView({ hiddenFieldIds: boxes.map((b) => b.querySelector('input')).filter((i) => !i.checked).map((i) => i.value) });
        await rerender();
      }) }, 'Save'), ' ', closeButton());
  }

  function fieldPanel(f) {
    const select = f.type === 'singleSelect' || f.type === 'multipleSelects';
    const convertible = FIELD_TYPES.includes(f.type);
    const name = h('input', { type: 'text', id: 'field-name', value: f.name, 'aria-label': 'Field name' });
    const description = h('textarea', { id: 'field-description', rows: 2, 'aria-label': 'Description' }, f.description || '');
    const type = h('select', { id: 'field-type', 'aria-label': 'Field type', disabled: !convertible },
      (convertible ? FIELD_TYPES : [f.type]).map((t) => h('option', { value: t, selected: t === f.type }, t)));
    const choices = select ? h('textarea', { id: 'field-choices', rows: 5, 'aria-label': 'Choices' }, choiceNames(f).join('\n')) : null;
    const formula = f.type === 'formula' ? h('textarea', { id: 'field-formula', rows: 3, 'aria-label': 'Formula' }, f.options?.formula || '') : null;
    return h('div', { class: 'card', id: 'field-panel' }, h('h2', {}, `Field “${f.name}”`),
      h('p', { class: 'muted' }, 'id ', h('code', {}, f.id)),
      h('label', { for: 'field-name' }, 'Name'), name,
      h('label', { for: 'field-type' }, 'Type'), type,
      convertible ? h('p', { class: 'muted' }, 'Changing the type converts every cell; values that do not fit the new type are cleared.') : '',
      h('label', { for: 'field-description' }, 'Description'), description,
      choices ? [h('label', { for: 'field-choices' }, 'Choices (one per line)'), choices] : '',
      formula ? [h('label', { for: 'field-formula' }, 'Formula'), formula] : '',
      h('div', {}, h('button', { type: 'button', id: 'save-field', onclick: guard(async () => {
        if (type.value !== f.type) {
          if (!confirm(`Change “${f.name}” from ${f.type} to ${type.value}? Every cell is converted.`)) return;
          await api('PATCH', `web/${baseId}/${table.id}/fields/${f.id}`, { type: type.value });
        }
        const patch = { name: name.value, description: description.value };
        if (choices && type.value === f.type) {
          const old = new Map((f.options.choices || []).map((c) => [c.name, c]));
          patch.options = { choices: choices.value.split('\n').map((x) => x.trim()).filter(Boolean).map((n) => (old.has(n) ? { id: old.get(n).id, name: n, ...(old.get(n).color ? { color: old.get(n).color } : {}) } : { name: n })) };
        }
        if (formula && formula.value !== f.options?.formula) patch.options = { formula: formula.value };
        await v0('PATCH', `meta/bases/${baseId}/tables/${table.id}/fields/${f.id}`, patch);
        await rerender();
      }) }, 'Save field'), ' ',
      f.id !== table.primaryFieldId ? h('button', { type: 'button', class: 'danger', id: 'delete-field', onclick: guard(async () => {
        if (!confirm(`Delete the field “${f.name}” and all its values?`)) return;
        await api('DELETE', `web/${baseId}/${table.id}/fields/${f.id}`);
        await rerender();
      }) }, 'Delete field') : '', ' ', closeButton()));
  }

  // A record's cells and its comments (the public comments API, as the signed-in user).
  function recordPanel(id) {
    const rec = cache.get(id);
    const list = h('div', { class: 'comments', id: 'comments' });
    const commentsPath = `${baseId}/${table.id}/${id}/comments`;
    const shownText = (c) => c.text.replace(/@\[(usr[A-Za-z0-9]{14})\]/g, (m, uid) => (c.mentioned?.[uid] ? `@${c.mentioned[uid].displayName}` : m));
    const item = (c) => {
      const mine = c.author.id === state.user?.id;
      const text = h('p', { class: 'comment-text' }, shownText(c));
      return h('div', { class: 'comment', 'data-comment-id': c.id },
        h('strong', {}, c.author.name || c.author.email), ' ',
        h('span', { class: 'muted' }, new Date(c.createdTime).toLocaleString(), c.lastUpdatedTime ? ' (edited)' : '', c.parentCommentId ? ' · reply' : ''),
        text,
        mine ? [h('button', { type: 'button', class: 'secondary small edit-comment', onclick: guard(async () => {
          const next = prompt('Edit your comment', c.text);
          if (next) { await v0('PATCH', `${commentsPath}/${c.id}`, { text: next }); await load(); }
        }) }, 'Edit'), ' ', h('button', { type: 'button', class: 'danger small delete-comment', onclick: guard(async () => {
          if (!confirm('Delete this comment?')) return;
          await v0('DELETE', `${commentsPath}/${c.id}`);
          await load();
        }) }, 'Delete')] : '');
    };
    const load = guard(async () => {
      const { comments } = await v0('GET', commentsPath);
      list.replaceChildren(...(comments.length ? comments.map(item) : [h('p', { class: 'muted' }, 'No comments yet.')]));
    });
    const text = h('textarea', { id: 'comment-text', rows: 2, 'aria-label': 'Comment', placeholder: 'Add a comment' });
    load();
    return h('div', { class: 'card', id: 'record-panel', 'data-record-id': id }, h('h2', {}, rec?.fields[table.fields[0].name] ?? id),
      h('p', { class: 'muted' }, 'Record ', h('code', {}, id)),
      h('dl', { class: 'record-fields' }, table.fields.map((f) => [h('dt', {}, f.name), h('dd', { 'data-field': f.name }, cellText(f, rec?.fields[f.name]) || '—')])),
      h('h3', {}, 'Comments'), list,
      schema.permissionLevel !== 'read' ? h('div', {}, text, h('button', { type: 'button', id: 'post-comment', onclick: guard(async () => {
        if (!text.value.trim()) return;
        await v0('POST', commentsPath, { text: text.value });
        text.value = '';
        await load();
      }) }, 'Comment')) : '',
      h('div', {}, closeButton()));
  }

  // ---- search ----
  // Narrows the view to records whose shown cells contain the text (case-insensitive), through
  // the same id list endpoint and filterByFormula, so 100,000 records are searched by the server.
  let searchTimer = 0;
  let searchSeq = 0;
  async function loadIds(term) {
    const seq = ++searchSeq;
    const q = new URLSearchParams({ view: view.id });
    const text = term.trim();
    if (text) {
      const literal = JSON.stringify(text.toLowerCase());  // a valid formula string literal
      const terms = shown.filter((f) => f.type !== 'checkbox').map((f) => `FIND(${literal}, LOWER({${f.id}}&""))>0`);
      q.set('filterByFormula', terms.length ? `OR(${terms.join(',')})` : 'FALSE()');
    }
    const loaded = await api('GET', `web/${baseId}/${table.id}/ids?${q}`);
    if (seq !== searchSeq) return;  // a newer search answered first
    ids = loaded.recordIds;
    blocks.clear();
    active = null;
    scroller.scrollTop = 0;
    setCount();
    paint();
  }

  // ---- CSV ----
  // Exports the view as it is shown: its records in order, its visible fields, cells as text.
  async function exportCsv() {
    const asText = (f, v) => {
      if (v == null) return '';
      if (f.type === 'checkbox') return v ? 'checked' : '';
      if (Array.isArray(v)) return v.join(', ');
      if (typeof v === 'object') return v.error || v.specialValue || JSON.stringify(v);
      return String(v);
    };
    const rows = [shown.map((f) => f.name)];
    for (let i = 0; i < ids.length; i += 500) {
      const q = ids.slice(i, i + 500).map((id) => `ids[]=${id}`).join('&');
      const page = await api('GET', `web/${baseId}/${table.id}/records?${q}`);
      for (const r of page.records) rows.push(shown.map((f) => asText(f, r.fields[f.name])));
    }
    const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' }));
    const a = h('a', { href: url, download: `${table.name} - ${view.name}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  // Imports rows into this table: the header names fields (case-insensitively); columns with no
  // such field become text fields (for creators); every value goes through typecast, so numbers,
  // dates, checkboxes and new select choices are read from text as the API reads them.
  async function importCsv(text) {
    const progress = document.getElementById('csv-progress');
    const rows = parseCsv(text);
    if (rows.length < 2) throw new Error('The CSV file needs a header row and at least one record');
    const header = rows[0].map((s) => s.trim());
    const byName = new Map(table.fields.map((f) => [f.name.toLowerCase(), f]));
    const columns = [];
    for (const name of header) {
      let f = byName.get(name.toLowerCase());
      if (!f && name && canSchema) {
        f = await v0('POST', `meta/bases/${baseId}/tables/${table.id}/fields`, { name, type: 'singleLineText' });
        byName.set(name.toLowerCase(), f);
      }
      columns.push(f && !READ_ONLY.has(f.type) ? f : null);
    }
    const records = rows.slice(1).map((r) => {
      const fields = {};
      columns.forEach((f, i) => { if (f && r[i] !== undefined && r[i] !== '') fields[f.name] = r[i]; });
      return { fields };
    });
    let done = 0;
    for (let i = 0; i < records.length; i += 10) {
      await v0('POST', `${baseId}/${table.id}`, { records: records.slice(i, i + 10), typecast: true });
      done = Math.min(records.length, i + 10);
      progress.textContent = `Imported ${done} of ${records.length}`;
    }
    await rerender();
    document.getElementById('csv-progress').textContent = `Imported ${done} records`;
  }

  // ---- views ----
  const viewBar = h('div', { class: 'view-bar' },
    h('label', { class: 'inline-label', for: 'view-select' }, 'View '),
    h('select', { id: 'view-select', onchange: (e) => go(`/${baseId}/${table.id}/${e.target.value}`) }, table.views.map((v) => h('option', { value: v.id, selected: v.id === view.id }, v.name))),
    canEdit ? [
      h('button', { type: 'button', class: 'secondary small', id: 'new-view', onclick: guard(async () => {
        const name = prompt('Name of the new view', `Grid ${table.views.length + 1}`);
        if (!name) return;
        const v = await api('POST', `web/${baseId}/${table.id}/views`, { name });
        go(`/${baseId}/${table.id}/${v.id}`);
      }) }, '+ View'),
      h('button', { type: 'button', class: 'secondary small', id: 'rename-view', onclick: guard(async () => {
        const name = prompt('New name for the view', view.name);
        if (name) { await saveView({ name }); await rerender(); }
      }) }, 'Rename'),
      table.views.length > 1 ? h('button', { type: 'button', class: 'secondary small', id: 'delete-view', onclick: guard(async () => {
        if (!confirm(`Delete the view “${view.name}”?`)) return;
        await api('DELETE', `web/${baseId}/${table.id}/views/${view.id}`);
        go(`/${baseId}/${table.id}`);
      }) }, 'Delete view') : '',
      h('span', { class: 'sep' }),
      h('button', { type: 'button', class: 'secondary small', id: 'sort-button', onclick: () => openPanel(sortPanel()) }, `Sort${view.sorts.length ? ` (${view.sorts.length})` : ''}`),
      h('button', { type: 'button', class: 'secondary small', id: 'filter-button', onclick: () => openPanel(filterPanel()) }, `Filter${view.filters.conditions.length ? ` (${view.filters.conditions.length})` : ''}`),
      h('button', { type: 'button', class: 'secondary small', id: 'hide-button', onclick: () => openPanel(hidePanel()) }, `Hide fields${view.hiddenFieldIds.length ? ` (${view.hiddenFieldIds.length})` : ''}`),
    ] : '',
    h('span', { class: 'sep' }), count,
    h('input', { type: 'search', id: 'grid-search', placeholder: 'Search this view', 'aria-label': 'Search this view', oninput: (e) => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(guard(() => loadIds(e.target.value)), 250);
    } }),
    h('span', { class: 'sep' }),
    h('button', { type: 'button', class: 'secondary small', id: 'export-csv', onclick: guard(exportCsv) }, 'Download CSV'),
    canEdit ? h('label', { class: 'secondary small file-button', for: 'import-csv' }, 'Import CSV') : '',
    canEdit ? h('input', { type: 'file', id: 'import-csv', accept: '.csv,text/csv', hidden: true, onchange: guard(async (e) => {
      const file = e.target.files[0];
      if (file) await importCsv(await file.text());
      e.target.value = '';
    }) }) : '',
    h('span', { class: 'muted', id: 'csv-progress' }));

  const addField = () => {
    const f = h('form', { class: 'inline', id: 'add-field', onsubmit: guard(async (e) => {
      e.preventDefault();
      const fd = new FormData(f);
      const type = fd.get('type');
      const names = String(fd.get('choices') || '').split(',').map((s) => s.trim()).filter(Boolean);
      const extra = String(fd.get('choices') || '');
      const opts = type === 'singleSelect' || type === 'multipleSelects' ? { choices: names.map((name) => ({ name })) }
        : type === 'formula' ? { formula: extra }
        : type === 'multipleRecordLinks' ? { linkedTableId: fd.get('linkedTable') } : undefined;
      await v0('POST', `meta/bases/${baseId}/tables/${table.id}/fields`, { name: fd.get('name'), type, options: opts });
      await rerender();
    }) }, h('strong', {}, 'Add a field '), h('input', { type: 'text', name: 'name', placeholder: 'Field name', required: true, 'aria-label': 'Field name' }), ' ',
    h('select', { name: 'type', 'aria-label': 'Field type' }, [...FIELD_TYPES, 'formula', 'multipleRecordLinks'].map((t) => h('option', { value: t }, t))), ' ',
    h('select', { name: 'linkedTable', 'aria-label': 'Linked table (links)' }, schema.tables.map((t) => h('option', { value: t.id }, `links to ${t.name}`))), ' ',
    h('input', { type: 'text', name: 'choices', placeholder: 'Choices, comma-separated (selects) or the formula', 'aria-label': 'Choices or formula', size: 36 }), ' ',
    h('button', { type: 'submit' }, 'Add field'));
    return f;
  };

  const share = () => {
    const f = h('form', { class: 'inline', id: 'share-base', onsubmit: guard(async (e) => {
      e.preventDefault();
      const fd = new FormData(f);
      await api('POST', `bases/${baseId}/members`, { email: fd.get('email'), role: fd.get('role') });
      f.reset();
      error.textContent = '';
      f.querySelector('.done').textContent = 'Shared.';
    }) }, h('strong', {}, 'Share this base '), h('input', { type: 'email', name: 'email', placeholder: 'Email', required: true, 'aria-label': 'Share with (email)' }), ' ',
    h('select', { name: 'role', 'aria-label': 'Role' }, ['read', 'commenter', 'editor', 'creator', 'owner', 'none'].map((r) => h('option', { value: r }, r))), ' ',
    h('button', { type: 'submit' }, 'Share'), ' ', h('span', { class: 'done muted' }));
    return f;
  };

  app.replaceChildren(
    h('div', { class: 'card' }, h('h1', {}, schema.name), h('p', {}, 'Base ', h('code', { id: 'base-id' }, baseId), ' · table ', h('code', {}, table.id), ' · view ', h('code', {}, view.id)),
      h('p', { class: 'muted' }, 'The ids in this page’s address are the ones the API takes, as on Airtable. ', h('a', { href: `/${baseId}/api`, 'data-link': true, id: 'api-link' }, 'API documentation for this base')),
      canSchema ? share() : ''),
    h('nav', { class: 'tabs', id: 'tables' }, schema.tables.map((t) => h('a', { href: `/${baseId}/${t.id}`, 'data-link': true, class: t.id === table.id ? 'active' : '' }, t.name)),
      canSchema ? [
        h('button', { type: 'button', class: 'secondary small', id: 'add-table', title: 'Add a table', onclick: guard(async () => {
          dialogName('Name of the new table', '', async (name) => {
            const t = await v0('POST', `meta/bases/${baseId}/tables`, { name, fields: [{ name: 'Name', type: 'singleLineText' }] });
            go(`/${baseId}/${t.id}`);
          });
        }) }, '+ Table'),
        h('button', { type: 'button', class: 'secondary small', id: 'rename-table', onclick: guard(async () => {
          dialogName('New name for the table', table.name, async (name) => {
            await v0('PATCH', `meta/bases/${baseId}/tables/${table.id}`, { name });
            await rerender();
          });
        }) }, 'Rename table'),
        schema.tables.length > 1 ? h('button', { type: 'button', class: 'danger small', id: 'delete-table', onclick: guard(async () => {
          if (!confirm(`Delete the table “${table.name}” and all its records?`)) return;
          await api('DELETE', `web/${baseId}/${table.id}`);
          go(`/${baseId}`);
        }) }, 'Delete table') : '',
      ] : ''),
    viewBar, panel, error,
    h('div', { class: 'card' }, scroller,
      canEdit ? h('button', { type: 'button', id: 'add-record', onclick: guard(async () => {
        const rec = await v0('POST', `${baseId}/${table.id}`, { fields: {} });
        cache.set(rec.id, rec);
        ids.push(rec.id);
        setCount();
        scroller.scrollTop = scroller.scrollHeight;
        paint();
      }) }, '+ Add record') : ''),
    canSchema ? h('div', { class: 'card' }, addField()) : '');

  await loadIds('');
}
