// Live updates: GET /api/web/{baseId}/events, the server-sent-event stream an open page of the
// web app follows. Every change to the base, through any door (the API with a token, the web
// app, another server of a fleet), arrives as an event naming what changed: records created,
// updated and destroyed per table (the linked records a write touches included), schema changes
// (fields, tables, views, choices typecast added), comments. Presence: who else has the base open.
// Access is the base's: a stranger gets the API's 403, no session 401.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, STORE, makeOwner, createBase, cli, signIn, PERM_403 } from './harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let server, dir, owner, base, items, people, ownerSession;

// An open event stream: `next(kind, match)` waits (up to `ms`) for the next event of that kind
// for which `match(data)` holds, skipping others; `close()` hangs up.
async function openEvents(srv, session, baseId) {
  const ctl = new AbortController();
  const res = await fetch(`${srv.url}/api/web/${baseId}/events`, { headers: { Cookie: session.cookie }, signal: ctl.signal });
  const stream = { status: res.status, headers: res.headers, events: [], waiters: [] };
  if (res.status !== 200) { stream.body = await res.json(); return stream; }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          let kind = 'message', data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) kind = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (!data) continue;  // retry: and heartbeat comments
          stream.events.push({ kind, data: JSON.parse(data) });
          for (const w of stream.waiters.splice(0)) w();
        }
      }
    } catch { /* aborted */ }
    stream.ended = true;
    for (const w of stream.waiters.splice(0)) w();
  })();
  // Events not taken yet by next() or drain(), in order of arrival.
  let taken = 0;
  const pending = () => stream.events.slice(taken).filter((e) => !e.taken);
  stream.next = async (kind, match = () => true, ms = 3000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const e = pending().find((x) => x.kind === kind && match(x.data));
      if (e) { e.taken = true; return e.data; }
      if (stream.ended) throw new Error(`stream ended before a ${kind} event`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${kind} event within ${ms} ms; got ${JSON.stringify(pending().slice(-5))}`);
      await new Promise((r) => { stream.waiters.push(r); setTimeout(r, left); });
    }
  };
  // Every event not taken yet that arrived by `ms` from now.
  stream.drain = async (ms) => { await sleep(ms); const out = pending(); taken = stream.events.length; return out; };
  stream.close = () => ctl.abort();
  return stream;
}

before(async () => {
  dir = Server.freshDataDir();
  server = await new Server(dir).start();
  owner = makeOwner(dir);
  base = await createBase(server, owner.token, owner.workspaceId, 'Live', [
    { name: 'Items', fields: [
      { name: 'Name', type: 'singleLineText' },
      { name: 'Status', type: 'singleSelect', options: { choices: [{ name: 'Open' }] } },
    ] },
    { name: 'People', fields: [{ name: 'Name', type: 'singleLineText' }] },
  ]);
  [items, people] = base.tables;
  const link = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${items.id}/fields`, {
    token: owner.token, body: { name: 'Who', type: 'multipleRecordLinks', options: { linkedTableId: people.id } },
  });
  assert.equal(link.status, 200, JSON.stringify(link.body));
  ownerSession = await signIn(server, owner.email, 'correct horse battery');
});
after(async () => {
  await server.stop();
  server.cleanup();
});

test('an open stream hears records created, updated and destroyed over the API', async () => {
  const s = await openEvents(server, ownerSession, base.id);
  assert.equal(s.status, 200);
  assert.match(s.headers.get('content-type'), /^text\/event-stream/);
  assert.equal(s.headers.get('cache-control'), 'no-store');
  const hello = await s.next('hello');
  assert.match(hello.key, /^[0-9a-f]+-\d+$/);
  const T = `/v0/${base.id}/${items.id}`;
  const t0 = Date.now();
  const made = await server.req('POST', T, { token: owner.token, body: { records: [{ fields: { Name: 'a' } }, { fields: { Name: 'b' } }] } });
  assert.equal(made.status, 200);
  const ids = made.body.records.map((r) => r.id);
  const created = await s.next('records', (d) => d.created?.length);
  console.log(`# a created record reached the stream ${Date.now() - t0} ms after the write was sent`);
  assert.deepEqual(created, { base: base.id, kind: 'records', table: items.id, created: ids, updated: [], destroyed: [] });

  assert.equal((await server.req('PATCH', `${T}/${ids[0]}`, { token: owner.token, body: { fields: { Name: 'a2' } } })).status, 200);
  assert.deepEqual((await s.next('records')).updated, [ids[0]]);
  assert.equal((await server.req('DELETE', `${T}?records[]=${ids[1]}`, { token: owner.token })).status, 200);
  assert.deepEqual((await s.next('records')).destroyed, [ids[1]]);
  // A refused write tells nothing.
  assert.equal((await server.req('PATCH', `${T}/${ids[0]}`, { token: owner.token, body: { fields: { Nope: 1 } } })).status, 422);
  assert.deepEqual((await s.drain(300)).filter((e) => e.kind === 'records'), []);
  s.close();
});

