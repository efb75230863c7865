// The base page: tables as tabs, the view bar (views, sort, filter, hidden fields, search, CSV),
// and the current view, drawn by its view type (the grid, src/web/grid.js) over a RecordStore
// (src/web/store.js). The address carries the base, table and view ids, as on Airtable.
// Records change through the store (the public API, /api/v0); the schema and views through
// /api/v0/meta and /api/web, after which the page is drawn again from a fresh schema.
import { h, api, v0, go, ROLES, state } from '/util.js';
import { parseCsv, toCsv } from '/csv.js';
import { fieldType, CREATABLE_TYPES, isReadOnly, csvText, setPeople, setBase } from '/fields.js';
import { RecordStore } from '/store.js';
import { gridView } from '/grid.js';
import { kanbanView, galleryView, calendarView } from '/views.js';
import { formView } from '/form_page.js';
import { sortPanel, filterPanel, hidePanel, groupPanel, fieldPanel, recordPanel } from '/panels.js';
import { followBase } from '/live.js';

// The view types the page can draw, by the API's view `type`; others are drawn as grids. Each
// names the field its layout needs (a kanban's stacks, a calendar's dates, a gallery's cover).
const VIEW_TYPES = { grid: gridView, kanban: kanbanView, gallery: galleryView, calendar: calendarView, form: formView };
const VIEW_KINDS = {
  grid: { label: 'Grid', icon: '▦' },
  kanban: { label: 'Kanban', icon: '▥', key: 'stackFieldId', asks: 'Stacked by', fits: (f) => f.type === 'singleSelect' || f.type === 'singleCollaborator' },
  gallery: { label: 'Gallery', icon: '▤', key: 'coverFieldId', asks: 'Cover images from', fits: (f) => fieldType(f).files, optional: true },
  calendar: { label: 'Calendar', icon: '▦', key: 'dateFieldId', asks: 'Dates from', fits: (f) => fieldType(f).dates },
  form: { label: 'Form', icon: '☰' },
};

// `keep.scrollTop`: where the grid was, when the page is drawn again for a schema change.
export async function renderBase(app, baseId, tableId, viewId, keep = {}) {
  const schema = await api('GET', `bases/${baseId}/schema`);
  setPeople(schema.collaborators);
  const table = schema.tables.find((t) => t.id === tableId) || schema.tables[0];
  const view = table.views.find((v) => v.id === viewId) || table.views[0];
  const want = `/${baseId}/${table.id}/${view.id}`;
  if (location.pathname !== want) history.replaceState({}, '', want);
  const ctx = pageContext(app, baseId, schema, table, view);
  if (view.groupBy?.length && (view.type || 'grid') === 'grid') {
    ctx.store.grouping = { groupBy: view.groupBy, sorts: view.sorts };
    ctx.store.groupFields = view.groupBy.map((g) => ctx.fieldById.get(g.fieldId));
  }
  setBase({ id: baseId, tables: schema.tables }, ctx.store.linkNames);

  const makeView = VIEW_TYPES[view.type] || gridView;
  ctx.grid = makeView({
    store: ctx.store, shown: ctx.shown, sorts: view.sorts, canEdit: ctx.canEdit, guard: ctx.guard, primaryFieldId: table.primaryFieldId, view: { ...view, baseId }, table,
    saveView: ctx.saveView, rerender: () => ctx.rerender(),
    onSort: ctx.guard(async (f, sort) => {
      await ctx.saveView({ sorts: [{ fieldId: f.id, direction: sort && sort.direction === 'asc' ? 'desc' : 'asc' }] });
      await ctx.rerender();
    }),
    onFieldMenu: ctx.canSchema ? (f) => ctx.openPanel(fieldPanel(ctx, f)) : null,
    onExpand: (id) => ctx.openPanel(recordPanel(ctx, id)),
    onAddField: ctx.canSchema ? (button) => openPopover(button, addFieldForm(ctx)) : null,
    onSummary: ctx.canEdit ? ctx.guard((summary) => ctx.saveView({ summary })) : null,
    // Widths are saved as they are; a new field order draws the page again.
    onLayout: ctx.canEdit ? ctx.guard(async (layout, redraw) => {
      await ctx.saveView(layout);
      if (redraw) await ctx.rerender({ scrollTop: ctx.grid.el.scrollTop });
    }) : null,
  });
  const count = h('span', { class: 'muted', id: 'record-count' });
  ctx.store.subscribe(() => { count.textContent = `${ctx.store.size.toLocaleString('en-US')} record${ctx.store.size === 1 ? '' : 's'}`; });

  follow(ctx);
  app.replaceChildren(baseCard(ctx), tableTabs(ctx), viewBar(ctx, count), ctx.panel, ctx.error,
    h('div', { class: 'card' }, layoutBar(ctx), ctx.grid.el,
      ctx.canEdit ? h('button', { type: 'button', id: 'add-record', onclick: ctx.guard(async () => {
        await ctx.store.create({});
        ctx.grid.scrollToEnd();
      }) }, '+ Add record') : ''));
  await ctx.store.loadIds(view.id, '');
  if (keep.scrollTop) { ctx.grid.el.scrollTop = keep.scrollTop; ctx.grid.paint(); }
}

