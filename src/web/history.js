// Undo and redo for a table's page: every write the record store makes (cells edited, cleared,
// pasted or filled, records created and deleted) is recorded as an entry that can be undone and
// redone, each as real writes through the API (so an undo is seen by everyone, like any edit).
// A record deleted and brought back by an undo gets a new id (the API cannot create a record
// under an old one); `alias` maps the old id to the new, and entries resolve ids through `id()`
// when they run, so older entries keep working on the record as it is now.
const LIMIT = 100;  // entries kept

export class EditHistory {
  constructor() {
    this.done = [];
    this.undone = [];
    this.aliases = new Map();
    this.group = null;     // entries collected by batch()
    this.replaying = false;
    this.inflight = new Set();  // writes whose entries are recorded but not finished
  }

  // Records `entry` for the write `fn` makes, before it runs (an undo pressed right after an
  // edit undoes that edit, and waits for it); a write that fails leaves no entry.
  async record(entry, fn) {
    this.push(entry);
    const run = fn();
    this.inflight.add(run);
    try {
      return await run;
    } catch (e) {
      this.forget(entry);
      throw e;
    } finally {
      this.inflight.delete(run);
    }
  }

  forget(entry) {
    const drop = (list) => { const i = list.indexOf(entry); if (i >= 0) list.splice(i, 1); };
    drop(this.done);
    drop(this.undone);
    if (this.group) drop(this.group);
  }

  // Records an entry { undo: async fn, redo: async fn } (nothing while an undo or redo runs).
  push(entry) {
    if (this.replaying) return;
    if (this.group) { this.group.push(entry); return; }
    this.done.push(entry);
    if (this.done.length > LIMIT) this.done.shift();
    this.undone = [];
  }

  // Runs `fn`, recording every entry it pushes as one (a paste is undone at once).
  async batch(fn) {
    const outer = this.group;
    const group = [];
    this.group = group;
    try {
      return await fn();
    } finally {
      this.group = outer;
      if (group.length === 1) this.push(group[0]);
      else if (group.length > 1) {
        this.push({
          undo: async () => { for (const e of [...group].reverse()) await e.undo(); },
          redo: async () => { for (const e of group) await e.redo(); },
        });
      }
    }
  }

  id(id) {
    while (this.aliases.has(id)) id = this.aliases.get(id);
    return id;
  }
  alias(from, to) { if (from !== to) this.aliases.set(from, to); }

  get canUndo() { return this.done.length > 0; }
  get canRedo() { return this.undone.length > 0; }

  // Undoes the last entry; false when there is none. Undos and redos run one after another, each
  // after the writes recorded before it finished. An entry that fails (its record deleted
  // meanwhile, say) is dropped and its error thrown.
  undo() { return this.enqueue(() => this.replay(this.done, this.undone, 'undo')); }
  redo() { return this.enqueue(() => this.replay(this.undone, this.done, 'redo')); }

  enqueue(step) {
    const run = (this.queue || Promise.resolve()).then(step);
    this.queue = run.catch(() => {});
    return run;
  }

  async replay(from, to, how) {
    await Promise.allSettled([...this.inflight]);
    if (!from.length) return false;
    const e = from.pop();
    this.replaying = true;
    try {
      await e[how]();
    } finally {
      this.replaying = false;
    }
    to.push(e);
    return true;
  }
}

// One history per table, kept while the page lives (a schema change draws the page again).
const histories = new Map();
export const historyFor = (baseId, tableId) => {
  const key = `${baseId}/${tableId}`;
  if (!histories.has(key)) histories.set(key, new EditHistory());
  return histories.get(key);
};
