// The web app's field-type table: one entry per Airtable field type, saying how a cell of that
// type is shown (`text`), edited (`editor`, and `typed` when the editor is opened by typing a
// key), filtered (`condition`: which value input a view filter uses), written to CSV (`csv`) and
// shown in the API page (`example`). It is the client-side twin of src/schema/field_type.h: a
// new field type is one row there (src/schema/types/) and one entry here. Everything else in the
// web app (the grid, the record panel, the filter panel, CSV export, the API page) asks this
// module and never switches on a type name itself.
import { h } from '/util.js';
import { chip, formatNumber, formatCurrency, formatPercent, checkboxMark, ratingMarks } from '/format.js';
import { linkPicker } from '/link_picker.js';

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

const pad = (n) => String(n).padStart(2, '0');
const localDateTime = (iso) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
export const choiceNames = (f) => (f.options?.choices || []).map((c) => c.name);
export const options = (values, selected, labels = {}) => values.map((v) => h('option', { value: v, selected: Array.isArray(selected) ? selected.includes(v) : v === selected }, labels[v] ?? v));

// ---- how cells are shown ----
const plain = (value) => (Array.isArray(value) ? value.join(', ') : String(value));
const instant = (value) => new Date(value).toLocaleString();

// ---- editors: { el, read() -> the cell value to write, commitOnChange? } ----
const numberOf = (s) => (s === '' ? null : Number(s));
const inputEditor = (type) => (field, value) => {
  const el = h('input', { type, value: value ?? '' });
  return { el, read: () => el.value || null };
};
const textareaEditor = (field, value) => {
  const el = h('textarea', { rows: 3 }, value ?? '');
  return { el, read: () => el.value || null };
};
const numberEditor = (field, value) => {
  const el = h('input', { type: 'number', step: 'any', value: value ?? '' });
  return { el, read: () => numberOf(el.value) };
};
const percentEditor = (field, value) => {
  const el = h('input', { type: 'number', step: 'any', value: value == null ? '' : Number((value * 100).toFixed(8)) });
  return { el, read: () => (el.value === '' ? null : Number(el.value) / 100) };
};
// Typed as h:mm (or plain seconds); the server reads the text with typecast.
const durationEditor = (field, value) => {
  const el = h('input', { type: 'text', value: value == null ? '' : formatDuration(value, field.options?.durationFormat), placeholder: field.options?.durationFormat || 'h:mm' });
  return { el, read: () => (el.value === '' ? null : /^-?\d+(\.\d+)?$/.test(el.value) ? Number(el.value) : el.value) };
};
const ratingEditor = (field, value) => {
  const max = field.options?.max ?? 5;
  const el = h('select', {}, options(Array.from({ length: max + 1 }, (_, i) => String(i)), String(value ?? 0), { 0: '—' }));
  return { el, read: () => (el.value === '0' ? null : Number(el.value)), commitOnChange: true };
};
const singleSelectEditor = (field, value) => {
  const el = h('select', {}, options(['', ...choiceNames(field)], value ?? '', { '': '—' }));
  return { el, read: () => el.value || null, commitOnChange: true };
};
const multiSelectEditor = (field, value) => {
  const names = choiceNames(field);
  const el = h('select', { multiple: true, size: Math.min(6, Math.max(2, names.length)) }, options(names, value || []));
  return { el, read: () => [...el.selectedOptions].map((o) => o.value) };
};
const dateEditor = (field, value) => {
  const el = h('input', { type: 'date', value: value ?? '' });
  return { el, read: () => el.value || null };
};
const dateTimeEditor = (field, value) => {
  const el = h('input', { type: 'datetime-local', value: value ? localDateTime(value) : '' });
  return { el, read: () => (el.value ? new Date(el.value).toISOString() : null) };
};

