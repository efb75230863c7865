// The grid view: one view type among views (src/web/base.js picks it by the view's type). It
// shows a RecordStore (src/web/store.js) as a table that stays fast on 100,000 records: it keeps
// only the rows in sight in the DOM, asks the store for the records they show (100 at a time),
// and repaints when the store says something changed. It holds the active cell and a selected
// range (clicks, drags, arrows, Shift, Tab), opens the field type's editor (src/web/fields.js)
// on Enter, a double click or a typed key, and writes cells through the store, which records
// every write for undo and redo (Ctrl/Cmd+Z, Shift+Ctrl/Cmd+Z, Ctrl+Y). Delete clears the
// range; copy puts it on the clipboard as tab-separated text, paste writes such text from the
// active cell (adding records past the last row; one value fills the whole range); the fill
// handle drags the active cell's value down. It knows nothing of the page around it: sorting
// and a field's menu are callbacks.
//
// A view type is a function from these options to an object with `el` (its element),
// `scrollToEnd()` (show a record just added) and `destroy()` (stop following the store).
import { h } from '/util.js';
import { fieldType, isReadOnly, cellContent, cellText, cellAlign, csvText, editorFor } from '/fields.js';
import { parseTsv, toTsv } from '/csv.js';

// px: a row's height for each of the view's row heights (.grid.rows-* td in style.css)
export const ROW_HEIGHTS = { short: 34, medium: 56, tall: 88, extraTall: 128 };
const DEFAULT_WIDTH = 192;  // px: a column the view has no width for (12rem)
const OVERSCAN = 12;  // rows rendered above and below the visible ones
const MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

// `shown`: the view's visible fields in order; `sorts`: the view's sorts (for the header's
// arrows); `onSort(field, itsSort)`, `onFieldMenu(field)` (null: no menu), `onExpand(id)`;
// `guard(fn)` wraps an action so that its error is shown on the page.
export const gridView = (options) => new Grid(options);

class Grid {
  constructor({ store, shown, sorts, canEdit, guard, onSort, onFieldMenu, onExpand, onAddField, primaryFieldId, view, onSummary, onLayout }) {
    Object.assign(this, { store, shown, sorts, canEdit, guard, onSort, onFieldMenu, onExpand, onAddField, primaryFieldId, onSummary, onLayout });
    this.summaryKinds = { ...(view?.summary || {}) };  // field id -> what its summary shows
    this.collapsed = new Set();  // the groups the user folded, by their keys' path
    this.rowHeight = ROW_HEIGHTS[view?.rowHeight] ? view.rowHeight : 'short';
    this.rowH = ROW_HEIGHTS[this.rowHeight];
    this.widths = { ...(view?.columnWidths || {}) };  // field id -> px
    this.editing = false;
    this.active = null;  // { row, col } as indexes into store.ids and shown
    this.ext = null;     // the range's other corner (null: the active cell alone)
    this.fillTo = null;  // while the fill handle is dragged: the last row it reaches
    this.paintedRange = '';
    this.body = h('tbody', {});
    this.el = h('div', { class: 'grid-scroll', id: 'grid-scroll', tabindex: 0 },
      h('table', { id: 'grid', class: `grid rows-${this.rowHeight}` }, h('thead', {}, this.header()), this.body, this.foot = h('tfoot', {})));
    this.el.addEventListener('keydown', (e) => this.onKey(e));
    this.el.addEventListener('copy', (e) => this.onCopy(e));
    this.el.addEventListener('paste', (e) => this.onPaste(e));
    this.dragging = false;  // a range or a fill is being dragged with the mouse
    this.onMouseUp = () => this.endDrag();
    window.addEventListener('mouseup', this.onMouseUp);
    let frame = 0;
    this.el.addEventListener('scroll', () => {
      if (!frame) frame = requestAnimationFrame(() => { frame = 0; this.paint(true); });
    });
    this.save = guard(async (id, f, value) => store.update(id, { [f.name]: await value }));  // a picker's value may come later
    this.unsubscribe = store.subscribe((change) => {
      if (change.kind === 'error') return guard(() => { throw change.error; })();
      if (change.kind === 'reset' && !change.keep) { this.active = null; this.el.scrollTop = 0; }
      if (change.kind === 'reset' || change.kind === 'insert' || change.kind === 'remove') this.buildItems();
      if (this.editing && change.remote && change.ids.includes(this.edit.id)) this.showConflict();
      this.paint();
      this.refreshSummary();
    });
  }

