// The view types beside the grid (src/web/base.js picks one by the view's type): kanban (stacks by
// a single select or a user field; dragging a card to another stack writes the field), gallery
// (cards with the first image of the cover field), and calendar (records on the days of a date
// field; dragging one to another day writes the date). Each draws the records its RecordStore
// holds for the view (its filter and sort apply, as for the grid) and follows the store, so
// edits, live updates and undo show here as in the grid. Cards open the expanded record.
import { h } from '/util.js';
import { fieldType, isReadOnly, cellContent, choiceNames } from '/fields.js';
import { chip } from '/format.js';

const LIMIT = 3000;  // records a board loads (a grid is for more)

// What every board does: load the view's records (up to LIMIT), draw when the store changes.
class Board {
  constructor(options) {
    Object.assign(this, options);  // store, shown, view, canEdit, guard, onExpand, table
    this.el = h('div', { class: `board ${this.kind}`, id: 'board' });
    this.frame = 0;
    this.unsubscribe = this.store.subscribe((change) => {
      if (change.kind === 'error') return this.guard(() => { throw change.error; })();
      if (change.kind === 'reset') this.load();
      this.schedule();
    });
  }
  destroy() { this.unsubscribe(); }
  scrollToEnd() { this.schedule(); }
  load() { this.store.ensure(0, Math.min(this.store.size, LIMIT)); }
  schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  }
  records() {
    return this.store.ids.slice(0, LIMIT).map((id) => this.store.get(id)).filter(Boolean);
  }
  // A card: the primary field as its title, then the view's other shown fields that have a value.
  card(rec, { skip = null, cover = null } = {}) {
    const [primary, ...rest] = this.shown;
    const lines = rest.filter((f) => f !== skip && rec.fields[f.name] != null && rec.fields[f.name] !== '').slice(0, 4)
      .map((f) => h('div', { class: 'card-field' }, h('span', { class: 'card-label' }, f.name), h('span', { class: 'card-value' }, cellContent(f, rec.fields[f.name], this.store.linkNames, this.store.dateText.get(rec.id)?.[f.name]))));
    const el = h('div', { class: 'record-card', 'data-record-id': rec.id, tabindex: 0, draggable: this.canEdit ? 'true' : 'false', role: 'button',
      onclick: () => this.onExpand(rec.id), onkeydown: (e) => { if (e.key === 'Enter') this.onExpand(rec.id); } },
    cover, h('div', { class: 'card-title' }, String(rec.fields[primary.name] ?? '') || 'Unnamed record'), lines);
    el.addEventListener('dragstart', (e) => { e.dataTransfer.setData('text/x-record', rec.id); e.dataTransfer.effectAllowed = 'move'; });
    return el;
  }
  // `el` takes dropped cards: `fn(recordId)` writes what the drop means.
  dropTarget(el, fn) {
    el.addEventListener('dragover', (e) => { if (e.dataTransfer.types.includes('text/x-record')) { e.preventDefault(); el.classList.add('drop'); } });
    el.addEventListener('dragleave', () => el.classList.remove('drop'));
    el.addEventListener('drop', (e) => {
      e.preventDefault();
      el.classList.remove('drop');
      const id = e.dataTransfer.getData('text/x-record');
      if (id) this.guard(() => fn(id))();
    });
  }
}

// Kanban: one stack per choice (or per collaborator), in the field's order, and one for records
// with none; a count on each; "+" adds a record to that stack.
class Kanban extends Board {
  get kind() { return 'kanban'; }
  draw() {
    const f = this.table.fields.find((x) => x.id === this.view.stackFieldId);
    if (!f) return this.el.replaceChildren(h('p', { class: 'muted' }, 'Choose the field this kanban stacks by (a single select or a user field) in the view’s settings.'));
    const people = f.type === 'singleCollaborator';
    const keyOf = (rec) => (people ? rec.fields[f.name]?.id : rec.fields[f.name]) ?? '';
    const stacks = people ? [] : choiceNames(f).map((name) => ({ key: name, title: chip(f, name), value: name }));
    const byKey = new Map(stacks.map((s) => [s.key, { ...s, cards: [] }]));
    const empty = { key: '', title: `No ${f.name}`, value: null, cards: [] };
    for (const rec of this.records()) {
      const key = keyOf(rec);
      if (!byKey.has(key) && key) byKey.set(key, { key, title: people ? rec.fields[f.name].name : chip(f, key), value: people ? { id: key } : key, cards: [] });
      (key ? byKey.get(key) : empty).cards.push(rec);
    }
    const columns = [empty, ...byKey.values()].filter((s) => s.key || s.cards.length || !people);
    this.el.replaceChildren(...columns.map((s) => {
      const list = h('div', { class: 'stack-cards' }, s.cards.map((rec) => this.card(rec, { skip: f })));
      const col = h('section', { class: 'stack', 'data-stack': s.key },
        h('header', { class: 'stack-head' }, s.title, h('span', { class: 'muted stack-count' }, String(s.cards.length))),
        list,
        this.canEdit && !isReadOnly(f) ? h('button', { type: 'button', class: 'secondary small stack-add', onclick: this.guard(() => this.store.create(s.value == null ? {} : { [f.name]: s.value })) }, '+ Add') : '');
      if (this.canEdit) this.dropTarget(col, (id) => {
        const rec = this.store.get(id);
        if (rec && keyOf(rec) !== s.key) return this.store.update(id, { [f.name]: s.value });
      });
      return col;
    }));
  }
}

