// Every token rule over HTTP: each scope, each kind of resource, the owner's role cap, and the
// life cycle (edit, regenerate, revoke, expiry) through the CLI while the server runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, cli, cliResult, makeOwner, createBase, PERM_403, AUTH_401 } from './harness.mjs';

let server, owner, dir, wsA, wsB, baseA1, baseA2, baseB;
const oneTable = [{ name: 'Items', fields: [{ name: 'Name', type: 'singleLineText' }] }];
const tok = (args) => cli(dir, ['token', 'create', '--user', owner.email, '--name', 'test', ...args]);
const scopes = (...s) => s.flatMap((x) => ['--scope', x]);
const get = (path, token) => server.req('GET', path, { token });

before(async () => {
  dir = Server.freshDataDir();
  owner = makeOwner(dir);
  wsA = owner.workspaceId;
  wsB = cli(dir, ['workspace', 'create', '--owner', owner.email, '--name', 'Second']);
  server = await new Server(dir).start();
  baseA1 = await createBase(server, owner.token, wsA, 'A1', oneTable);
  baseA2 = await createBase(server, owner.token, wsA, 'A2', oneTable);
  baseB = await createBase(server, owner.token, wsB, 'B', oneTable);
});
after(async () => { await server.stop(); server.cleanup(); });

test('missing, malformed, unknown and legacy credentials are all the same 401', async () => {
  const good = tok(scopes('data.records:read'));
  const [id, secret] = good.split('.');
  const path = `/v0/${baseA1.id}/Items`;
  const variants = [
    undefined,
    'Bearer',
    'Basic dXNlcjpwYXNz',
    `Bearer ${id}`,
    `Bearer ${id}.${'0'.repeat(64)}`,
    `Bearer ${id}.${secret.toUpperCase()}`,
    `Bearer ${good}x`,
    `Bearer patAAAAAAAAAAAAAA.${secret}`,
    'Bearer keyAAAAAAAAAAAAAA',
    `Token ${good}`,
  ];
  for (const auth of variants) {
    const res = await server.req('GET', path, { headers: auth ? { Authorization: auth } : {} });
    assert.equal(res.status, 401, String(auth));
    assert.deepEqual(res.body, AUTH_401);
  }
  const ok = await server.req('GET', path, { headers: { Authorization: `bearer ${good}` } });
  assert.equal(ok.status, 200);
  // An unknown route answers 404 before authentication.
  const nf = await server.req('GET', '/v0/nowhere/at/all/here');
  assert.deepEqual([nf.status, nf.body], [404, { error: 'NOT_FOUND' }]);
});

test('each scope opens exactly its endpoints', async () => {
  const A = `/v0/${baseA1.id}/Items`;
  const t = {
    read: tok(scopes('data.records:read')),
    write: tok(scopes('data.records:write')),
    schemaRead: tok(scopes('schema.bases:read')),
    schemaWrite: tok(scopes('schema.bases:write')),
    email: tok(scopes('user.email:read')),
    comments: tok(scopes('data.recordComments:read')),
  };
  const cases = [
    ['GET', A, undefined, { read: 200 }],
    ['POST', `${A}/listRecords`, {}, { read: 200 }],
    ['POST', A, { fields: { Name: 'x' } }, { write: 200 }],
    ['GET', '/v0/meta/bases', undefined, { schemaRead: 200 }],
    ['GET', `/v0/meta/bases/${baseA1.id}/tables`, undefined, { schemaRead: 200 }],
    ['POST', `/v0/meta/bases/${baseA1.id}/tables`, { name: `T${Date.now()}`, fields: [{ name: 'N', type: 'singleLineText' }] }, { schemaWrite: 200 }],
  ];
  for (const [method, path, body, allowed] of cases) {
    for (const [name, token] of Object.entries(t)) {
      const b = body && body.name ? { ...body, name: `${body.name}-${name}` } : body;
      const res = await server.req(method, path, { token, body: b });
      const want = allowed[name] ?? 403;
      assert.equal(res.status, want, `${name} ${method} ${path}: ${JSON.stringify(res.body)}`);
      if (want === 403) assert.deepEqual(res.body, PERM_403);
    }
  }
  // whoami needs no scope; email appears only with user.email:read.
  for (const [name, token] of Object.entries(t)) {
    const who = await get('/v0/meta/whoami', token);
    assert.equal(who.status, 200);
    const expected = name === 'email' ? { id: owner.userId, email: owner.email } : { id: owner.userId };
    assert.deepEqual(who.body, expected);
  }
});