  destroy() { this.unsubscribe(); window.removeEventListener('mouseup', this.onMouseUp); }

  // ---- the summary bar: under each column, what the user chose to see of it ----

  summaryChoices(f) {
    // Stored numbers (the server sums those; a formula's are computed as they are read).
    const numeric = ['number', 'currency', 'percent', 'duration', 'rating', 'autoNumber'].includes(f.type);
    return [['', 'None'], ['filled', 'Filled'], ['empty', 'Empty'], ...(numeric ? [['sum', 'Sum'], ['average', 'Average'], ['min', 'Min'], ['max', 'Max']] : [])];
  }

  // Asks the server for the chosen figures (once the changes of a moment have settled).
  refreshSummary() {
    clearTimeout(this.summaryTimer);
    this.summaryTimer = setTimeout(this.guard(async () => {
      const ids = Object.keys(this.summaryKinds).filter((id) => this.shown.some((f) => f.id === id));
      this.figures = ids.length ? (await this.store.summarize(ids)).summary : {};
      this.drawSummary();
    }), this.figures ? 400 : 0);
  }

  drawSummary() {
    const label = { filled: 'Filled', empty: 'Empty', sum: 'Sum', average: 'Average', min: 'Min', max: 'Max' };
    const cells = this.shown.map((f) => {
      const kind = this.summaryKinds[f.id];
      const v = kind ? this.figures?.[f.id]?.[kind] : undefined;
      const text = v === undefined ? '' : kind === 'filled' || kind === 'empty' ? v.toLocaleString('en-US') : cellText(f, v) || String(v);
      const select = h('select', { class: 'summary-select', 'aria-label': `Summary of ${f.name}`, onchange: () => {
        if (select.value) this.summaryKinds[f.id] = select.value; else delete this.summaryKinds[f.id];
        this.onSummary?.({ ...this.summaryKinds });
        this.refreshSummary();
      } }, this.summaryChoices(f).map(([k, l]) => h('option', { value: k, selected: (kind || '') === k }, l)));
      return h('td', { 'data-field': f.name, class: `summary align-${cellAlign(f)}${f.id === this.primaryFieldId ? ' primary' : ''}` },
        h('span', { class: 'summary-value', 'data-kind': kind || '' }, kind ? [h('span', { class: 'muted' }, `${label[kind]} `), text] : ''), select);
    });
    this.foot.replaceChildren(h('tr', { class: 'summary-bar' }, h('td', { class: 'rownum muted', id: 'summary-count' }, this.store.size.toLocaleString('en-US')), cells, h('td', { class: 'actions' }, '')));
  }

  // Shows the last rows (after a record is added at the end).
  scrollToEnd() { this.el.scrollTop = this.el.scrollHeight; this.paint(); }

  header() {
    return h('tr', {}, h('th', { class: 'rownum' }, ''), this.shown.map((f) => {
      const sort = this.sorts.find((s) => s.fieldId === f.id);
      const type = fieldType(f);
      const th = h('th', { 'data-field': f.name, 'data-type': f.type, class: f.id === this.primaryFieldId ? 'primary' : '', title: [type.label || f.type, f.description].filter(Boolean).join(': '), style: `width:${this.widths[f.id] || DEFAULT_WIDTH}px` },
        h('span', { class: 'field-icon', 'aria-hidden': 'true' }, type.icon),
        h('span', { class: 'sortable', onclick: () => { if (this.canEdit) this.onSort(f, sort); } }, f.name, sort ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''),
        this.onFieldMenu ? h('button', { type: 'button', class: 'field-menu', title: `Edit field ${f.name}`, 'aria-label': `Edit field ${f.name}`, onclick: () => this.onFieldMenu(f) }, '▾') : '');
      if (this.onLayout) this.layoutHandles(th, f);
      return th;
    }), h('th', { class: 'actions' }, this.onAddField ? h('button', { type: 'button', id: 'add-field-button', class: 'secondary small add-field', title: 'Add a field', 'aria-label': 'Add a field', onclick: (e) => this.onAddField(e.currentTarget) }, '+') : ''));
  }