// The page's base (its id and tables) and the linked records' names it knows: what the
// linked-record picker searches and shows.
const linkContext = { base: { id: '', tables: [] }, names: new Map() };
export const setBase = (base, names) => Object.assign(linkContext, { base, names });
const linkEditor = (field, value, typed) => linkPicker(field, value, typed, linkContext);

// The base's collaborators (the page sets them from its schema): what a person picker offers.
let people = [];
export const setPeople = (list) => { people = list || []; };
const personLabel = (p) => `${p.name} <${p.email}>`;
const personEditor = (field, value) => {
  const el = h('select', {}, h('option', { value: '' }, '—'),
    ...people.map((p) => h('option', { value: p.id, selected: value?.id === p.id }, personLabel(p))));
  return { el, read: () => (el.value ? { id: el.value } : null), commitOnChange: true };
};
const peopleEditor = (field, value) => {
  const chosen = new Set((value || []).map((p) => p.id));
  const el = h('select', { multiple: true, size: Math.min(6, Math.max(2, people.length)) },
    ...people.map((p) => h('option', { value: p.id, selected: chosen.has(p.id) }, personLabel(p))));
  return { el, read: () => [...el.selectedOptions].map((o) => ({ id: o.value })) };
};
const names = (v) => (Array.isArray(v) ? v : v ? [v] : []).map((p) => p.name).join(', ');

// An attachment cell's items, all selected: the ones unselected are removed on commit.
const attachmentsEditor = (field, value) => {
  const items = value || [];
  const el = h('select', { multiple: true, size: Math.min(6, Math.max(2, items.length)), 'aria-label': 'Files (unselect to remove)' },
    ...items.map((a) => h('option', { value: a.id, selected: true }, a.filename)));
  return { el, read: () => [...el.selectedOptions].map((o) => ({ id: o.value })) };
};

// Numbers and dates opened by typing get a text input, so that the first key is kept (a number
// input cannot hold "-" alone, a date picker no digit); the server reads the text with typecast.
const typedText = (parse) => (field) => {
  const el = h('input', { type: 'text', placeholder: field.type.startsWith('date') ? 'YYYY-MM-DD' : '' });
  return { el, read: () => { const t = el.value.trim(); return t === '' ? null : parse(t); } };
};
const typedNumber = typedText((t) => { const n = Number(t.replace(/,/g, '')); return Number.isFinite(n) ? n : t; });
const typedPercent = typedText((t) => { const n = Number(t.replace(/%$/, '')); return Number.isFinite(n) ? n / 100 : t; });
const typedDate = typedText((t) => t);  // read by the server with typecast
const typedPerson = typedText((t) => t);  // a name or an email, found by the server with typecast

