// The journey of DEVELOPERS.md over the CLI and the API: a token limited to one base reads
// "Test Table" by its URL-encoded name and is refused on another base exactly as Airtable refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, cli, makeOwner, createBase, PERM_403 } from './harness.mjs';

let server, owner, base1, base2;

before(async () => {
  const dir = Server.freshDataDir();
  owner = makeOwner(dir);
  server = await new Server(dir).start();
  base1 = await createBase(server, owner.token, owner.workspaceId, 'Journey', [
    { name: 'Test Table', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Notes', type: 'multilineText' }] },
  ]);
  base2 = await createBase(server, owner.token, owner.workspaceId, 'Other', [
    { name: 'Test Table', fields: [{ name: 'Name', type: 'singleLineText' }] },
  ]);
  const created = await server.req('POST', `/v0/${base1.id}/Test%20Table`, {
    token: owner.token,
    body: { records: [{ fields: { Name: 'First', Notes: 'hello' } }, { fields: { Name: 'Second' } }] },
  });
  assert.equal(created.status, 200);
});

after(async () => { await server.stop(); server.cleanup(); });

test('a token limited to one base reads its table and is refused elsewhere', async () => {
  const token = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'Data Import Token',
    '--scope', 'data.records:read', '--scope', 'data.records:write', '--scope', 'schema.bases:read',
    '--base', base1.id]);
  assert.match(token, /^pat[A-Za-z0-9]{14}\.[a-f0-9]{64}$/);

  const res = await server.req('GET', `/v0/${base1.id}/Test%20Table`, { token });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.records.map((r) => r.fields.Name), ['First', 'Second']);
  assert.deepEqual(res.body.records[0].fields, { Name: 'First', Notes: 'hello' });
  assert.equal(res.body.offset, undefined);
  for (const r of res.body.records) {
    assert.match(r.id, /^rec[A-Za-z0-9]{14}$/);
    assert.match(r.createdTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }

  const other = await server.req('GET', `/v0/${base2.id}/Test%20Table`, { token });
  assert.equal(other.status, 403);
  assert.deepEqual(other.body, PERM_403);

  // Only the base it was given appears in the bases list.
  const bases = await server.req('GET', '/v0/meta/bases', { token });
  assert.deepEqual(bases.body, { bases: [{ id: base1.id, name: 'Journey', permissionLevel: 'create' }] });
});

test('a token with data.records:write and schema.bases:read but not data.records:read cannot list', async () => {
  const token = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'Write only',
    '--scope', 'data.records:write', '--scope', 'schema.bases:read', '--base', base1.id]);
  const res = await server.req('GET', `/v0/${base1.id}/Test%20Table`, { token });
  assert.equal(res.status, 403);
  assert.deepEqual(res.body, PERM_403);
  // ...while the schema read it does have works.
  const schema = await server.req('GET', `/v0/meta/bases/${base1.id}/tables`, { token });
  assert.equal(schema.status, 200);
  assert.equal(schema.body.tables[0].name, 'Test Table');
});

test('a nonexistent base and table answer the same 403 as a base outside the token', async () => {
  const token = owner.token;
  const missingBase = await server.req('GET', '/v0/appAAAAAAAAAAAAAA/Test%20Table', { token });
  assert.equal(missingBase.status, 403);
  assert.deepEqual(missingBase.body, PERM_403);
  const missingTable = await server.req('GET', `/v0/${base1.id}/No%20Such%20Table`, { token });
  assert.equal(missingTable.status, 403);
  assert.deepEqual(missingTable.body, PERM_403);
});