// Live updates (src/web/live.js): records changed elsewhere enter the store; a schema change
// draws the page again where it was (once the cell being edited is done); comments reach an
// open record panel; the base's other viewers are named in the base card.
function follow(ctx) {
  const { store, table } = ctx;
  let redraw = 0;
  const schemaChanged = () => {
    clearTimeout(redraw);
    redraw = setTimeout(() => {
      if (!ctx.app.contains(ctx.grid.el)) return;  // the page was left or drawn again
      if (ctx.grid.editing) return schemaChanged();
      ctx.guard(() => ctx.rerender({ scrollTop: ctx.grid.el.scrollTop }))();
    }, 100);
  };
  followBase(ctx.baseId, {
    records: ctx.guard(async (n, own) => {
      if (n.table === table.id) return store.remote(n, own);
      // A linked table's records: the names shown in link cells may have changed.
      if ((n.updated || []).some((id) => store.linkNames.has(id)) || n.reload) return store.reload();
    }),
    schema: schemaChanged,
    comments: (n) => { for (const fn of ctx.commentWatchers) fn(n); },
    presence: (viewers) => {
      const others = viewers.filter((v) => v.id !== state.user?.id);
      const names = others.flatMap((v, i) => [...(i ? [', '] : []), h('span', { class: 'viewer', title: v.email }, v.name)]);
      ctx.presence.replaceChildren(...(others.length ? ['Also here: ', ...names] : []));
    },
    resync: ctx.guard(() => store.reload()),
  });
}

// The table's fields in the view's order (its fieldOrder; fields it does not name keep their
// place after those), the primary field first.
function orderedFields(table, view) {
  const order = view.fieldOrder || [];
  const rank = (f) => (f.id === table.primaryFieldId ? -1 : order.includes(f.id) ? order.indexOf(f.id) : order.length + table.fields.indexOf(f));
  return [...table.fields].sort((a, b) => rank(a) - rank(b));
}

// What the page's parts share: the schema, permissions, the store, the error line and the panel.
function pageContext(app, baseId, schema, table, view) {
  const error = h('p', { class: 'error', role: 'alert' });
  const panel = h('div', { id: 'panel' });
  return {
    app, baseId, schema, table, view, error, panel,
    canEdit: schema.permissionLevel === 'edit' || schema.permissionLevel === 'create',
    canSchema: schema.permissionLevel === 'create',
    fieldById: new Map(table.fields.map((f) => [f.id, f])),
    shown: orderedFields(table, view).filter((f) => !view.hiddenFieldIds.includes(f.id)),
    store: new RecordStore(baseId, table),
    presence: h('span', { class: 'presence muted', id: 'presence', 'aria-live': 'polite' }),
    commentWatchers: new Set(),  // open record panels: fn(notice) when a record's comments change
    rerender: (keep) => renderBase(app, baseId, table.id, view.id, keep),
    saveView: (body) => api('PATCH', `web/${baseId}/${table.id}/views/${view.id}`, body),
    openPanel: (el) => panel.replaceChildren(el),
    closePanel: () => panel.replaceChildren(),
    // Runs `fn`, showing its error (if any) on the page.
    guard: (fn) => async (...args) => {
      error.textContent = '';
      try { return await fn(...args); } catch (e) { error.textContent = e.message; }
    },
  };
}