  // A column's edge drags its width; its header drags onto another to move it there (the primary
  // field stays first). Both are saved in the view.
  layoutHandles(th, f) {
    const grip = h('div', { class: 'col-resize', title: `Resize ${f.name}`, onmousedown: (e) => {
      e.preventDefault();
      e.stopPropagation();
      const x0 = e.clientX;
      const w0 = th.getBoundingClientRect().width;
      const move = (m) => { th.style.width = `${Math.round(Math.max(60, Math.min(1000, w0 + m.clientX - x0)))}px`; };
      const up = () => {
        window.removeEventListener('mousemove', move);
        window.removeEventListener('mouseup', up);
        this.widths[f.id] = parseInt(th.style.width, 10);
        this.onLayout({ columnWidths: { ...this.widths } });
      };
      window.addEventListener('mousemove', move);
      window.addEventListener('mouseup', up);
    } });
    th.append(grip);
    if (f.id === this.primaryFieldId) return;
    th.draggable = true;
    th.addEventListener('dragstart', (e) => { e.dataTransfer.setData('text/x-field', f.id); e.dataTransfer.effectAllowed = 'move'; });
    th.addEventListener('dragover', (e) => { if (e.dataTransfer.types.includes('text/x-field')) { e.preventDefault(); th.classList.add('drop'); } });
    th.addEventListener('dragleave', () => th.classList.remove('drop'));
    th.addEventListener('drop', (e) => {
      e.preventDefault();
      th.classList.remove('drop');
      const moved = e.dataTransfer.getData('text/x-field');
      if (!moved || moved === f.id) return;
      const order = this.shown.map((x) => x.id).filter((id) => id !== moved);
      order.splice(order.indexOf(f.id), 0, moved);
      this.onLayout({ fieldOrder: order }, true);
    });
  }

  toggle(id, f) { return this.save(id, f, !this.store.get(id).fields[f.name]); }

  // Opens the field's editor in `td`; `typed` is the key that opened it, if a key did.
  startEdit(td, f, rec, typed) {
    if (this.editing) return;
    this.editing = true;
    const ed = editorFor(f, rec.fields[f.name], typed);
    this.edit = { id: rec.id, field: f, td, ed, was: JSON.stringify(rec.fields[f.name] ?? null) };
    let done = false;
    // Leaves the editor at once (so the next keys reach the grid) and saves in the background;
    // `move` then moves the active cell (Tab: [0, ±1]).
    const finish = (commit, move) => {
      if (done) return;
      done = true;
      const value = commit ? ed.read() : undefined;
      this.editing = false;
      this.el.focus({ preventScroll: true });
      if (move && this.active) this.setActive(this.active.row + move[0], this.active.col + move[1]);
      else this.paint();
      if (commit) this.save(rec.id, f, value);
    };
    // A select changed by the keyboard (arrows, type-ahead) only moves its choice; Enter or Tab
    // commits it. A choice picked with the mouse commits at once.
    let keyed = false;
    ed.el.addEventListener('keydown', (e) => {
      e.stopPropagation();  // the grid's own keys do not apply inside an editor
      if (e.key === 'Escape') finish(false);
      else if (e.key === 'Enter' && (ed.el.tagName !== 'TEXTAREA' || e.ctrlKey || e.metaKey)) { e.preventDefault(); finish(true, [e.shiftKey ? -1 : 1, 0]); }
      else if (e.key === 'Tab') { e.preventDefault(); finish(true, [0, e.shiftKey ? -1 : 1]); }
      else keyed = true;
    });
    if (ed.commitOnChange) {
      ed.el.addEventListener('change', () => {
        if (keyed) { keyed = false; return; }
        finish(true);
      });
    }
    // Focus leaving the editor (not moving inside it, as in the link picker) commits.
    ed.el.addEventListener('focusout', (e) => { if (!ed.el.contains(e.relatedTarget)) finish(true); });
    td.classList.add('editing');
    td.replaceChildren(ed.el);
    (ed.focus || ed.el).focus();
    if (typed !== undefined && ed.el.type === 'text') ed.el.setSelectionRange(ed.el.value.length, ed.el.value.length);
  }

  // Someone else changed the record being edited: the editor stays as the user left it (what
  // typed is theirs), and says what the cell is now: Enter writes the user's value over it,
  // Escape drops the edit and shows the other value.
  showConflict() {
    const { id, field, td, was } = this.edit;
    const now = this.store.get(id)?.fields[field.name];
    if (JSON.stringify(now ?? null) === was || td.querySelector('.conflict-note')) return;
    td.classList.add('conflict');
    td.append(h('div', { class: 'conflict-note', role: 'status' },
      `Changed meanwhile to “${cellText(field, now, this.store.linkNames) || 'empty'}”. Enter keeps yours, Escape takes it.`));
  }

