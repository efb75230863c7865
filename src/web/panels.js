// The base page's panels, each opened above the grid by a button and built from the page's
// context (src/web/base.js `ctx`): a view's sorts, its filter, its hidden fields, one field's
// name, type, description, choices or formula, and one record's cells with its comments. Each
// saves through the API and then redraws the page (`ctx.rerender`) or, for records, the store.
import { h, api, v0, state } from '/util.js';
import { fieldType, CREATABLE_TYPES, isDateType, isReadOnly, cellContent, editorFor, choiceNames, options, conditionValueInput } from '/fields.js';

const OPERATOR_LABELS = {
  contains: 'contains', doesNotContain: 'does not contain', '=': 'is', '!=': 'is not', '<': '<', '>': '>',
  '<=': '≤', '>=': '≥', isEmpty: 'is empty', isNotEmpty: 'is not empty', isAnyOf: 'is any of',
  isNoneOf: 'is none of', hasAnyOf: 'has any of', hasAllOf: 'has all of',
};
const DATE_LABELS = { '=': 'is', '!=': 'is not', '<': 'is before', '>': 'is after', '<=': 'is on or before', '>=': 'is on or after' };
const opLabel = (f, op) => (isDateType(f) && DATE_LABELS[op]) || OPERATOR_LABELS[op] || op;

const closeButton = (ctx) => h('button', { type: 'button', class: 'secondary', onclick: () => ctx.closePanel() }, 'Close');
const fieldSelect = (table, selected, role = 'field') => h('select', { 'data-role': role, 'aria-label': 'Field' }, table.fields.map((f) => h('option', { value: f.id, selected: f.id === selected }, f.name)));

export const sortPanel = (ctx) => orderPanel(ctx, { key: 'sorts', id: 'sort', title: 'Sort', add: '+ Add sort', save: 'Save sort' });
// The grid's groups: by up to three fields, outermost first, each ascending or descending.
export const groupPanel = (ctx) => orderPanel(ctx, { key: 'groupBy', id: 'group', title: 'Group records by', add: '+ Add group', save: 'Save groups', max: 3 });

// A list of fields with a direction each: a view's sorts, or its groups.
function orderPanel(ctx, { key, id, title, add, save, max = Infinity }) {
  const { table, view } = ctx;
  const rows = h('div', {});
  const addRow = (s = { fieldId: table.fields[0].id, direction: 'asc' }) => {
    if (rows.querySelectorAll('.sort-row').length >= max) return;
    const r = h('div', { class: 'panel-row sort-row' }, fieldSelect(table, s.fieldId),
      h('select', { 'data-role': 'direction', 'aria-label': 'Direction' }, options(['asc', 'desc'], s.direction, { asc: 'A → Z, 1 → 9', desc: 'Z → A, 9 → 1' })),
      h('button', { type: 'button', class: 'secondary small', onclick: () => r.remove() }, 'Remove'));
    rows.append(r);
  };
  (view[key] || []).forEach(addRow);
  return h('div', { class: 'card', id: `${id}-panel` }, h('h2', {}, title), rows,
    h('button', { type: 'button', class: 'secondary', id: `add-${id}`, onclick: () => addRow() }, add), ' ',
    h('button', { type: 'button', id: `save-${id}`, onclick: ctx.guard(async () => {
      const list = [...rows.querySelectorAll('.sort-row')].map((r) => ({ fieldId: r.querySelector('[data-role=field]').value, direction: r.querySelector('[data-role=direction]').value }));
      await ctx.saveView({ [key]: list.length || key === 'sorts' ? list : null });
      await ctx.rerender();
    }) }, save), ' ', closeButton(ctx));
}