function baseCard(ctx) {
  const { baseId, schema, table, view } = ctx;
  return h('div', { class: 'card' }, h('h1', {}, schema.name, ' ', ctx.presence), h('p', {}, 'Base ', h('code', { id: 'base-id' }, baseId), ' · table ', h('code', {}, table.id), ' · view ', h('code', {}, view.id)),
    h('p', { class: 'muted' }, 'The ids in this page’s address are the ones the API takes, as on Airtable. ', h('a', { href: `/${baseId}/api`, 'data-link': true, id: 'api-link' }, 'API documentation for this base')),
    ctx.canSchema ? shareForm(ctx) : '');
}

// Asks for a name (the browser's prompt) and runs `then` with it, showing errors on the page.
const askName = (ctx, question, current, then) => async () => {
  const name = prompt(question, current);
  if (name) await ctx.guard(then)(name);
};

function tableTabs(ctx) {
  const { baseId, schema, table } = ctx;
  const tabs = schema.tables.map((t) => h('a', { href: `/${baseId}/${t.id}`, 'data-link': true, class: t.id === table.id ? 'active' : '' }, t.name));
  if (!ctx.canSchema) return h('nav', { class: 'tabs', id: 'tables' }, tabs);
  return h('nav', { class: 'tabs', id: 'tables' }, tabs,
    h('button', { type: 'button', class: 'secondary small', id: 'add-table', title: 'Add a table', onclick: askName(ctx, 'Name of the new table', '', async (name) => {
      const t = await v0('POST', `meta/bases/${baseId}/tables`, { name, fields: [{ name: 'Name', type: 'singleLineText' }] });
      go(`/${baseId}/${t.id}`);
    }) }, '+ Table'),
    h('button', { type: 'button', class: 'secondary small', id: 'rename-table', onclick: askName(ctx, 'New name for the table', table.name, async (name) => {
      await v0('PATCH', `meta/bases/${baseId}/tables/${table.id}`, { name });
      await ctx.rerender();
    }) }, 'Rename table'),
    schema.tables.length > 1 ? h('button', { type: 'button', class: 'danger small', id: 'delete-table', onclick: ctx.guard(async () => {
      if (!confirm(`Delete the table “${table.name}” and all its records?`)) return;
      await api('DELETE', `web/${baseId}/${table.id}`);
      go(`/${baseId}`);
    }) }, 'Delete table') : '');
}

// The buttons that add, rename and delete views and open the sort, filter and hide panels.
function viewButtons(ctx) {
  const { baseId, table, view } = ctx;
  const counted = (label, n) => `${label}${n ? ` (${n})` : ''}`;
  return [
    h('button', { type: 'button', class: 'secondary small', id: 'new-view', onclick: (e) => openPopover(e.currentTarget, newViewForm(ctx)) }, '+ View'),
    h('button', { type: 'button', class: 'secondary small', id: 'rename-view', onclick: askName(ctx, 'New name for the view', view.name, async (name) => {
      await ctx.saveView({ name });
      await ctx.rerender();
    }) }, 'Rename'),
    table.views.length > 1 ? h('button', { type: 'button', class: 'secondary small', id: 'delete-view', onclick: ctx.guard(async () => {
      if (!confirm(`Delete the view “${view.name}”?`)) return;
      await api('DELETE', `web/${baseId}/${table.id}/views/${view.id}`);
      go(`/${baseId}/${table.id}`);
    }) }, 'Delete view') : '',
    h('span', { class: 'sep' }),
    h('button', { type: 'button', class: 'secondary small', id: 'sort-button', onclick: () => ctx.openPanel(sortPanel(ctx)) }, counted('Sort', view.sorts.length)),
    h('button', { type: 'button', class: 'secondary small', id: 'filter-button', onclick: () => ctx.openPanel(filterPanel(ctx)) }, counted('Filter', view.filters.conditions.length)),
    h('button', { type: 'button', class: 'secondary small', id: 'hide-button', onclick: () => ctx.openPanel(hidePanel(ctx)) }, counted('Hide fields', view.hiddenFieldIds.length)),
    (view.type || 'grid') === 'grid' ? h('button', { type: 'button', class: 'secondary small', id: 'group-button', onclick: () => ctx.openPanel(groupPanel(ctx)) }, counted('Group', (view.groupBy || []).length)) : '',
    view.type === 'grid' || !view.type ? h('select', { id: 'row-height', 'aria-label': 'Row height', onchange: ctx.guard(async (e) => {
      await ctx.saveView({ rowHeight: e.target.value });
      await ctx.rerender();
    }) }, Object.entries({ short: 'Short rows', medium: 'Medium rows', tall: 'Tall rows', extraTall: 'Extra tall rows' }).map(([k, l]) => h('option', { value: k, selected: (view.rowHeight || 'short') === k }, l))) : '',
  ];
}