  // Moves the active cell (kept inside the grid) and scrolls it into sight; `extend` moves the
  // range's other corner instead (Shift).
  setActive(rowIndex, col, extend = false) {
    if (!this.store.size) return;
    const at = { row: clamp(rowIndex, 0, this.store.size - 1), col: clamp(col, 0, this.shown.length - 1) };
    if (extend && this.active) this.ext = at;
    else { this.active = at; this.ext = null; }
    const top = this.positionOf(at.row) * this.rowH;
    const visible = this.el.clientHeight - this.rowH;  // below the sticky header
    if (top < this.el.scrollTop) this.el.scrollTop = top;
    else if (top + this.rowH > this.el.scrollTop + visible) this.el.scrollTop = top + this.rowH - visible;
    this.paint();
  }

  // The selected range as { r0, r1, c0, c1 } (inclusive), or null.
  range() {
    if (!this.active) return null;
    const e = this.ext || this.active;
    return { r0: Math.min(this.active.row, e.row), r1: Math.max(this.active.row, e.row), c0: Math.min(this.active.col, e.col), c1: Math.max(this.active.col, e.col) };
  }

  inRange(row, col) {
    const r = this.range();
    return !!r && row >= r.r0 && row <= r.r1 && col >= r.c0 && col <= r.c1;
  }

  // Marks the active cell and the range on the rows in the DOM, without drawing them again (a
  // click's rows must stay the same elements until its dblclick).
  mark() {
    const fill = this.fillTo !== null && this.active ? { r0: this.active.row + 1, r1: this.fillTo, col: this.active.col } : null;
    for (const tr of this.body.querySelectorAll('tr[data-row]')) {
      const row = Number(tr.dataset.row) - 1;
      tr.querySelectorAll('td[data-col]').forEach((td) => {
        const col = Number(td.dataset.col);
        td.classList.toggle('active', !!this.active && this.active.row === row && this.active.col === col);
        td.classList.toggle('selected', !!this.ext && this.inRange(row, col));
        td.classList.toggle('filling', !!fill && col === fill.col && row >= fill.r0 && row <= fill.r1);
      });
    }
    this.body.querySelector('.fill-handle')?.remove();
    if (this.canEdit && this.active && !this.ext && !isReadOnly(this.shown[this.active.col])) {
      this.activeTd()?.append(h('div', { class: 'fill-handle', title: 'Drag to fill the cells below', onmousedown: (e) => {
        e.preventDefault();
        e.stopPropagation();
        this.dragging = 'fill';
        this.fillTo = this.active.row;
      } }));
    }
  }

  // The mouse went up: a fill writes the active cell's value into the cells it covered.
  endDrag() {
    const filling = this.dragging === 'fill';
    this.dragging = false;
    if (!filling) return;
    const to = this.fillTo;
    this.fillTo = null;
    const { row, col } = this.active;
    const f = this.shown[col];
    const source = this.store.get(this.store.ids[row]);
    this.mark();
    if (!source || to <= row) return;
    const value = source.fields[f.name] ?? null;
    const changes = this.store.ids.slice(row + 1, to + 1).map((id) => ({ id, fields: { [f.name]: value } }));
    this.guard(() => this.store.updateMany(changes))();
  }

  // The records of rows r0..r1, fetched where the grid has not loaded them.
  async recordsOf(r0, r1) {
    const ids = this.store.ids.slice(r0, r1 + 1);
    const missing = ids.filter((id) => !this.store.get(id));
    for (let i = 0; i < missing.length; i += 500) await this.store.fetch(missing.slice(i, i + 500));
    return ids.map((id) => this.store.get(id));
  }

  // Delete and Backspace: the range's editable cells are cleared (checkboxes unchecked).
  async clearRange() {
    const { r0, r1, c0, c1 } = this.range();
    const fields = this.shown.slice(c0, c1 + 1).filter((f) => !isReadOnly(f));
    if (!fields.length) return;
    const recs = await this.recordsOf(r0, r1);
    const empty = Object.fromEntries(fields.map((f) => [f.name, fieldType(f).toggles ? false : null]));
    await this.store.updateMany(recs.filter(Boolean).map((r) => ({ id: r.id, fields: empty })));
  }