// The rows. Keys an entry may leave out: label (the type's name in the UI), icon (a glyph
// before a field's name), text (plain), editor (a text input), typed (the editor), condition
// ('text'), csv (as text), example (''), computed (false), creatable (false: not offered when
// adding or converting a field), toggles (false: a click or Space flips the cell instead of
// opening an editor), searchable (true: the grid's search looks into it), choices (false: the
// field panel edits its choices), links (false: its cells are linked record ids), files (false:
// files can be uploaded into its cells), cell (a function from the value to the nodes the grid
// shows, instead of its text), align ('left'; numbers are 'right'), dates (false: the server
// sends its text, in the field's date format).
const TYPES = {
  singleLineText: { label: 'Single line text', icon: 'A', creatable: true, example: '"Some text"' },
  multilineText: { label: 'Long text', icon: '¶', creatable: true, editor: textareaEditor, example: '"Line 1\\nLine 2"' },
  richText: { label: 'Rich text', icon: '✎', creatable: true, editor: textareaEditor, example: '"**Bold** and _italic_"' },
  email: { label: 'Email', icon: '@', creatable: true, editor: inputEditor('email'), example: '"someone@example.com"' },
  url: { label: 'URL', icon: '↗', creatable: true, editor: inputEditor('url'), example: '"https://example.com"' },
  phoneNumber: { label: 'Phone number', icon: '☎', creatable: true, editor: inputEditor('tel'), example: '"(415) 555-0100"' },
  number: {
    label: 'Number', icon: '#', creatable: true, editor: numberEditor, typed: typedNumber, condition: 'number', example: '42',
    align: 'right', text: (v, f) => formatNumber(v, f.options?.precision),
  },
  currency: {
    label: 'Currency', icon: '$', creatable: true, editor: numberEditor, typed: typedNumber, condition: 'number', example: '9.99',
    align: 'right', text: (v, f) => formatCurrency(v, f.options),
  },
  percent: {
    label: 'Percent', icon: '%', creatable: true, editor: percentEditor, typed: typedPercent, condition: 'number', example: '0.25',
    align: 'right', text: (v, f) => formatPercent(v, f.options),
  },
  duration: {
    label: 'Duration', icon: '◷', creatable: true, editor: durationEditor, condition: 'number', example: '5400 (seconds: 1:30)',
    align: 'right', text: (v, f) => formatDuration(v, f.options?.durationFormat),
  },
  rating: {
    label: 'Rating', icon: '★', creatable: true, editor: ratingEditor, condition: 'number', example: '3',
    text: (v) => '★'.repeat(v), cell: (v, f) => ratingMarks(f, v), empty: (f) => ratingMarks(f, 0),
  },
  checkbox: {
    label: 'Checkbox', icon: '☑', creatable: true, toggles: true, searchable: false, condition: 'checkbox', example: 'true',
    text: (v) => (v ? '✔' : ''), csv: (v) => (v ? 'checked' : ''),
    cell: (v, f) => checkboxMark(f, !!v), empty: (f) => checkboxMark(f, false), align: 'center',
  },
  singleSelect: {
    label: 'Single select', icon: '◉', creatable: true, editor: singleSelectEditor, condition: 'select', choices: true,
    example: (f) => JSON.stringify(choiceNames(f)[0] ?? 'Choice name'), cell: (v, f) => chip(f, v),
  },
  multipleSelects: {
    label: 'Multiple select', icon: '☰', creatable: true, editor: multiSelectEditor, condition: 'select', choices: true,
    example: (f) => JSON.stringify(choiceNames(f).slice(0, 2).length ? choiceNames(f).slice(0, 2) : ['Choice one', 'Choice two']),
    cell: (v, f) => (Array.isArray(v) ? v : [v]).map((name) => chip(f, name)),
  },
  date: { label: 'Date', icon: '▦', creatable: true, editor: dateEditor, typed: typedDate, condition: 'date', example: '"2024-03-05"', dates: true },
  dateTime: { label: 'Date and time', icon: '◴', creatable: true, editor: dateTimeEditor, typed: typedDate, condition: 'date', example: '"2024-03-05T14:30:00.000Z"', text: instant, dates: true },
  // Links are typed as names or ids; the server resolves them with typecast.
  multipleRecordLinks: {
    label: 'Link to another record', icon: '↔', links: true, example: '["recXXXXXXXXXXXXXX"]',
    editor: linkEditor, typed: linkEditor,
    text: (v, f, names) => (Array.isArray(v) ? v.map((id) => names?.get(id) || id).join(', ') : plain(v)),
    cell: (v, f, names) => (Array.isArray(v) ? v : [v]).map((id) => h('span', { class: 'link-chip' }, names?.get(id) || id)),
  },
  autoNumber: { label: 'Autonumber', icon: '№', computed: true, condition: 'number', example: '1 (computed)', align: 'right' },
  createdTime: { label: 'Created time', icon: '◴', computed: true, condition: 'date', example: '"2024-03-05T14:30:00.000Z" (computed)', text: instant, dates: true },
  lastModifiedTime: { label: 'Last modified time', icon: '◴', computed: true, condition: 'date', example: '"2024-03-05T14:30:00.000Z" (computed)', text: instant, dates: true },
  formula: { label: 'Formula', icon: 'ƒ', computed: true, example: '(computed)', result: true },
  count: { label: 'Count', icon: '∑', computed: true, condition: 'number', example: '(computed)', align: 'right' },
  multipleLookupValues: { label: 'Lookup', icon: '⤴', computed: true, example: '(computed)', result: true },
  rollup: { label: 'Rollup', icon: '⟲', computed: true, example: '(computed)', result: true },
  singleCollaborator: {
    label: 'User', icon: '☺', creatable: true, editor: personEditor, typed: typedPerson, text: names, csv: (v) => v?.email ?? '',
    example: (f) => JSON.stringify({ email: people[0]?.email ?? 'someone@example.com' }),
  },
  multipleCollaborators: {
    label: 'Users', icon: '⚇', creatable: true, editor: peopleEditor, typed: typedPerson, text: names, csv: (v) => (v || []).map((p) => p.email).join(', '),
    example: (f) => JSON.stringify([{ email: people[0]?.email ?? 'someone@example.com' }]),
  },
  barcode: {
    label: 'Barcode', icon: '▥', creatable: true, text: (v) => v?.text ?? '', csv: (v) => v?.text ?? '', example: '{"text": "012345678905", "type": "upce"}',
    editor: (field, value) => {  // the text; the symbology is kept
      const el = h('input', { type: 'text', value: value?.text ?? '' });
      return { el, read: () => (el.value ? { text: el.value, type: value?.type ?? null } : null) };
    },
  },
  // Files: thumbnails in the cell (each opens its file); the editor removes items (a file picker
  // and dropping files on the cell add them, through uploadAttachment: src/web/grid.js).
  multipleAttachments: {
    label: 'Attachment', icon: '▣', creatable: true, files: true, searchable: false, editor: attachmentsEditor,
    text: (v) => (v || []).map((a) => a.filename).join(', '),
    cell: (v) => (v || []).map((a) => h('a', { href: a.url, target: '_blank', rel: 'noopener', class: 'attachment', title: a.filename },
      a.thumbnails?.small ? h('img', { src: a.thumbnails.small.url, alt: a.filename, height: 24 }) : a.filename)),
    csv: (v) => (v || []).map((a) => `${a.filename} (${a.url})`).join(', '),
    example: '[{"url": "https://example.com/photo.jpg", "filename": "photo.jpg"}]',
  },
  button: { label: 'Button', icon: '▶', computed: true, text: (v) => v?.label ?? '', csv: (v) => v?.url ?? '', example: '{"label": "Open", "url": "https://…"} (computed)' },
  createdBy: { label: 'Created by', icon: '☺', computed: true, text: names, csv: names, example: '{"id": "usr…", "email": "…", "name": "…"} (computed)' },
  lastModifiedBy: { label: 'Last modified by', icon: '☺', computed: true, text: names, csv: names, example: '{"id": "usr…", "email": "…", "name": "…"} (computed)' },
};
const DEFAULTS = {
  label: '', icon: '·', text: plain, editor: inputEditor('text'), condition: 'text', csv: plain, example: '',
  computed: false, creatable: false, toggles: false, searchable: true, choices: false, links: false,
  files: false, cell: null, empty: null, align: 'left', dates: false, result: false,
};