test('the linked records a write touches are told too; typecast choices, fields, views and comments as well', async () => {
  const s = await openEvents(server, ownerSession, base.id);
  await s.next('hello');
  const person = await server.req('POST', `/v0/${base.id}/${people.id}`, { token: owner.token, body: { fields: { Name: 'Ada' } } });
  await s.next('records', (d) => d.table === people.id);
  const item = await server.req('POST', `/v0/${base.id}/${items.id}`, { token: owner.token, body: { fields: { Name: 'x', Who: [person.body.id] } } });
  assert.equal(item.status, 200, JSON.stringify(item.body));
  assert.deepEqual((await s.next('records', (d) => d.table === items.id)).created, [item.body.id]);
  // Ada's inverse link cell changed with the write.
  assert.deepEqual((await s.next('records', (d) => d.table === people.id)).updated, [person.body.id]);

  const choice = await server.req('PATCH', `/v0/${base.id}/${items.id}/${item.body.id}`, { token: owner.token, body: { fields: { Status: 'Brand new' }, typecast: true } });
  assert.equal(choice.status, 200);
  assert.deepEqual(await s.next('schema'), { base: base.id, kind: 'schema' });

  const field = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${items.id}/fields`, { token: owner.token, body: { name: 'Notes', type: 'multilineText' } });
  assert.equal(field.status, 200);
  await s.next('schema');
  const view = await fetch(`${server.url}/api/web/${base.id}/${items.id}/views`, {
    method: 'POST', headers: { Cookie: ownerSession.cookie, 'X-CSRF-Token': ownerSession.csrf, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Mine' }),
  });
  assert.equal(view.status, 200, await view.text());
  await s.next('schema');

  const comment = await fetch(`${server.url}/api/v0/${base.id}/${items.id}/${item.body.id}/comments`, {
    method: 'POST', headers: { Cookie: ownerSession.cookie, 'X-CSRF-Token': ownerSession.csrf, 'Content-Type': 'application/json' },
    body: JSON.stringify({ text: 'hello' }),
  });
  assert.equal(comment.status, 200, await comment.text());
  assert.deepEqual(await s.next('comments'), { base: base.id, kind: 'comments', table: items.id, record: item.body.id });
  s.close();
});

test('a change a page makes names that page (its stream key) as the origin', async () => {
  const s = await openEvents(server, ownerSession, base.id);
  const { key } = await s.next('hello');
  const write = (client) => fetch(`${server.url}/api/v0/${base.id}/${items.id}`, {
    method: 'POST', headers: { Cookie: ownerSession.cookie, 'X-CSRF-Token': ownerSession.csrf, 'Content-Type': 'application/json', 'X-Airbase-Client': client },
    body: JSON.stringify({ fields: { Name: client.slice(0, 20) } }),
  }).then((r) => r.json());
  const mine = await write(key);
  assert.equal((await s.next('records', (d) => d.created?.includes(mine.id))).origin, key);
  // Only what a stream could have handed out is echoed: no upper case, no spaces, 64 at most.
  for (const odd of ['Not A Key', 'x'.repeat(65), '<script>']) {
    const other = await write(odd);
    assert.equal((await s.next('records', (d) => d.created?.includes(other.id))).origin, undefined);
  }
  s.close();
});

test('a write touching more records than a notice holds says "reload"', async () => {
  const s = await openEvents(server, ownerSession, base.id);
  await s.next('hello');
  const made = [];
  for (let i = 0; i < 21; i++) {
    const r = await server.req('POST', `/v0/${base.id}/${people.id}`, { token: owner.token, body: { records: Array.from({ length: 10 }, (_, j) => ({ fields: { Name: `p${i * 10 + j}` } })) } });
    made.push(...r.body.records.map((x) => x.id));
  }
  const item = await server.req('POST', `/v0/${base.id}/${items.id}`, { token: owner.token, body: { fields: { Name: 'many', Who: made } } });
  assert.equal(item.status, 200, JSON.stringify(item.body));
  assert.deepEqual(await s.next('records', (d) => d.table === people.id && !d.created?.length), { base: base.id, kind: 'records', table: people.id, reload: true });
  s.close();
});

test('presence: who else has the base open, until they leave', async () => {
  const bob = cli(dir, ['user', 'create', '--email', 'bob@example.com', '--name', 'Bob', '--password-stdin'], 'correct horse battery\n');
  const share = await fetch(`${server.url}/v0/meta/bases/${base.id}/collaborators`, {
    method: 'POST', headers: { Authorization: `Bearer ${cli(dir, ['token', 'create', '--user', owner.email, '--name', 'w', '--scope', 'workspacesAndBases:write'])}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ collaborators: [{ user: { id: bob }, permissionLevel: 'edit' }] }),
  });
  assert.equal(share.status, 200, await share.text());
  const a = await openEvents(server, ownerSession, base.id);
  const names = (d) => d.viewers.map((v) => v.name).sort().join(',');
  assert.equal(names(await a.next('presence')), 'Owner');
  const bobSession = await signIn(server, 'bob@example.com', 'correct horse battery');
  const b = await openEvents(server, bobSession, base.id);
  assert.equal(names(await b.next('presence', (d) => d.viewers.length === 2)), 'Bob,Owner');
  await a.next('presence', (d) => names(d) === 'Bob,Owner');
  // Bob's second tab does not count him twice.
  const b2 = await openEvents(server, bobSession, base.id);
  await b2.next('presence', (d) => names(d) === 'Bob,Owner');
  b.close();
  b2.close();
  await a.next('presence', (d) => names(d) === 'Owner');
  a.close();
});