  // Rows' cells of columns c0..c1 as tab-separated text: each cell as the CSV export writes it,
  // which typecast reads back (numbers, dates, choices, checkboxes as "checked").
  textOf(ids, c0, c1) {
    const fields = this.shown.slice(c0, c1 + 1);
    return toTsv(ids.map((id) => fields.map((f) => csvText(f, this.store.get(id)?.fields[f.name]))));
  }

  onCopy(e) {
    if (this.editing || !this.active) return;
    e.preventDefault();
    const { r0, r1, c0, c1 } = this.range();
    const ids = this.store.ids.slice(r0, r1 + 1);
    if (ids.every((id) => this.store.get(id))) {  // the clipboard takes it during the event
      e.clipboardData.setData('text/plain', this.textOf(ids, c0, c1));
    } else {  // rows not loaded yet: fetched first, then written to the clipboard
      this.guard(async () => {
        await this.recordsOf(r0, r1);
        await navigator.clipboard.writeText(this.textOf(ids, c0, c1));
      })();
    }
  }

  // Pasted text goes into the cells from the active one, right and down: values are written as
  // text with typecast (as if typed), read-only fields are skipped, rows past the last one become
  // new records. One value pasted on a range fills the range. Undone at once.
  onPaste(e) {
    if (this.editing || !this.active || !this.canEdit) return;
    e.preventDefault();
    const rows = parseTsv(e.clipboardData?.getData('text/plain') ?? '');
    this.guard(() => this.store.history.batch(() => this.paste(rows)))();
  }

  async paste(rows) {
    const r = this.range();
    const single = rows.length === 1 && rows[0].length === 1;
    const height = single && this.ext ? r.r1 - r.r0 + 1 : rows.length;
    const width = single && this.ext ? r.c1 - r.c0 + 1 : Math.max(...rows.map((x) => x.length));
    const value = (i, j) => (single ? rows[0][0] : rows[i]?.[j]);
    const top = single && this.ext ? r.r0 : this.active.row;
    const left = single && this.ext ? r.c0 : this.active.col;
    const fieldsOf = (i) => {
      const out = {};
      for (let j = 0; j < width && left + j < this.shown.length; j++) {
        const f = this.shown[left + j];
        const v = value(i, j);
        if (isReadOnly(f) || v === undefined) continue;
        out[f.name] = v === '' ? null : v;
      }
      return out;
    };
    const existing = Math.min(height, this.store.size - top);
    const changes = this.store.ids.slice(top, top + existing).map((id, i) => ({ id, fields: fieldsOf(i) })).filter((c) => Object.keys(c.fields).length);
    if (changes.length) await this.store.updateMany(changes);
    const extra = [];
    for (let i = existing; i < height; i++) extra.push(fieldsOf(i));
    if (extra.length) await this.store.createRecords(extra);
    this.active = { row: top, col: left };
    this.ext = height > 1 || width > 1 ? { row: top + height - 1, col: Math.min(left + width - 1, this.shown.length - 1) } : null;
    this.paint();
  }

  activeTd() {
    return this.body.querySelector(`tr[data-row="${this.active.row + 1}"] td[data-field="${CSS.escape(this.shown[this.active.col].name)}"]`);
  }