// The entry for a field (or a type name); an unknown type is shown and edited as text.
export const fieldType = (fieldOrType) => ({ ...DEFAULTS, ...TYPES[typeof fieldOrType === 'string' ? fieldOrType : fieldOrType.type] });

// The types a creator can add, or convert a field between.
export const CREATABLE_TYPES = Object.keys(TYPES).filter((t) => TYPES[t].creatable);

export const isReadOnly = (field) => fieldType(field).computed;
export const isDateType = (field) => fieldType(field).condition === 'date';

// The field a computed field's cells are shown as: its result's type and options (a formula
// that returns a number shows it in its precision), else the field itself.
const shownAs = (field) => {
  const r = field.options?.result;
  return fieldType(field).result && r?.type && TYPES[r.type] ? { ...field, type: r.type, options: r.options || {} } : field;
};

// The types whose one cell holds many values (a lookup of them is one flat list too).
const MANY = new Set(['multipleSelects', 'multipleRecordLinks', 'multipleAttachments', 'multipleCollaborators']);

// A cell as text. `names`: primary-field text of linked records, by record id.
export function cellText(field, value, names) {
  if (value === undefined || value === null) return '';
  if (isSpecial(value)) return value.error || value.specialValue;
  const f = shownAs(field);
  if (f !== field && Array.isArray(value) && !MANY.has(f.type)) return value.map((v) => cellText(f, v, names)).join(', ');
  return fieldType(f).text(value, f, names);
}
// A formula's error or special number ({"error"} / {"specialValue"}), not a cell of its type.
const isSpecial = (v) => typeof v === 'object' && !Array.isArray(v) && ('error' in v || 'specialValue' in v);

