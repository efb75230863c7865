// The grid view: one view type among views (src/web/base.js picks it by the view's type). It
// shows a RecordStore (src/web/store.js) as a table that stays fast on 100,000 records: it keeps
// only the rows in sight in the DOM, asks the store for the records they show (100 at a time),
// and repaints when the store says something changed. It holds the active cell (clicks, arrows,
// Tab), opens the field type's editor (src/web/fields.js) on Enter, a double click or a typed
// key, and writes cells through the store. It knows nothing of the page around it: sorting and
// a field's menu are callbacks.
//
// A view type is a function from these options to an object with `el` (its element),
// `scrollToEnd()` (show a record just added) and `destroy()` (stop following the store).
import { h } from '/util.js';
import { fieldType, isReadOnly, cellContent, cellText, editorFor } from '/fields.js';

const ROW_H = 34;     // px: the height of a grid row (.grid td in style.css)
const OVERSCAN = 12;  // rows rendered above and below the visible ones
const MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

// `shown`: the view's visible fields in order; `sorts`: the view's sorts (for the header's
// arrows); `onSort(field, itsSort)`, `onFieldMenu(field)` (null: no menu), `onExpand(id)`;
// `guard(fn)` wraps an action so that its error is shown on the page.
export const gridView = (options) => new Grid(options);

class Grid {
  constructor({ store, shown, sorts, canEdit, guard, onSort, onFieldMenu, onExpand }) {
    Object.assign(this, { store, shown, sorts, canEdit, guard, onSort, onFieldMenu, onExpand });
    this.editing = false;
    this.active = null;  // { row, col } as indexes into store.ids and shown
    this.paintedRange = '';
    this.body = h('tbody', {});
    this.el = h('div', { class: 'grid-scroll', id: 'grid-scroll', tabindex: 0 },
      h('table', { id: 'grid', class: 'grid' }, h('thead', {}, this.header()), this.body));
    this.el.addEventListener('keydown', (e) => this.onKey(e));
    let frame = 0;
    this.el.addEventListener('scroll', () => {
      if (!frame) frame = requestAnimationFrame(() => { frame = 0; this.paint(true); });
    });
    this.save = guard((id, f, value) => store.update(id, { [f.name]: value }));
    this.unsubscribe = store.subscribe((change) => {
      if (change.kind === 'error') return guard(() => { throw change.error; })();
      if (change.kind === 'reset' && !change.keep) { this.active = null; this.el.scrollTop = 0; }
      if (this.editing && change.remote && change.ids.includes(this.edit.id)) this.showConflict();
      this.paint();
    });
  }

  destroy() { this.unsubscribe(); }

  // Shows the last rows (after a record is added at the end).
  scrollToEnd() { this.el.scrollTop = this.el.scrollHeight; this.paint(); }

  header() {
    return h('tr', {}, h('th', { class: 'rownum' }, ''), this.shown.map((f) => {
      const sort = this.sorts.find((s) => s.fieldId === f.id);
      return h('th', { 'data-field': f.name, title: f.description || f.type },
        h('span', { class: 'sortable', onclick: () => { if (this.canEdit) this.onSort(f, sort); } }, f.name, sort ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''),
        this.onFieldMenu ? h('button', { type: 'button', class: 'field-menu', title: `Edit field ${f.name}`, 'aria-label': `Edit field ${f.name}`, onclick: () => this.onFieldMenu(f) }, '▾') : '');
    }), h('th', { class: 'actions' }, ''));
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

  // Moves the active cell (kept inside the grid) and scrolls it into sight.
  setActive(rowIndex, col) {
    if (!this.store.size) return;
    this.active = { row: clamp(rowIndex, 0, this.store.size - 1), col: clamp(col, 0, this.shown.length - 1) };
    const top = this.active.row * ROW_H;
    const visible = this.el.clientHeight - ROW_H;  // below the sticky header
    if (top < this.el.scrollTop) this.el.scrollTop = top;
    else if (top + ROW_H > this.el.scrollTop + visible) this.el.scrollTop = top + ROW_H - visible;
    this.paint();
  }

  activeTd() {
    return this.body.querySelector(`tr[data-row="${this.active.row + 1}"] td[data-field="${CSS.escape(this.shown[this.active.col].name)}"]`);
  }

  // The grid's keys: arrows and Tab move; Enter, F2 or a typed key edit; Space toggles a
  // checkbox; Delete and Backspace clear.
  onKey(e) {
    if (this.editing || !this.active) return;
    if (MOVES[e.key] || e.key === 'Tab') {
      const [dr, dc] = MOVES[e.key] || [0, e.shiftKey ? -1 : 1];
      e.preventDefault();
      this.setActive(this.active.row + dr, this.active.col + dc);
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
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      this.save(id, f, toggles ? false : null);
    } else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey && !toggles) {
      e.preventDefault();
      this.startEdit(td, f, rec, e.key);
    }
  }

  cell(id, rec, f, index, col) {
    const editable = this.canEdit && rec && !isReadOnly(f);
    const isActive = this.active && this.active.row === index && this.active.col === col;
    const td = h('td', { 'data-field': f.name, class: [editable ? 'editable' : '', isActive ? 'active' : ''].join(' ').trim() }, rec ? cellContent(f, rec.fields[f.name], this.store.linkNames) : '');
    if (editable && fieldType(f).files) this.fileTarget(td, id, f);
    td.addEventListener('mousedown', () => {
      this.active = { row: index, col };
      this.body.querySelector('td.active')?.classList.remove('active');
      td.classList.add('active');
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
  paint(onlyIfMoved = false) {
    if (this.editing) return;
    const { store } = this;
    const top = this.el.scrollTop;
    const height = this.el.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(store.size, Math.ceil((top + height) / ROW_H) + OVERSCAN);
    const range = `${first}:${last}:${store.size}`;
    if (onlyIfMoved && range === this.paintedRange) return;
    this.paintedRange = range;
    store.ensure(first, last);
    this.body.replaceChildren(...this.spacer(first * ROW_H), ...store.ids.slice(first, last).map((id, i) => this.row(id, first + i)), ...this.spacer((store.size - last) * ROW_H));
  }
}
