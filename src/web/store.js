// The web app's record store: the records of one table as one view shows them. It holds the
// view's record ids in order (loaded once, after the view's filter and any search), the records
// fetched so far (100 at a time, as a view scrolls), and the linked records' names; it makes
// every record write through the public API (/api/v0) and keeps itself up to date with the
// answers. Views (the grid today) never fetch or write records themselves: they ask the store
// and subscribe to it, and repaint when it tells them what changed. A change made elsewhere
// (another tab, another user, the API, another server: src/web/live.js) enters through `remote`,
// which fetches what the store shows and goes through `apply`, the door a write's answer uses.
import { api, v0 } from '/util.js';
import { fieldType, isReadOnly } from '/fields.js';
import { historyFor } from '/history.js';

export const BLOCK = 100;  // records fetched per request
// Dates come back as the server writes them in this browser's zone and language too.
const ZONE = new URLSearchParams({ timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', userLocale: (navigator.language || 'en').toLowerCase() });

export class RecordStore {
  constructor(baseId, table) {
    this.baseId = baseId;
    this.table = table;
    this.tableId = table.id;
    this.ids = [];                 // the view's record ids, in view order
    this.records = new Map();      // record id -> record ({id, createdTime, fields})
    this.linkNames = new Map();    // linked record id -> its primary field's text
    this.dateText = new Map();     // record id -> {field name: its date as the server writes it}
    this.blocks = new Map();       // block number -> 'loading' | 'done'
    this.listeners = new Set();
    this.loadSeq = 0;
    this.wrote = new Map();        // record id -> when this page last wrote it (ms)
    this.history = historyFor(baseId, table.id);  // undo and redo of this store's writes
  }

  // `fn(change)` is called after every change: {kind: 'reset', keep} (a new id list; `keep`: the
  // same view loaded again, so a grid keeps its place), {kind: 'records', ids, remote} (records
  // fetched or changed in place; `remote`: changed by someone else), {kind: 'insert', ids},
  // {kind: 'remove', ids}, {kind: 'error', error}. Returns the function that unsubscribes.
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(change) {
    for (const fn of this.listeners) fn(change);
  }

  get(id) { return this.records.get(id); }
  get size() { return this.ids.length; }

  // Loads the ids of the view's records that match `filterByFormula` (all when empty). An
  // older load that answers after a newer one is dropped.
  async loadIds(viewId, filterByFormula, keep = false) {
    const seq = ++this.loadSeq;
    Object.assign(this, { viewId, filterByFormula });
    const q = new URLSearchParams({ view: viewId });
    if (filterByFormula) q.set('filterByFormula', filterByFormula);
    // A grouped view: sorted by its groups first (then its own sorts), with the groups' runs.
    const { groupBy = [], sorts = [] } = this.grouping || {};
    if (groupBy.length) {
      [...groupBy, ...sorts.filter((s) => !groupBy.some((g) => g.fieldId === s.fieldId))].forEach((s, i) => {
        q.set(`sort[${i}][field]`, s.fieldId);
        q.set(`sort[${i}][direction]`, s.direction || 'asc');
      });
      for (const g of groupBy) q.append('groupBy[]', g.fieldId);
    }
    const loaded = await api('GET', `web/${this.baseId}/${this.tableId}/ids?${q}`);
    if (seq !== this.loadSeq) return;
    this.ids = loaded.recordIds;
    this.groups = loaded.groups || null;  // [{level, key, start, count}] of a grouped view
    this.blocks.clear();
    if (keep) this.records.clear();  // what was held may be stale
    this.emit({ kind: 'reset', keep });
  }

  // Makes sure the records at positions [first, last) are fetched, a block at a time; each
  // block that arrives is announced as a 'records' change.
  ensure(first, last) {
    for (let b = Math.floor(first / BLOCK); b * BLOCK < last; b++) if (!this.blocks.has(b)) this.loadBlock(b);
  }

  loadBlock(b) {
    const want = this.ids.slice(b * BLOCK, (b + 1) * BLOCK).filter((id) => !this.records.has(id));
    if (!want.length) { this.blocks.set(b, 'done'); return; }
    this.blocks.set(b, 'loading');
    this.fetch(want).then((records) => {
      this.blocks.set(b, 'done');
      this.emit({ kind: 'records', ids: records.map((r) => r.id) });
    }, (error) => { this.blocks.delete(b); this.emit({ kind: 'error', error }); });
  }

  // Fetches records by id (with their links' names) into the store and returns them.
  async fetch(ids) {
    const q = ids.map((id) => `ids[]=${id}`).join('&');
    const page = await api('GET', `web/${this.baseId}/${this.tableId}/records?${q}&${ZONE}`);
    for (const r of page.records) this.records.set(r.id, r);
    for (const [id, text] of Object.entries(page.dateText || {})) this.dateText.set(id, text);
    for (const [id, name] of Object.entries(page.linkNames || {})) this.linkNames.set(id, name);
    return page.records;
  }

  // Every record of the view in order, fetched `chunk` at a time (CSV export).
  async *all(chunk = 500) {
    for (let i = 0; i < this.ids.length; i += chunk) yield* await this.fetch(this.ids.slice(i, i + chunk));
  }

  // ---- writes: through the public API, with typecast, as the signed-in user ----

  update(id, fields) { return this.updateMany([{ id, fields }]); }

  // Writes cells of many records, `[{id, fields}]`, 10 records per request; recorded for undo
  // with the cells as they were.
  async updateMany(changes) {
    const h = this.history;
    changes = changes.map(({ id, fields }) => ({ id: h.id(id), fields }));
    const before = changes.map(({ id, fields }) => ({ id, fields: Object.fromEntries(Object.keys(fields).map((k) => [k, this.records.get(id)?.fields[k] ?? null])) }));
    for (const { id } of changes) this.wrote.set(id, Date.now());
    // A link cell may name records not seen yet, and a date changed (a last-modified time
    // included) is shown as the server writes it: such records are fetched again.
    const again = this.table.fields.some((f) => (fieldType(f).links || fieldType(f).dates) && changes.some((c) => f.name in c.fields))
      || this.table.fields.some((f) => f.type === 'lastModifiedTime');
    const replay = (list) => () => this.updateMany(list.map(({ id, fields }) => ({ id: h.id(id), fields })));
    await h.record({ undo: replay(before), redo: replay(changes) }, async () => {
      for (let i = 0; i < changes.length; i += 10) {
        const batch = changes.slice(i, i + 10);
        const r = await v0('PATCH', `${this.baseId}/${this.tableId}`, { records: batch, typecast: true });
        this.apply({ updated: again ? await this.fetch(batch.map((c) => c.id)) : r.records });
      }
    });
  }

  // The cells of a record that a write can give back (computed fields are left out).
  writable(id) {
    const rec = this.records.get(id);
    const out = {};
    for (const f of this.table.fields) if (!isReadOnly(f) && rec?.fields[f.name] != null) out[f.name] = rec.fields[f.name];
    return out;
  }

  // Creates records, 10 per request, appended to the view; recorded for undo (which deletes
  // them; a redo creates them again, under new ids).
  async createRecords(list) {
    const h = this.history;
    const made = [];
    let ids = [];
    const entry = {
      undo: () => this.removeMany(ids.map((id) => h.id(id))),
      redo: async () => {
        const again = await this.createRecords(list);
        ids.forEach((old, i) => h.alias(old, again[i].id));
        ids = again.map((r) => r.id);
      },
    };
    await h.record(entry, async () => {
      for (let i = 0; i < list.length; i += 10) {
        const r = await v0('POST', `${this.baseId}/${this.tableId}`, { records: list.slice(i, i + 10).map((fields) => ({ fields })), typecast: true });
        const dates = this.table.fields.some((f) => fieldType(f).dates);  // shown as the server writes them
        const records = dates ? await this.fetch(r.records.map((x) => x.id)) : r.records;
        this.apply({ created: records });
        made.push(...records);
        ids = made.map((x) => x.id);
      }
    });
    return made;
  }

  async create(fields = {}) { return (await this.createRecords([fields]))[0]; }

  // Deletes records, 10 per request; recorded for undo (which creates them again with their
  // cells, under new ids).
  async removeMany(ids) {
    const h = this.history;
    ids = ids.map((id) => h.id(id));
    const kept = ids.map((id) => this.writable(id));
    for (const id of ids) this.wrote.set(id, Date.now());
    let gone = ids;
    const entry = {
      undo: async () => {
        const back = await this.createRecords(kept);
        gone.forEach((old, i) => h.alias(old, back[i].id));
        gone = back.map((r) => r.id);
      },
      redo: () => this.removeMany(gone),
    };
    await h.record(entry, async () => {
      for (let i = 0; i < ids.length; i += 10) {
        const batch = ids.slice(i, i + 10);
        await v0('DELETE', `${this.baseId}/${this.tableId}?${batch.map((id) => `records[]=${id}`).join('&')}`);
        this.apply({ deleted: batch });
      }
    });
  }

  remove(id) { return this.removeMany([id]); }

  // Creates many records, 10 per request (the API's batch limit); `progress(done, total)`.
  async createMany(records, progress = () => {}) {
    for (let i = 0; i < records.length; i += 10) {
      await v0('POST', `${this.baseId}/${this.tableId}`, { records: records.slice(i, i + 10), typecast: true });
      progress(Math.min(records.length, i + 10), records.length);
    }
  }

  // Adds a file to a record's attachment field (uploadAttachment, 5 MB at most), then reads the
  // record back (the answer names fields by id).
  async upload(id, field, file) {
    this.wrote.set(id, Date.now());
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    await v0('POST', `${this.baseId}/${id}/${field.id}/uploadAttachment`,
      { contentType: file.type || 'application/octet-stream', file: btoa(binary), filename: file.name });
    await this.fetch([id]);
    this.apply({ updated: [this.records.get(id)] });
  }

  // ---- changes made elsewhere (src/web/live.js) ----

  // A records notice for this table: destroyed records leave; held records that were updated
  // are fetched again; created ones join at the end if the view (its filter, the search) shows
  // them, which the server answers. `reload`: too many changed, everything is loaded again.
  // `own`: the change this page made, whose answer already brought the records it wrote (the
  // others it touched, e.g. the other ends of a link, are fetched).
  async remote({ created = [], updated = [], destroyed = [], reload = false }, own = false) {
    if (reload) return this.reload();
    if (destroyed.length) this.apply({ deleted: destroyed.filter((id) => this.records.has(id) || this.ids.includes(id)) });
    const recent = Date.now() - 10000;
    for (const [id, at] of this.wrote) if (at < recent) this.wrote.delete(id);
    const held = [...new Set(updated)].filter((id) => this.records.has(id) && !(own && this.wrote.has(id)));
    if (held.length) {
      await this.fetch(held);
      this.emit({ kind: 'records', ids: held, remote: true });
    }
    const known = new Set(this.ids);
    const fresh = own ? [] : created.filter((id) => !known.has(id));  // our own come with their answer
    if (!fresh.length) return;
    const only = `OR(${fresh.map((id) => `RECORD_ID()='${id}'`).join(',')})`;
    const q = new URLSearchParams({ view: this.viewId, filterByFormula: this.filterByFormula ? `AND(${this.filterByFormula},${only})` : only });
    const { recordIds } = await api('GET', `web/${this.baseId}/${this.tableId}/ids?${q}`);
    const now = new Set(this.ids);  // another notice may have added some meanwhile
    const shown = recordIds.filter((id) => !now.has(id));
    if (shown.length) this.apply({ created: await this.fetch(shown) });
  }

  // The summary bar's figures for `fieldIds` over the view's records (its filter and the search).
  async summarize(fieldIds) {
    const q = new URLSearchParams({ view: this.viewId });
    if (this.filterByFormula) q.set('filterByFormula', this.filterByFormula);
    for (const id of fieldIds) q.append('fields[]', id);
    return api('GET', `web/${this.baseId}/${this.tableId}/summary?${q}`);
  }

  // Loads the view again, keeping the viewer's place (a reconnect, a resync, a big change).
  reload() { return this.loadIds(this.viewId, this.filterByFormula, true); }

  // Merges a change into the store and tells the subscribers: `updated` records replace the
  // held ones, `created` ones are appended to the view, `deleted` ids leave it.
  apply({ updated = [], created = [], deleted = [] }) {
    for (const r of updated) this.records.set(r.id, r);
    if (updated.length) this.emit({ kind: 'records', ids: updated.map((r) => r.id) });
    const known = created.length ? new Set(this.ids) : null;  // a notice may have brought one first
    created = created.filter((r) => !known.has(r.id));
    for (const r of created) { this.records.set(r.id, r); this.ids.push(r.id); }
    if (created.length) this.emit({ kind: 'insert', ids: created.map((r) => r.id) });
    if (deleted.length) {
      const gone = new Set(deleted);
      this.ids = this.ids.filter((id) => !gone.has(id));
      for (const id of deleted) this.records.delete(id);
      this.blocks.clear();  // positions moved: blocks are re-derived from what is held
      this.emit({ kind: 'remove', ids: deleted });
    }
  }
}