// What the grid shows in a cell: the type's nodes where it has them (choice chips, checkboxes,
// stars, thumbnails), the server's text for dates (`dateText`: in the field's date format), else
// its text.
export function cellContent(field, value, names, dateText) {
  const f = shownAs(field);
  const t = fieldType(f);
  if (value == null) return t.empty ? t.empty(f) : '';
  if (isSpecial(value)) return value.error || value.specialValue;
  if (fieldType(field).dates && dateText != null) return dateText;
  if (t.cell && !(f !== field && Array.isArray(value))) return t.cell(value, f, names);
  return cellText(field, value, names);
}

// A cell's alignment in the grid: numbers (and what shows as one) on the right.
export const cellAlign = (field) => fieldType(shownAs(field)).align;

// A cell as CSV export writes it.
export function csvText(field, value) {
  if (value == null) return '';
  if (isSpecial(value)) return value.error || value.specialValue;
  return fieldType(field).csv(value);
}

// The API page's example value for a field.
export function exampleValue(field) {
  const e = fieldType(field).example;
  return typeof e === 'function' ? e(field) : e;
}

// An editor for the cell. `typed`: the key that opened it (typing over a cell replaces its text,
// as in a sheet), kept as the editor's first character.
export function editorFor(field, value, typed) {
  const t = fieldType(field);
  const ed = typed !== undefined && t.typed ? t.typed(field, value, typed) : t.editor(field, value);
  const textual = ed.el.tagName === 'TEXTAREA' || ['text', 'email', 'url', 'tel'].includes(ed.el.type);
  if (typed !== undefined && textual) ed.el.value = typed;
  return ed;
}

// The value input of one filter condition: depends on the field's type and the operator.
export function conditionValueInput(field, op, value) {
  if (op === 'isEmpty' || op === 'isNotEmpty') return { el: h('span'), read: () => null };
  const many = ['isAnyOf', 'isNoneOf', 'hasAnyOf', 'hasAllOf'].includes(op);
  const kind = fieldType(field).condition;
  const attrs = { 'data-role': 'value', 'aria-label': 'Value' };
  if (kind === 'checkbox') {
    const el = h('select', attrs, options(['true', 'false'], String(value ?? true), { true: 'checked', false: 'unchecked' }));
    return { el, read: () => el.value === 'true' };
  }
  if (kind === 'select') {
    const names = choiceNames(field);
    const el = many ? h('select', { multiple: true, ...attrs }, options(names, value || []))
      : h('select', attrs, options(['', ...names], value ?? ''));
    return { el, read: () => (many ? [...el.selectedOptions].map((o) => o.value) : el.value) };
  }
  const type = kind === 'date' ? 'date' : kind === 'number' ? 'number' : 'text';
  const el = h('input', { type, step: type === 'number' ? 'any' : undefined, ...attrs, value: value ?? '' });
  return { el, read: () => (type === 'number' && el.value !== '' ? Number(el.value) : el.value) };
}