test('resources: single bases, workspaces (current and future), all bases', async () => {
  const byBase = tok([...scopes('data.records:read', 'schema.bases:read'), '--base', baseA2.id]);
  const byWs = tok([...scopes('data.records:read', 'schema.bases:read', 'schema.bases:write'), '--workspace', wsA]);
  const all = tok(scopes('data.records:read', 'schema.bases:read', 'schema.bases:write'));
  const reach = async (token, base) => (await get(`/v0/${base.id}/Items`, token)).status;
  assert.deepEqual([await reach(byBase, baseA1), await reach(byBase, baseA2), await reach(byBase, baseB)], [403, 200, 403]);
  assert.deepEqual([await reach(byWs, baseA1), await reach(byWs, baseA2), await reach(byWs, baseB)], [200, 200, 403]);
  assert.deepEqual([await reach(all, baseA1), await reach(all, baseA2), await reach(all, baseB)], [200, 200, 200]);

  // A base created later in the workspace is reached by the workspace token, not the base token.
  const later = await createBase(server, byWs, wsA, 'Later', oneTable);
  assert.equal(await reach(byWs, later), 200);
  assert.equal(await reach(all, later), 200);
  assert.equal(await reach(byBase, later), 403);
  const names = async (token) => (await get('/v0/meta/bases', token)).body.bases.map((b) => b.name);
  assert.deepEqual(await names(byBase), ['A2']);
  assert.deepEqual(await names(byWs), ['A1', 'A2', 'Later']);
  assert.deepEqual(await names(all), ['A1', 'A2', 'B', 'Later']);

  // The workspace token cannot create a base in a workspace it was not given.
  const res = await server.req('POST', '/v0/meta/bases', { token: byWs, body: { name: 'X', workspaceId: wsB, tables: oneTable } });
  assert.equal(res.status, 403);
  assert.deepEqual(res.body, PERM_403);
});

test("a token never exceeds its owner's role on the base", async () => {
  const email = 'reader@example.com';
  cli(dir, ['user', 'create', '--email', email, '--name', 'Reader']);
  cli(dir, ['base', 'share', '--base', baseA1.id, '--user', email, '--role', 'read']);
  const token = cli(dir, ['token', 'create', '--user', email, '--name', 'rw',
    ...scopes('data.records:read', 'data.records:write', 'schema.bases:read', 'schema.bases:write')]);
  const A = `/v0/${baseA1.id}/Items`;
  assert.equal((await get(A, token)).status, 200);
  const write = await server.req('POST', A, { token, body: { fields: { Name: 'nope' } } });
  assert.equal(write.status, 403);
  assert.deepEqual(write.body, { error: { type: 'INVALID_PERMISSIONS', message: 'You are not permitted to perform this operation' } });
  const schemaWrite = await server.req('POST', `/v0/meta/bases/${baseA1.id}/tables`, { token, body: { name: 'Z', fields: [{ name: 'N', type: 'singleLineText' }] } });
  assert.equal(schemaWrite.status, 403);
  assert.equal(schemaWrite.body.error.type, 'INVALID_PERMISSIONS');
  const bases = await get('/v0/meta/bases', token);
  assert.deepEqual(bases.body.bases, [{ id: baseA1.id, name: 'A1', permissionLevel: 'read' }]);
  // Bases the user has no role on are invisible, even with an all-bases token.
  assert.deepEqual((await get(`/v0/${baseA2.id}/Items`, token)).body, PERM_403);

  // Raised to editor: writes work; schema changes still need creator.
  cli(dir, ['base', 'share', '--base', baseA1.id, '--user', email, '--role', 'editor']);
  assert.equal((await server.req('POST', A, { token, body: { fields: { Name: 'yes' } } })).status, 200);
  assert.equal((await server.req('POST', `/v0/meta/bases/${baseA1.id}/tables`, { token, body: { name: 'Z', fields: [{ name: 'N', type: 'singleLineText' }] } })).status, 403);
  // Removed from the base: everything is the not-found 403.
  cli(dir, ['base', 'share', '--base', baseA1.id, '--user', email, '--role', 'none']);
  assert.deepEqual((await get(A, token)).body, PERM_403);
});