function viewBar(ctx, count) {
  const { baseId, table, view } = ctx;
  let searchTimer = 0;
  return h('div', { class: 'view-bar' },
    h('label', { class: 'inline-label', for: 'view-select' }, 'View '),
    h('select', { id: 'view-select', onchange: (e) => go(`/${baseId}/${table.id}/${e.target.value}`) }, table.views.map((v) => h('option', { value: v.id, selected: v.id === view.id }, v.name))),
    ctx.canEdit ? viewButtons(ctx) : '',
    h('span', { class: 'sep' }), count,
    h('input', { type: 'search', id: 'grid-search', placeholder: 'Search this view', 'aria-label': 'Search this view', oninput: (e) => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(ctx.guard(() => ctx.store.loadIds(view.id, searchFormula(ctx.shown, e.target.value))), 250);
    } }),
    h('span', { class: 'sep' }),
    h('button', { type: 'button', class: 'secondary small', id: 'export-csv', onclick: ctx.guard(() => exportCsv(ctx)) }, 'Download CSV'),
    ctx.canEdit ? [h('label', { class: 'secondary small file-button', for: 'import-csv' }, 'Import CSV'),
      h('input', { type: 'file', id: 'import-csv', accept: '.csv,text/csv', hidden: true, onchange: ctx.guard(async (e) => {
        const file = e.target.files[0];
        if (file) await importCsv(ctx, await file.text());
        e.target.value = '';
      }) })] : '',
    h('span', { class: 'muted', id: 'csv-progress' }));
}

// A search narrows the view to records whose shown cells contain the text (case-insensitive),
// as a filterByFormula the server runs, so 100,000 records are searched by the server.
function searchFormula(shown, term) {
  const text = term.trim();
  if (!text) return '';
  const literal = JSON.stringify(text.toLowerCase());  // a valid formula string literal
  const terms = shown.filter((f) => fieldType(f).searchable).map((f) => `FIND(${literal}, LOWER({${f.id}}&""))>0`);
  return terms.length ? `OR(${terms.join(',')})` : 'FALSE()';
}

