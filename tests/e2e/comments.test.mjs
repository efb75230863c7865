// Record comments (airtable-api.md §8): create, reply, mention, list newest first with offsets,
// edit and delete by the author only, scopes and roles, commentCount in record lists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase, cli, PERM_403 } from './harness.mjs';

let server, owner, base, table, recordId, otherRecordId, commenterId, commenterToken, ownerToken;
const COMMENT_SCOPES = ['--scope', 'data.recordComments:read', '--scope', 'data.recordComments:write', '--scope', 'data.records:read'];
const path = (rec = recordId) => `/v0/${base.id}/${table.id}/${rec}/comments`;
const as = (token) => ({
  get: (p) => server.req('GET', p, { token }),
  post: (p, body) => server.req('POST', p, { token, body }),
  patch: (p, body) => server.req('PATCH', p, { token, body }),
  del: (p) => server.req('DELETE', p, { token }),
});

before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  base = await createBase(server, owner.token, owner.workspaceId, 'Comments', [{ name: 'Tasks', fields: [{ name: 'Name', type: 'singleLineText' }] }]);
  table = base.tables[0];
  const res = await server.req('POST', `/v0/${base.id}/${table.id}`, { token: owner.token, body: { records: [{ fields: { Name: 'one' } }, { fields: { Name: 'two' } }] } });
  [recordId, otherRecordId] = res.body.records.map((r) => r.id);
  ownerToken = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'comments', ...COMMENT_SCOPES]);
  commenterId = cli(server.dataDir, ['user', 'create', '--email', 'carol@example.com', '--name', 'Carol', '--password-stdin'], 'carol password 1\n');
  cli(server.dataDir, ['base', 'share', '--base', base.id, '--user', 'carol@example.com', '--role', 'commenter']);
  commenterToken = cli(server.dataDir, ['token', 'create', '--user', 'carol@example.com', '--name', 'c', ...COMMENT_SCOPES]);
});
after(async () => { await server.stop(); server.cleanup(); });