  // The grid's keys: arrows and Tab move; Enter, F2 or a typed key edit; Space toggles a
  // checkbox; Delete and Backspace clear.
  onKey(e) {
    if (this.editing) return;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && (e.key === 'z' || e.key === 'Z' || e.key === 'y')) {
      e.preventDefault();
      const redo = e.key === 'y' || e.shiftKey;
      this.guard(() => (redo ? this.store.history.redo() : this.store.history.undo()))();
      return;
    }
    if (!this.active) return;
    if (MOVES[e.key] && e.shiftKey) {
      const [dr, dc] = MOVES[e.key];
      const from = this.ext || this.active;
      e.preventDefault();
      this.setActive(from.row + dr, from.col + dc, true);
      return;
    }
    if (MOVES[e.key] || e.key === 'Tab') {
      const [dr, dc] = MOVES[e.key] || [0, e.shiftKey ? -1 : 1];
      e.preventDefault();
      this.setActive(this.stepRow(this.active.row, dr), this.active.col + dc);
      return;
    }
    if (e.key === 'Escape' && this.ext) { this.ext = null; this.mark(); return; }
    if ((e.key === 'Delete' || e.key === 'Backspace') && this.canEdit) {
      e.preventDefault();
      this.guard(() => this.clearRange())();
      return;
    }
    const f = this.shown[this.active.col];
    const id = this.store.ids[this.active.row];
    const rec = this.store.get(id);
    const td = this.activeTd();
    if (!td || !rec || !this.canEdit || isReadOnly(f)) return;
    const toggles = fieldType(f).toggles;
    if (e.key === 'Enter' || e.key === 'F2' || (toggles && e.key === ' ')) {
      e.preventDefault();
      if (toggles) this.toggle(id, f);
      else this.startEdit(td, f, rec);
    } else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey && !toggles) {
      e.preventDefault();
      this.startEdit(td, f, rec, e.key);
    }
  }

  cell(id, rec, f, index, col) {
    const editable = this.canEdit && rec && !isReadOnly(f);
    const isActive = this.active && this.active.row === index && this.active.col === col;
    const selected = this.ext && this.inRange(index, col);
    const classes = [editable ? 'editable' : '', isActive ? 'active' : '', selected ? 'selected' : '', f.id === this.primaryFieldId ? 'primary' : '', `align-${cellAlign(f)}`];
    const td = h('td', { 'data-field': f.name, 'data-col': col, class: classes.filter(Boolean).join(' ') }, rec ? cellContent(f, rec.fields[f.name], this.store.linkNames, this.store.dateText.get(id)?.[f.name]) : '');
    if (editable && fieldType(f).files) this.fileTarget(td, id, f);
    td.addEventListener('mousedown', (e) => {
      if (e.button !== 0) return;
      if (e.shiftKey && this.active) this.ext = { row: index, col };
      else { this.active = { row: index, col }; this.ext = null; this.dragging = 'range'; }
      this.mark();
    });
    td.addEventListener('mouseenter', () => {
      if (this.dragging === 'range' && (this.active.row !== index || this.active.col !== col)) { this.ext = { row: index, col }; this.mark(); }
      if (this.dragging === 'fill' && col === this.active.col) { this.fillTo = Math.max(index, this.active.row); this.mark(); }
    });
    if (editable && fieldType(f).toggles) td.addEventListener('click', () => this.toggle(id, f));
    else if (editable) td.addEventListener('dblclick', () => this.startEdit(td, f, rec));
    return td;
  }

  // An attachment cell takes files from a picker (its "+" button) and dropped on it.
  fileTarget(td, id, f) {
    const upload = this.guard(async (files) => {
      td.classList.add('uploading');
      try {
        for (const file of files) await this.store.upload(id, f, file);
      } finally { td.classList.remove('uploading'); }
    });
    const input = h('input', { type: 'file', multiple: true, hidden: true, 'data-role': 'file-input', onchange: () => upload([...input.files]) });
    td.prepend(input, h('button', { type: 'button', class: 'secondary small add-file', title: `Add files to ${f.name}`, 'aria-label': `Add files to ${f.name}`, onclick: () => input.click() }, '+'));
    td.addEventListener('dragover', (e) => { e.preventDefault(); td.classList.add('drop'); });
    td.addEventListener('dragleave', () => td.classList.remove('drop'));
    td.addEventListener('drop', (e) => {
      e.preventDefault();
      td.classList.remove('drop');
      if (e.dataTransfer?.files?.length) upload([...e.dataTransfer.files]);
    });
  }

  row(id, index) {
    const rec = this.store.get(id);
    const expand = rec ? h('button', { type: 'button', class: 'secondary small expand', title: 'Expand record and comments', 'aria-label': 'Expand record', onclick: () => this.onExpand(id) }, '⤢') : '';
    const remove = this.canEdit && rec ? h('button', { type: 'button', class: 'danger small', title: 'Delete record', onclick: () => {
      if (confirm('Delete this record?')) this.guard(() => this.store.remove(id))();
    } }, '×') : '';
    return h('tr', { 'data-row': index + 1, ...(rec ? { 'data-record-id': id } : { class: 'loading' }) },
      h('td', { class: 'rownum' }, index + 1), this.shown.map((f, col) => this.cell(id, rec, f, index, col)),
      h('td', { class: 'actions' }, expand, remove));
  }

  spacer(px) {
    return px > 0 ? [h('tr', { class: 'spacer' }, h('td', { colspan: this.shown.length + 2, style: `height:${px}px` }))] : [];
  }

  // Renders the rows in sight. `onlyIfMoved`: skip when the same rows are already there (a
  // horizontal scroll must not replace the row under the pointer between mousedown and mouseup).
  // ---- groups: a grouped view's rows under a header per group (collapsible, with its count) ----

  // The rows in sight as items: group headers and the rows of the groups not collapsed.
  buildItems() {
    const groups = this.store.groups;
    this.items = null;
    this.posOfRow = null;
    if (!groups?.length) return;
    const depth = 1 + Math.max(...groups.map((g) => g.level));
    const items = [];
    const pos = new Map();
    const path = [];
    let hideBelow = Infinity;  // the level of a collapsed group being skipped
    for (const g of groups) {
      if (g.level <= hideBelow) hideBelow = Infinity;
      path[g.level] = g.key;
      if (g.level > hideBelow) continue;
      const id = path.slice(0, g.level + 1).join('\u0001');
      const collapsed = this.collapsed.has(id);
      items.push({ group: g, id, collapsed });
      if (collapsed) { hideBelow = g.level; continue; }
      if (g.level === depth - 1) for (let i = g.start; i < g.start + g.count; i++) { pos.set(i, items.length); items.push({ row: i }); }
    }
    this.items = items;
    this.posOfRow = pos;
  }

  // Where a row is drawn: its place among the items (grouped), else its index.
  positionOf(row) { return this.posOfRow ? this.posOfRow.get(row) ?? 0 : row; }

  // The row `dr` rows away among those shown (a collapsed group's rows are skipped).
  stepRow(row, dr) {
    if (!this.items || !dr) return row + dr;
    for (let p = this.positionOf(row) + dr; p >= 0 && p < this.items.length; p += dr)
      if (this.items[p].row !== undefined) return this.items[p].row;
    return row;
  }

  groupHeader(item) {
    const { group: g, id, collapsed } = item;
    const f = this.store.groupFields?.[g.level];
    const toggle = () => {
      if (collapsed) this.collapsed.delete(id); else this.collapsed.add(id);
      this.buildItems();
      this.paint();
    };
    return h('tr', { class: `group-header level-${g.level}`, 'data-group': g.key },
      h('td', { colspan: this.shown.length + 2, style: `padding-left:${0.5 + g.level * 1.25}rem` },
        h('button', { type: 'button', class: 'group-toggle', 'aria-expanded': String(!collapsed), 'aria-label': `${collapsed ? 'Expand' : 'Collapse'} ${g.key || 'empty'}`, onclick: toggle }, collapsed ? '▸' : '▾'),
        h('span', { class: 'muted group-field' }, f ? `${f.name} ` : ''), h('strong', { class: 'group-key' }, g.key || '(empty)'),
        h('span', { class: 'muted group-count' }, ` ${g.count.toLocaleString('en-US')}`)));
  }

  paint(onlyIfMoved = false) {
    if (this.editing) return;
    if (this.items) return this.paintItems(onlyIfMoved);
    const { store } = this;
    const top = this.el.scrollTop;
    const height = this.el.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / this.rowH) - OVERSCAN);
    const last = Math.min(store.size, Math.ceil((top + height) / this.rowH) + OVERSCAN);
    const range = `${first}:${last}:${store.size}`;
    if (onlyIfMoved && range === this.paintedRange) return;
    this.paintedRange = range;
    store.ensure(first, last);
    this.body.replaceChildren(...this.spacer(first * this.rowH), ...store.ids.slice(first, last).map((id, i) => this.row(id, first + i)), ...this.spacer((store.size - last) * this.rowH));
    this.mark();
  }

  paintItems(onlyIfMoved) {
    const { store, items } = this;
    const top = this.el.scrollTop;
    const height = this.el.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / this.rowH) - OVERSCAN);
    const last = Math.min(items.length, Math.ceil((top + height) / this.rowH) + OVERSCAN);
    const range = `g${first}:${last}:${items.length}`;
    if (onlyIfMoved && range === this.paintedRange) return;
    this.paintedRange = range;
    const rows = items.slice(first, last).filter((it) => it.row !== undefined).map((it) => it.row);
    if (rows.length) store.ensure(Math.min(...rows), Math.max(...rows) + 1);
    this.body.replaceChildren(...this.spacer(first * this.rowH),
      ...items.slice(first, last).map((it) => (it.group ? this.groupHeader(it) : this.row(store.ids[it.row], it.row))),
      ...this.spacer((items.length - last) * this.rowH));
    this.mark();
  }
}