test('edit, regenerate and revoke take effect on the running server', async () => {
  const A = `/v0/${baseA1.id}/Items`;
  const token = tok([...scopes('data.records:read'), '--base', baseA1.id]);
  const id = token.split('.')[0];
  assert.equal((await get(A, token)).status, 200);

  cli(dir, ['token', 'edit', '--user', owner.email, '--token', id, '--name', 'renamed', '--scope', 'schema.bases:read']);
  assert.equal((await get(A, token)).status, 403);
  cli(dir, ['token', 'edit', '--user', owner.email, '--token', id, '--scope', 'data.records:read', '--base', baseA2.id]);
  assert.equal((await get(A, token)).status, 403);
  assert.equal((await get(`/v0/${baseA2.id}/Items`, token)).status, 200);

  const fresh = cli(dir, ['token', 'regenerate', '--user', owner.email, '--token', id]);
  assert.equal(fresh.split('.')[0], id);
  assert.notEqual(fresh, token);
  assert.deepEqual((await get(`/v0/${baseA2.id}/Items`, token)).body, AUTH_401);
  assert.equal((await get(`/v0/${baseA2.id}/Items`, fresh)).status, 200);

  const list = cli(dir, ['token', 'list', '--user', owner.email]).split('\n').map((l) => l.split('\t'));
  const row = list.find((r) => r[0] === id);
  assert.equal(row[1], 'renamed');
  assert.equal(row[2], 'data.records:read');
  assert.equal(row[3], baseA2.id);
  assert.ok(!list.flat().some((cell) => /\.[a-f0-9]{64}/.test(cell)), 'the list never shows a secret');

  cli(dir, ['token', 'revoke', '--user', owner.email, '--token', id]);
  assert.deepEqual((await get(`/v0/${baseA2.id}/Items`, fresh)).body, AUTH_401);
  assert.ok(!cli(dir, ['token', 'list', '--user', owner.email]).includes(id));

  const audit = cli(dir, ['token', 'audit', '--user', owner.email]).split('\n').filter((l) => l.includes(id)).map((l) => l.split('\t')[2]);
  assert.deepEqual(audit.reverse().filter((e) => e !== 'token.used'), ['token.created', 'token.edited', 'token.edited', 'token.regenerated', 'token.revoked']);
});

test('regenerate with an overlap keeps the old secret for a while', async () => {
  const token = tok(scopes('data.records:read'));
  const id = token.split('.')[0];
  const fresh = cli(dir, ['token', 'regenerate', '--user', owner.email, '--token', id, '--overlap', '60']);
  assert.equal((await get(`/v0/${baseA1.id}/Items`, token)).status, 200);
  assert.equal((await get(`/v0/${baseA1.id}/Items`, fresh)).status, 200);
});

test('an expired token is refused', async () => {
  const soon = new Date(Date.now() + 1500).toISOString();
  const token = tok([...scopes('data.records:read'), '--expires', soon]);
  assert.equal((await get(`/v0/${baseA1.id}/Items`, token)).status, 200);
  await new Promise((r) => setTimeout(r, 1700));
  assert.deepEqual((await get(`/v0/${baseA1.id}/Items`, token)).body, AUTH_401);
  const past = cliResult(dir, ['token', 'create', '--user', owner.email, '--name', 'x', '--scope', 'data.records:read', '--expires', '2020-01-01']);
  assert.notEqual(past.status, 0);
});

test('token creation validates its spec', async () => {
  const bad = [
    ['--scope', 'data.records:delete'],
    ['--scope', 'data.records:read', '--base', 'appAAAAAAAAAAAAAA'],
    ['--scope', 'data.records:read', '--workspace', 'wspAAAAAAAAAAAAAA'],
    [],
  ];
  for (const args of bad) {
    const r = cliResult(dir, ['token', 'create', '--user', owner.email, '--name', 'bad', ...args]);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.equal(r.stdout.trim(), '');
  }
});

