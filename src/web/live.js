// Live updates: the base page's one EventSource on /api/web/{baseId}/events (src/api/live.h).
// The server tells which records were created, updated or destroyed (ids only), that the schema
// or a record's comments changed, and who has the base open; the page refetches what it shows
// through the API. The browser reconnects by itself when the stream ends (the server ends it
// every 10 minutes, or when it drains); after a reconnect, and whenever the server says notices
// may have been lost (`resync`), the page reloads what it shows, so it is never wrong for longer
// than a reconnect. One stream per page: following another base closes the last one.
import { state } from '/util.js';

let current = null;  // { baseId, source, handlers }

// Follows `baseId`, calling `handlers.records(notice)`, `schema()`, `comments(notice)`,
// `presence(viewers)` and `resync()`; a page drawn again for the same base only swaps the
// handlers, keeping the stream.
export function followBase(baseId, handlers) {
  if (current?.baseId === baseId) { current.handlers = handlers; return; }
  unfollow();
  const source = new EventSource(`/api/web/${baseId}/events`);
  const me = { baseId, source, handlers, opened: false };
  const on = (kind, fn) => source.addEventListener(kind, (e) => {
    if (current !== me) return;
    let data;
    try { data = JSON.parse(e.data); } catch { return; }
    fn(data);
  });
  on('hello', ({ key }) => {
    state.liveKey = key;
    if (me.opened) me.handlers.resync?.();  // a reconnect: what happened meanwhile was not heard
    me.opened = true;
  });
  // `own`: a change this page made (its answer is already applied).
  const own = (n) => n.origin !== undefined && n.origin === state.liveKey;
  on('records', (n) => me.handlers.records?.(n, own(n)));
  on('schema', (n) => { if (!own(n)) me.handlers.schema?.(); });
  on('comments', (n) => me.handlers.comments?.(n));
  on('presence', (n) => me.handlers.presence?.(n.viewers));
  on('resync', () => me.handlers.resync?.());
  current = me;
}

// Stops following (a page that is not a base page).
export function unfollow() {
  current?.source.close();
  current = null;
  state.liveKey = '';
}