// Exports the view as it is shown: its records in order, its visible fields, cells as text.
async function exportCsv(ctx) {
  const { shown, table, view } = ctx;
  const rows = [shown.map((f) => f.name)];
  for await (const r of ctx.store.all()) rows.push(shown.map((f) => csvText(f, r.fields[f.name])));
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
async function importCsv(ctx, text) {
  const { baseId, table } = ctx;
  const progress = document.getElementById('csv-progress');
  const rows = parseCsv(text);
  if (rows.length < 2) throw new Error('The CSV file needs a header row and at least one record');
  const byName = new Map(table.fields.map((f) => [f.name.toLowerCase(), f]));
  const columns = [];
  for (const name of rows[0].map((s) => s.trim())) {
    let f = byName.get(name.toLowerCase());
    if (!f && name && ctx.canSchema) {
      f = await v0('POST', `meta/bases/${baseId}/tables/${table.id}/fields`, { name, type: 'singleLineText' });
      byName.set(name.toLowerCase(), f);
    }
    columns.push(f && !isReadOnly(f) ? f : null);
  }
  const records = rows.slice(1).map((r) => {
    const fields = {};
    columns.forEach((f, i) => { if (f && r[i] !== undefined && r[i] !== '') fields[f.name] = r[i]; });
    return { fields };
  });
  await ctx.store.createMany(records, (done, total) => { progress.textContent = `Imported ${done} of ${total}`; });
  await ctx.rerender();
  document.getElementById('csv-progress').textContent = `Imported ${records.length} records`;
}

// A new view: its name, its type and the field that type lays records out by.
function newViewForm(ctx) {
  const { baseId, table } = ctx;
  const name = h('input', { type: 'text', name: 'name', required: true, 'aria-label': 'View name', value: `Grid ${table.views.length + 1}` });
  const type = h('select', { name: 'type', 'aria-label': 'View type' }, Object.entries(VIEW_KINDS).map(([k, v]) => h('option', { value: k }, `${v.icon} ${v.label}`)));
  const field = h('select', { name: 'field', 'aria-label': 'Layout field' });
  const fieldRow = h('label', { class: 'popover-option' }, h('span', {}), field);
  const sync = () => {
    const kind = VIEW_KINDS[type.value];
    if (!name.dataset.edited) name.value = `${kind.label} ${table.views.length + 1}`;
    const fits = kind.fits ? table.fields.filter(kind.fits) : [];
    fieldRow.hidden = !kind.key;
    fieldRow.firstChild.textContent = kind.asks || '';
    field.replaceChildren(...(kind.optional ? [h('option', { value: '' }, 'The first attachment field')] : []), ...fits.map((f) => h('option', { value: f.id }, f.name)));
  };
  name.addEventListener('input', () => { name.dataset.edited = '1'; });
  type.addEventListener('change', sync);
  const f = h('form', { id: 'new-view-form', onsubmit: ctx.guard(async (e) => {
    e.preventDefault();
    const kind = VIEW_KINDS[type.value];
    const body = { name: name.value, type: type.value };
    if (kind.key && field.value) body[kind.key] = field.value;
    else if (kind.key && !kind.optional) throw new Error(`A ${kind.label.toLowerCase()} view needs a field: ${kind.asks.toLowerCase()}`);
    const v = await api('POST', `web/${baseId}/${table.id}/views`, body);
    document.getElementById('popover')?.remove();
    go(`/${baseId}/${table.id}/${v.id}`);
  }) }, h('h3', {}, 'Add a view'), name, type, fieldRow,
  h('div', { class: 'popover-actions' }, h('button', { type: 'submit' }, 'Create view'), ' ',
    h('button', { type: 'button', class: 'secondary', onclick: () => document.getElementById('popover')?.remove() }, 'Cancel')));
  sync();
  return f;
}

// Above a kanban, gallery or calendar: the field it lays records out by, changeable.
function layoutBar(ctx) {
  const { view, table } = ctx;
  const kind = VIEW_KINDS[view.type];
  if (!kind?.key) return '';
  const select = h('select', { id: 'layout-field', 'aria-label': kind.asks, disabled: !ctx.canEdit, onchange: ctx.guard(async () => {
    await ctx.saveView({ [kind.key]: select.value || null });
    await ctx.rerender();
  }) }, ...(kind.optional || !view[kind.key] ? [h('option', { value: '' }, kind.optional ? 'The first attachment field' : '—')] : []),
  ...table.fields.filter(kind.fits).map((f) => h('option', { value: f.id, selected: f.id === view[kind.key] }, f.name)));
  return h('div', { class: 'layout-bar' }, h('label', { class: 'inline-label', for: 'layout-field' }, `${kind.asks} `), select);
}

// A popover below `anchor` holding `content`; Escape or a click outside closes it.
function openPopover(anchor, content) {
  document.getElementById('popover')?.remove();
  const box = anchor.getBoundingClientRect();
  const pop = h('div', { class: 'popover', id: 'popover', role: 'dialog', style: `top:${box.bottom + window.scrollY + 4}px;left:${Math.max(8, Math.min(box.left + window.scrollX - 280, document.documentElement.clientWidth - 360))}px` }, content);
  const close = () => { pop.remove(); document.removeEventListener('mousedown', outside, true); };
  const outside = (e) => { if (!pop.contains(e.target) && e.target !== anchor) close(); };
  pop.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
  document.addEventListener('mousedown', outside, true);
  document.body.append(pop);
  pop.querySelector('input, select, textarea')?.focus();
  return close;
}

// The "+" at the end of the grid's header: a field's name, type and the options its type takes
// (choices, a formula, the linked table), as Airtable's field popover.
function addFieldForm(ctx) {
  const { baseId, schema, table } = ctx;
  const choices = h('textarea', { name: 'choices', rows: 3, placeholder: 'One choice per line', 'aria-label': 'Choices' });
  const formula = h('input', { type: 'text', name: 'formula', placeholder: 'e.g. {Price} * {Quantity}', 'aria-label': 'Formula' });
  const linked = h('select', { name: 'linkedTable', 'aria-label': 'Linked table' }, schema.tables.map((t) => h('option', { value: t.id }, `links to ${t.name}`)));
  const extra = {
    choices: h('label', { class: 'popover-option' }, 'Choices', choices),
    formula: h('label', { class: 'popover-option' }, 'Formula', formula),
    links: h('label', { class: 'popover-option' }, 'Table to link to', linked),
  };
  const type = h('select', { name: 'type', 'aria-label': 'Field type' }, [...CREATABLE_TYPES, 'formula', 'multipleRecordLinks'].map((t) => h('option', { value: t }, `${fieldType(t).icon} ${fieldType(t).label}`)));
  const kindOf = (t) => (fieldType(t).choices ? 'choices' : t === 'formula' ? 'formula' : fieldType(t).links ? 'links' : '');
  const showOptions = () => { for (const [k, el] of Object.entries(extra)) el.hidden = kindOf(type.value) !== k; };
  type.addEventListener('change', showOptions);
  const f = h('form', { id: 'add-field', class: 'add-field-form', onsubmit: ctx.guard(async (e) => {
    e.preventDefault();
    const t = type.value;
    const names = choices.value.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
    const opts = { choices: { choices: names.map((name) => ({ name })) }, formula: { formula: formula.value }, links: { linkedTableId: linked.value } }[kindOf(t)];
    await v0('POST', `meta/bases/${baseId}/tables/${table.id}/fields`, { name: f.querySelector('[name=name]').value, type: t, options: opts });
    document.getElementById('popover')?.remove();
    await ctx.rerender({ scrollTop: ctx.grid.el.scrollTop });
  }) }, h('h3', {}, 'Add a field'),
  h('input', { type: 'text', name: 'name', placeholder: 'Field name', required: true, 'aria-label': 'Field name' }),
  type, extra.choices, extra.formula, extra.links,
  h('div', { class: 'popover-actions' }, h('button', { type: 'submit' }, 'Create field'), ' ',
    h('button', { type: 'button', class: 'secondary', onclick: () => document.getElementById('popover')?.remove() }, 'Cancel')));
  showOptions();
  return f;
}

function shareForm(ctx) {
  const f = h('form', { class: 'inline', id: 'share-base', onsubmit: ctx.guard(async (e) => {
    e.preventDefault();
    const fd = new FormData(f);
    await api('POST', `bases/${ctx.baseId}/members`, { email: fd.get('email'), role: fd.get('role') });
    f.reset();
    f.querySelector('.done').textContent = 'Shared.';
  }) }, h('strong', {}, 'Share this base '), h('input', { type: 'email', name: 'email', placeholder: 'Email', required: true, 'aria-label': 'Share with (email)' }), ' ',
  h('select', { name: 'role', 'aria-label': 'Role' }, ROLES.map((r) => h('option', { value: r }, r))), ' ',
  h('button', { type: 'submit' }, 'Share'), ' ', h('span', { class: 'done muted' }));
  return f;
}