// One condition row: field, operator (the field's own list) and a value input that follows both.
function conditionRow(ctx, c) {
  const { table, fieldById } = ctx;
  let field = fieldById.get(c?.fieldId) || table.fields[0];
  let value = { read: () => null };
  const opSelect = h('select', { 'data-role': 'operator', 'aria-label': 'Operator' });
  const valueSlot = h('span', {});
  const setOps = (op) => {
    opSelect.replaceChildren(...field.filterOperators.map((o) => h('option', { value: o, selected: o === op }, opLabel(field, o))));
  };
  const setValue = (v) => { value = conditionValueInput(field, opSelect.value, v); valueSlot.replaceChildren(value.el); };
  const fs = fieldSelect(table, field.id);
  fs.addEventListener('change', () => { field = fieldById.get(fs.value); setOps(); setValue(); });
  opSelect.addEventListener('change', () => setValue());
  setOps(c?.operator);
  setValue(c?.value);
  const r = h('div', { class: 'panel-row condition' }, fs, opSelect, valueSlot,
    h('button', { type: 'button', class: 'secondary small', onclick: () => r.remove() }, 'Remove'));
  r.read = () => ({ fieldId: field.id, operator: opSelect.value, value: value.read() });
  return r;
}

export function filterPanel(ctx) {
  const { view } = ctx;
  const rows = h('div', {}, (view.filters?.conditions || []).map((c) => conditionRow(ctx, c)));
  const conj = h('select', { id: 'conjunction', 'aria-label': 'Match' }, options(['and', 'or'], view.filters?.conjunction || 'and', { and: 'all conditions', or: 'any condition' }));
  return h('div', { class: 'card', id: 'filter-panel' }, h('h2', {}, 'Filter'), h('p', {}, 'Show records that match ', conj), rows,
    h('button', { type: 'button', class: 'secondary', id: 'add-condition', onclick: () => rows.append(conditionRow(ctx)) }, '+ Add condition'), ' ',
    h('button', { type: 'button', id: 'apply-filter', onclick: ctx.guard(async () => {
      await ctx.saveView({ filters: { conjunction: conj.value, conditions: [...rows.querySelectorAll('.condition')].map((r) => r.read()) } });
      await ctx.rerender();
    }) }, 'Apply filter'), ' ', closeButton(ctx));
}

export function hidePanel(ctx) {
  const { table, view } = ctx;
  const boxes = table.fields.map((f) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: f.id, checked: !view.hiddenFieldIds.includes(f.id), disabled: f.id === table.primaryFieldId }), f.name));
  return h('div', { class: 'card', id: 'hide-panel' }, h('h2', {}, 'Fields shown in this view'), boxes,
    h('button', { type: 'button', id: 'save-hidden', onclick: ctx.guard(async () => {
      await ctx.saveView({ hiddenFieldIds: boxes.map((b) => b.querySelector('input')).filter((i) => !i.checked).map((i) => i.value) });
      await ctx.rerender();
    }) }, 'Save'), ' ', closeButton(ctx));
}

// The options a field panel sends back: the edited choices (keeping the ids and colours of the
// ones that stay) or the edited formula; undefined when neither changed.
function editedOptions(f, choices, formula) {
  if (choices) {
    const old = new Map((f.options.choices || []).map((c) => [c.name, c]));
    const keep = (n) => (old.has(n) ? { id: old.get(n).id, name: n, ...(old.get(n).color ? { color: old.get(n).color } : {}) } : { name: n });
    return { choices: choices.value.split('\n').map((x) => x.trim()).filter(Boolean).map(keep) };
  }
  if (formula && formula.value !== f.options?.formula) return { formula: formula.value };
  return undefined;
}