test('last used is recorded, coalesced, off the request path', async () => {
  const token = tok(scopes('data.records:read'));
  const id = token.split('.')[0];
  for (let i = 0; i < 5; i++) await get(`/v0/${baseA1.id}/Items`, token);
  let row;
  for (let i = 0; i < 40; i++) {
    row = cli(dir, ['token', 'list', '--user', owner.email]).split('\n').map((l) => l.split('\t')).find((r) => r[0] === id);
    if (row[5] !== '-') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.match(row[5], /^\d{4}-\d\d-\d\dT/);
  const uses = cli(dir, ['token', 'audit', '--user', owner.email]).split('\n').filter((l) => l.includes(id) && l.includes('token.used'));
  assert.equal(uses.length, 1);
});

test('server-wide expiry policy: default and maximum lifetimes', async () => {
  cli(dir, ['settings', 'set', '--key', 'token.maxExpiryDays', '--value', '7']);
  try {
    const forever = cliResult(dir, ['token', 'create', '--user', owner.email, '--name', 'x', '--scope', 'data.records:read']);
    assert.notEqual(forever.status, 0);
    assert.match(forever.stderr, /at most 7 days/);
    cli(dir, ['settings', 'set', '--key', 'token.defaultExpiryDays', '--value', '3']);
    const token = tok(scopes('data.records:read'));
    const row = cli(dir, ['token', 'list', '--user', owner.email]).split('\n').map((l) => l.split('\t')).find((r) => r[0] === token.split('.')[0]);
    const days = (Date.parse(row[6]) - Date.now()) / 86400000;
    assert.ok(days > 2.9 && days <= 3, `expires in ${days} days`);
    assert.match(cli(dir, ['settings', 'list']), /token\.maxExpiryDays\t7/);
    assert.notEqual(cliResult(dir, ['settings', 'set', '--key', 'token.maxExpiryDays', '--value', 'soon']).status, 0);
  } finally {
    cli(dir, ['settings', 'set', '--key', 'token.maxExpiryDays', '--value', '']);
    cli(dir, ['settings', 'set', '--key', 'token.defaultExpiryDays', '--value', '']);
  }
});

// A test suite commits a known token for its local server (issue 12): only on a data directory
// marked for testing, only well-formed, never an id that is taken; then it is a token like any.
test('a token with a given secret, only on a server marked for testing', async () => {
  const fixed = 'patFixedTestTokn1.' + '0123456789abcdef'.repeat(4);
  const create = (secret) => cliResult(dir, ['token', 'create', '--user', owner.email, '--name', 'ci', ...scopes('data.records:read'), '--secret', secret]);
  let r = create(fixed);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /testing\.fixedTokens/);
  assert.equal((await get('/v0/meta/whoami', fixed)).status, 401);

  cli(dir, ['settings', 'set', '--key', 'testing.fixedTokens', '--value', 'true']);
  try {
    for (const bad of ['pat123.abc', 'patFixedTestTokn2.' + 'G'.repeat(64), 'xyzFixedTestTokn2.' + 'a'.repeat(64)]) {
      r = create(bad);
      assert.notEqual(r.status, 0, bad);
      assert.match(r.stderr, /pat<14 letters or digits>/);
    }
    r = create(fixed);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), fixed);
    const who = await get('/v0/meta/whoami', fixed);
    assert.equal(who.status, 200, JSON.stringify(who.body));
    assert.equal(who.body.id, owner.userId);
    assert.equal((await get(`/v0/${baseA1.id}/Items`, fixed)).status, 200);
    // The id is taken now, even with another secret; a wrong secret for it does not authenticate.
    r = create('patFixedTestTokn1.' + 'f'.repeat(64));
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /is taken/);
    assert.equal((await get('/v0/meta/whoami', 'patFixedTestTokn1.' + 'f'.repeat(64))).status, 401);
    // Listed like any token, without its secret.
    const list = cli(dir, ['token', 'list', '--user', owner.email]);
    assert.match(list, /patFixedTestTokn1/);
    assert.ok(!list.includes('0123456789abcdef'));
  } finally {
    cli(dir, ['settings', 'set', '--key', 'testing.fixedTokens', '--value', '']);
  }
});