// Gallery: a card per record, the first image of the cover field on top.
class Gallery extends Board {
  get kind() { return 'gallery'; }
  draw() {
    const coverField = this.table.fields.find((x) => x.id === this.view.coverFieldId) || this.table.fields.find((x) => fieldType(x).files);
    const cover = (rec) => {
      const first = (rec.fields[coverField?.name] || []).find((a) => a.thumbnails?.large || a.type?.startsWith('image/'));
      return h('div', { class: 'card-cover' }, first ? h('img', { src: first.thumbnails?.large?.url || first.url, alt: first.filename }) : '');
    };
    this.el.replaceChildren(...this.records().map((rec) => this.card(rec, { skip: coverField, cover: cover(rec) })));
  }
}

// Calendar: a month of days (Monday first), each with the records of that day; arrows move by
// month; a record dragged to another day gets that day (a date-time keeps its time of day).
const pad = (n) => String(n).padStart(2, '0');
const dayOf = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
class Calendar extends Board {
  get kind() { return 'calendar'; }
  constructor(options) {
    super(options);
    const now = new Date();
    this.month = new Date(now.getFullYear(), now.getMonth(), 1);
  }
  // The day a record falls on, in this browser's time zone for date-times.
  dayKey(f, value) {
    if (value == null) return null;
    return f.type === 'date' ? value : dayOf(new Date(value));
  }
  draw() {
    const f = this.table.fields.find((x) => x.id === this.view.dateFieldId);
    if (!f) return this.el.replaceChildren(h('p', { class: 'muted' }, 'Choose the date field this calendar shows in the view’s settings.'));
    const byDay = new Map();
    for (const rec of this.records()) {
      const key = this.dayKey(f, rec.fields[f.name]);
      if (!key) continue;
      if (!byDay.has(key)) byDay.set(key, []);
      byDay.get(key).push(rec);
    }
    const first = new Date(this.month);
    const start = new Date(first);
    start.setDate(1 - ((first.getDay() + 6) % 7));
    const days = [];
    for (let i = 0; i < 42; i++) { const d = new Date(start); d.setDate(start.getDate() + i); days.push(d); }
    const move = (n) => { this.month = new Date(this.month.getFullYear(), this.month.getMonth() + n, 1); this.draw(); };
    const title = this.month.toLocaleDateString('en-US', { month: 'long', year: 'numeric' });
    const cells = days.map((d) => {
      const key = dayOf(d);
      const cell = h('div', { class: `day${d.getMonth() === this.month.getMonth() ? '' : ' other-month'}`, 'data-day': key },
        h('div', { class: 'day-number' }, String(d.getDate())),
        (byDay.get(key) || []).map((rec) => {
          const item = this.card(rec, { skip: f });
          item.classList.add('calendar-item');
          return item;
        }));
      const editable = this.canEdit && !isReadOnly(f);
      if (editable) this.dropTarget(cell, (id) => {
        const rec = this.store.get(id);
        if (!rec || this.dayKey(f, rec.fields[f.name]) === key) return;
        if (f.type === 'date') return this.store.update(id, { [f.name]: key });
        const at = new Date(rec.fields[f.name]);
        const [y, m, dd] = key.split('-').map(Number);
        at.setFullYear(y, m - 1, dd);
        return this.store.update(id, { [f.name]: at.toISOString() });
      });
      return cell;
    });
    this.el.replaceChildren(
      h('div', { class: 'calendar-bar' }, h('button', { type: 'button', class: 'secondary small', 'aria-label': 'Previous month', onclick: () => move(-1) }, '‹'),
        h('strong', { id: 'calendar-month' }, title), h('button', { type: 'button', class: 'secondary small', 'aria-label': 'Next month', onclick: () => move(1) }, '›')),
      h('div', { class: 'calendar-grid' }, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => h('div', { class: 'weekday' }, d)), cells));
  }
  // Shows the month of `day` (YYYY-MM-DD).
  showMonth(day) { const [y, m] = day.split('-').map(Number); this.month = new Date(y, m - 1, 1); this.draw(); }
}

const make = (Type) => (options) => { const v = new Type(options); v.load(); v.schedule(); return v; };
export const kanbanView = make(Kanban);
export const galleryView = make(Gallery);
export const calendarView = make(Calendar);