export function fieldPanel(ctx, f) {
  const { baseId, table } = ctx;
  const convertible = CREATABLE_TYPES.includes(f.type);
  const name = h('input', { type: 'text', id: 'field-name', value: f.name, 'aria-label': 'Field name' });
  const description = h('textarea', { id: 'field-description', rows: 2, 'aria-label': 'Description' }, f.description || '');
  const type = h('select', { id: 'field-type', 'aria-label': 'Field type', disabled: !convertible },
    (convertible ? CREATABLE_TYPES : [f.type]).map((t) => h('option', { value: t, selected: t === f.type }, fieldType(t).label || t)));
  const choices = fieldType(f).choices ? h('textarea', { id: 'field-choices', rows: 5, 'aria-label': 'Choices' }, choiceNames(f).join('\n')) : null;
  const formula = f.type === 'formula' ? h('textarea', { id: 'field-formula', rows: 3, 'aria-label': 'Formula' }, f.options?.formula || '') : null;
  const save = ctx.guard(async () => {
    if (type.value !== f.type) {
      if (!confirm(`Change “${f.name}” from ${fieldType(f).label} to ${fieldType(type.value).label}? Every cell is converted.`)) return;
      await api('PATCH', `web/${baseId}/${table.id}/fields/${f.id}`, { type: type.value });
    }
    const patch = { name: name.value, description: description.value };
    const opts = type.value === f.type ? editedOptions(f, choices, formula) : undefined;
    if (opts) patch.options = opts;
    await v0('PATCH', `meta/bases/${baseId}/tables/${table.id}/fields/${f.id}`, patch);
    await ctx.rerender();
  });
  const remove = ctx.guard(async () => {
    if (!confirm(`Delete the field “${f.name}” and all its values?`)) return;
    await api('DELETE', `web/${baseId}/${table.id}/fields/${f.id}`);
    await ctx.rerender();
  });
  return h('div', { class: 'card', id: 'field-panel' }, h('h2', {}, `Field “${f.name}”`),
    h('p', { class: 'muted' }, 'id ', h('code', {}, f.id)),
    h('label', { for: 'field-name' }, 'Name'), name,
    h('label', { for: 'field-type' }, 'Type'), type,
    convertible ? h('p', { class: 'muted' }, 'Changing the type converts every cell; values that do not fit the new type are cleared.') : '',
    h('label', { for: 'field-description' }, 'Description'), description,
    choices ? [h('label', { for: 'field-choices' }, 'Choices (one per line)'), choices] : '',
    formula ? [h('label', { for: 'field-formula' }, 'Formula'), formula] : '',
    h('div', {}, h('button', { type: 'button', id: 'save-field', onclick: save }, 'Save field'), ' ',
      f.id !== table.primaryFieldId ? h('button', { type: 'button', class: 'danger', id: 'delete-field', onclick: remove }, 'Delete field') : '', ' ', closeButton(ctx)));
}

// A record's comments (the public comments API, as the signed-in user): the list, and the
// edit and delete buttons on the user's own.
function commentList(ctx, commentsPath) {
  const list = h('div', { class: 'comments', id: 'comments' });
  const shownText = (c) => c.text.replace(/@\[(usr[A-Za-z0-9]{14})\]/g, (m, uid) => (c.mentioned?.[uid] ? `@${c.mentioned[uid].displayName}` : m));
  const item = (c) => {
    const mine = c.author.id === state.user?.id;
    return h('div', { class: 'comment', 'data-comment-id': c.id },
      h('strong', {}, c.author.name || c.author.email), ' ',
      h('span', { class: 'muted' }, new Date(c.createdTime).toLocaleString(), c.lastUpdatedTime ? ' (edited)' : '', c.parentCommentId ? ' · reply' : ''),
      h('p', { class: 'comment-text' }, shownText(c)),
      mine ? [h('button', { type: 'button', class: 'secondary small edit-comment', onclick: ctx.guard(async () => {
        const next = prompt('Edit your comment', c.text);
        if (next) { await v0('PATCH', `${commentsPath}/${c.id}`, { text: next }); await list.load(); }
      }) }, 'Edit'), ' ', h('button', { type: 'button', class: 'danger small delete-comment', onclick: ctx.guard(async () => {
        if (!confirm('Delete this comment?')) return;
        await v0('DELETE', `${commentsPath}/${c.id}`);
        await list.load();
      }) }, 'Delete')] : '');
  };
  list.load = ctx.guard(async () => {
    const { comments } = await v0('GET', commentsPath);
    list.replaceChildren(...(comments.length ? comments.map(item) : [h('p', { class: 'muted' }, 'No comments yet.')]));
  });
  return list;
}