test('the stream is the base\'s: 401 without a session, 403 for a stranger or an unknown base', async () => {
  const none = await fetch(`${server.url}/api/web/${base.id}/events`);
  assert.equal(none.status, 401);
  assert.deepEqual(await none.json(), { error: { type: 'AUTHENTICATION_REQUIRED', message: 'Sign in first' } });
  cli(dir, ['user', 'create', '--email', 'eve@example.com', '--name', 'Eve', '--password-stdin'], 'correct horse battery\n');
  const eve = await signIn(server, 'eve@example.com', 'correct horse battery');
  const s = await openEvents(server, eve, base.id);
  assert.equal(s.status, 403);
  assert.deepEqual(s.body, PERM_403);
  const unknown = await openEvents(server, ownerSession, 'appAAAAAAAAAAAAAA');
  assert.equal(unknown.status, 403);
  assert.deepEqual(unknown.body, PERM_403);
});

test('a server that stops ends its streams, so browsers reconnect elsewhere', async () => {
  const s = await openEvents(server, ownerSession, base.id);
  await s.next('hello');
  const stopped = server.stop();
  const t0 = Date.now();
  while (!s.ended && Date.now() - t0 < 5000) await sleep(20);
  assert.ok(s.ended, 'the stream ended');
  const exit = await stopped;
  assert.equal(exit.code, 0, server.log.slice(-2000));
  server = await new Server(dir).start();
});

test('on PostgreSQL, a write through one server reaches a stream held by another', { skip: STORE !== 'postgres' && 'needs a shared store' }, async () => {
  const other = await new Server(dir).start();
  try {
    const s = await openEvents(server, ownerSession, base.id);
    await s.next('hello');
    const t0 = Date.now();
    const made = await other.req('POST', `/v0/${base.id}/${items.id}`, { token: owner.token, body: { fields: { Name: 'elsewhere' } } });
    assert.equal(made.status, 200);
    assert.deepEqual((await s.next('records', (d) => d.created?.length, 2000)).created, [made.body.id]);
    console.log(`# a write through another server reached the stream in ${Date.now() - t0} ms`);
    // Presence across servers: Owner's stream on the other server counts once, and leaves.
    const s2 = await openEvents(other, ownerSession, base.id);
    await s2.next('presence', (d) => d.viewers.length === 1);
    s.close();
    s2.close();
  } finally {
    await other.stop();
  }
});