test('a comment, a reply and a mention have Airtable\'s shape', async () => {
  const first = await as(ownerToken).post(path(), { text: `Hello, @[${commenterId}]!` });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const c = first.body;
  assert.match(c.id, /^com[A-Za-z0-9]{14}$/);
  assert.deepEqual(c.author, { id: owner.userId, email: owner.email, name: 'Owner' });
  assert.equal(c.text, `Hello, @[${commenterId}]!`);
  assert.match(c.createdTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok('lastUpdatedTime' in c && c.lastUpdatedTime === null);
  assert.deepEqual(c.mentioned, { [commenterId]: { type: 'user', id: commenterId, displayName: 'Carol', email: 'carol@example.com' } });
  assert.ok(!('parentCommentId' in c));

  const reply = await as(commenterToken).post(path(), { text: 'On it', parentCommentId: c.id });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.equal(reply.body.parentCommentId, c.id);
  assert.equal(reply.body.author.email, 'carol@example.com');
  // A reply to a reply joins the thread of its parent.
  const nested = await as(ownerToken).post(path(), { text: 'Thanks', parentCommentId: reply.body.id });
  assert.equal(nested.body.parentCommentId, c.id);

  for (const [body, re] of [[{}, /non-empty/], [{ text: '' }, /non-empty/], [{ text: 'x', parentCommentId: 'comAAAAAAAAAAAAAA' }, /on this record/], [{ text: 'x', color: 'red' }, /Unknown key/]]) {
    const bad = await as(ownerToken).post(path(), body);
    assert.equal(bad.status, 422, JSON.stringify(body));
    assert.match(bad.body.error.message, re);
  }
  const elsewhere = await as(ownerToken).post(path(otherRecordId), { text: 'x', parentCommentId: c.id });
  assert.equal(elsewhere.status, 422);
});

test('comments list newest first, a page at a time, with a null offset at the end', async () => {
  for (let i = 0; i < 3; i++) await as(ownerToken).post(path(otherRecordId), { text: `note ${i}` });
  const p1 = await as(ownerToken).get(path(otherRecordId) + '?pageSize=2');
  assert.equal(p1.status, 200);
  assert.deepEqual(p1.body.comments.map((c) => c.text), ['note 2', 'note 1']);
  assert.equal(typeof p1.body.offset, 'string');
  const p2 = await as(ownerToken).get(path(otherRecordId) + `?pageSize=2&offset=${encodeURIComponent(p1.body.offset)}`);
  assert.deepEqual(p2.body.comments.map((c) => c.text), ['note 0']);
  assert.ok('offset' in p2.body && p2.body.offset === null);
  // An offset belongs to its record and cannot be forged.
  const foreign = await as(ownerToken).get(path() + `?offset=${encodeURIComponent(p1.body.offset)}`);
  assert.equal(foreign.status, 422);
  assert.equal(foreign.body.error.type, 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE');
  const forged = await as(ownerToken).get(path(otherRecordId) + '?offset=itr00/x');
  assert.equal(forged.status, 422);
  for (const size of ['0', '101', 'abc']) assert.equal((await as(ownerToken).get(path() + `?pageSize=${size}`)).status, 422);
});

test('only the author edits or deletes a comment', async () => {
  const made = (await as(ownerToken).post(path(), { text: 'draft' })).body;
  const byOther = await as(commenterToken).patch(`${path()}/${made.id}`, { text: 'hijacked' });
  assert.equal(byOther.status, 403);
  assert.equal(byOther.body.error.type, 'INVALID_PERMISSIONS');
  assert.equal((await as(commenterToken).del(`${path()}/${made.id}`)).status, 403);
  const edited = await as(ownerToken).patch(`${path()}/${made.id}`, { text: 'final' });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  assert.equal(edited.body.text, 'final');
  assert.match(edited.body.lastUpdatedTime, /Z$/);
  assert.equal(edited.body.createdTime, made.createdTime);
  const wrongRecord = await as(ownerToken).patch(`${path(otherRecordId)}/${made.id}`, { text: 'x' });
  assert.equal(wrongRecord.status, 404);
  const del = await as(ownerToken).del(`${path()}/${made.id}`);
  assert.deepEqual(del.body, { id: made.id, deleted: true });
  const list = await as(ownerToken).get(path());
  assert.ok(!list.body.comments.some((c) => c.id === made.id));
  assert.equal((await as(ownerToken).del(`${path()}/${made.id}`)).status, 404);
});

test('scopes, roles and missing records answer as Airtable does', async () => {
  // The base fixture token has record scopes but no comment scopes.
  const noScope = await as(owner.token).get(path());
  assert.equal(noScope.status, 403);
  assert.deepEqual(noScope.body, PERM_403);
  cli(server.dataDir, ['user', 'create', '--email', 'rita@example.com', '--name', 'Rita', '--password-stdin'], 'rita password 1\n');
  cli(server.dataDir, ['base', 'share', '--base', base.id, '--user', 'rita@example.com', '--role', 'read']);
  const reader = cli(server.dataDir, ['token', 'create', '--user', 'rita@example.com', '--name', 'r', ...COMMENT_SCOPES]);
  assert.equal((await as(reader).get(path())).status, 200);
  const write = await as(reader).post(path(), { text: 'may I?' });
  assert.equal(write.status, 403);
  assert.equal(write.body.error.type, 'INVALID_PERMISSIONS');
  const missing = await as(ownerToken).get(`/v0/${base.id}/${table.id}/recAAAAAAAAAAAAAA/comments`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.type, 'MODEL_ID_NOT_FOUND');
});

test('commentCount in record lists counts each record\'s comments', async () => {
  const list = await as(ownerToken).get(`/v0/${base.id}/${table.id}?recordMetadata[]=commentCount`);
  assert.equal(list.status, 200);
  const counts = Object.fromEntries(list.body.records.map((r) => [r.id, r.commentCount]));
  const first = (await as(ownerToken).get(path())).body.comments.length;
  assert.deepEqual(counts, { [recordId]: first, [otherRecordId]: 3 });
  assert.ok(first >= 3);
  const plain = await as(ownerToken).get(`/v0/${base.id}/${table.id}`);
  assert.ok(!('commentCount' in plain.body.records[0]));

  await server.req('DELETE', `/v0/${base.id}/${table.id}/${otherRecordId}`, { token: owner.token });
  const gone = await as(ownerToken).get(path(otherRecordId));
  assert.equal(gone.status, 404);  // and its rows are gone from the store (Store.CommentsGoWithTheirRecord)
});