// A record's cells, each editable with its type's editor (a click, or Enter on a focused cell;
// Enter or leaving it saves, Escape cancels), kept current from the store while the panel is
// open, and its comments beside them.
export function recordPanel(ctx, id) {
  const { baseId, table, schema, store } = ctx;
  const commentsPath = `${baseId}/${table.id}/${id}/comments`;
  const list = commentList(ctx, commentsPath);
  const text = h('textarea', { id: 'comment-text', rows: 2, 'aria-label': 'Comment', placeholder: 'Add a comment' });
  const title = h('h2', {});
  const cells = h('dl', { class: 'record-fields' });
  let editing = null;  // the field being edited: the store's changes do not redraw under it
  const canEdit = ctx.canEdit;
  const edit = (f, dd) => {
    if (editing || !canEdit || isReadOnly(f) || fieldType(f).files) return;
    if (fieldType(f).toggles) return ctx.guard(() => store.update(id, { [f.name]: !store.get(id)?.fields[f.name] }))();
    editing = f;
    const ed = editorFor(f, store.get(id)?.fields[f.name]);
    let done = false;
    const finish = (commit) => {
      if (done) return;
      done = true;
      editing = null;
      const value = commit ? ed.read() : undefined;
      fill();
      if (commit) ctx.guard(async () => store.update(id, { [f.name]: await value }))();
    };
    ed.el.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Escape') finish(false);
      else if (e.key === 'Enter' && (ed.el.tagName !== 'TEXTAREA' || e.ctrlKey || e.metaKey)) { e.preventDefault(); finish(true); }
    });
    if (ed.commitOnChange) ed.el.addEventListener('change', () => finish(true));
    ed.el.addEventListener('focusout', (e) => { if (!ed.el.contains(e.relatedTarget)) finish(true); });
    dd.replaceChildren(ed.el);
    dd.classList.add('editing');
    (ed.focus || ed.el).focus();
  };
  const fill = () => {
    if (editing) return;
    const rec = store.get(id);
    title.textContent = rec?.fields[table.fields[0].name] ?? id;
    cells.replaceChildren(...table.fields.flatMap((f) => {
      const editable = canEdit && !isReadOnly(f) && !fieldType(f).files;
      const dd = h('dd', { 'data-field': f.name, class: editable ? 'editable' : '', tabindex: editable ? 0 : -1 },
        cellContent(f, rec?.fields[f.name], store.linkNames, store.dateText.get(id)?.[f.name]) || '—');
      if (editable) {
        dd.addEventListener('click', () => edit(f, dd));
        dd.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !editing) { e.preventDefault(); edit(f, dd); } });
      }
      return [h('dt', {}, h('span', { class: 'field-icon', 'aria-hidden': 'true' }, fieldType(f).icon), f.name), dd];
    }));
  };
  fill();
  const panel = h('div', { class: 'card record-panel', id: 'record-panel', 'data-record-id': id, role: 'dialog', 'aria-label': 'Expanded record' },
    h('div', { class: 'record-head' }, title, closeButton(ctx)),
    h('p', { class: 'muted' }, 'Record ', h('code', {}, id)),
    h('div', { class: 'record-layout' }, cells,
      h('section', { class: 'record-comments' }, h('h3', {}, 'Comments'), list,
        schema.permissionLevel !== 'read' ? h('div', {}, text, h('button', { type: 'button', id: 'post-comment', onclick: ctx.guard(async () => {
          if (!text.value.trim()) return;
          await v0('POST', commentsPath, { text: text.value });
          text.value = '';
          await list.load();
        }) }, 'Comment')) : '')));
  const unsubscribe = store.subscribe((change) => {
    if (!panel.isConnected) unsubscribe();
    else if (change.ids?.includes(id)) fill();
  });
  const watch = (n) => {  // comments posted, edited or deleted elsewhere
    if (!panel.isConnected) ctx.commentWatchers.delete(watch);
    else if (n.record === id) ctx.guard(() => list.load())();
  };
  ctx.commentWatchers.add(watch);
  list.load();
  return panel;
}
