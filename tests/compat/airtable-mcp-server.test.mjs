// airtable-mcp-server 1.14.0 (npm) against airbase: its AirtableService, pointed at this server,
// parses every answer with strict zod schemas (airtable-api.md §10.3), so each call below fails if
// a shape it relies on is off: bases with permissionLevel, tables with primaryFieldId and views,
// records, deletes, fields, search through filterByFormula with FIND over field ids, and comments
// (top-level offset, lastUpdatedTime null, author.email).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AirtableService } from 'airtable-mcp-server/dist/airtableService.js';
import { Server, makeOwner, createBase, cli } from '../e2e/harness.mjs';

let server, owner, service, baseId;

before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  const base = await createBase(server, owner.token, owner.workspaceId, 'MCP', [{ name: 'Notes', fields: [{ name: 'Title', type: 'singleLineText' }, { name: 'Body', type: 'multilineText' }] }]);
  baseId = base.id;
  const token = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'mcp',
    '--scope', 'data.records:read', '--scope', 'data.records:write', '--scope', 'schema.bases:read',
    '--scope', 'schema.bases:write', '--scope', 'data.recordComments:read', '--scope', 'data.recordComments:write']);
  service = new AirtableService(token, server.url);
});
after(async () => { await server.stop(); server.cleanup(); });

test('schema: bases, tables, fields', async () => {
  const bases = await service.listBases();
  assert.deepEqual(bases.bases.map((b) => [b.id, b.permissionLevel]), [[baseId, 'create']]);
  const table = await service.createTable(baseId, 'Tasks', [{ name: 'Name', type: 'singleLineText' }], 'things to do');
  assert.match(table.id, /^tbl/);
  const renamed = await service.updateTable(baseId, table.id, { name: 'Todo' });
  assert.equal(renamed.name, 'Todo');
  const field = await service.createField(baseId, table.id, { name: 'Done', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } });
  assert.equal(field.type, 'checkbox');  // its Field schema keeps no id: read it from the schema
  const fieldId = (await service.getBaseSchema(baseId)).tables.find((t) => t.id === table.id).fields.find((f) => f.name === 'Done').id;
  const updated = await service.updateField(baseId, table.id, fieldId, { name: 'Finished', description: 'ticked when done' });
  assert.equal(updated.name, 'Finished');
  const schema = await service.getBaseSchema(baseId);
  const todo = schema.tables.find((t) => t.id === table.id);
  assert.equal(todo.primaryFieldId, todo.fields[0].id);
  assert.equal(todo.views[0].type, 'grid');
});

test('records: create, get, list, update, search, delete', async () => {
  const schema = await service.getBaseSchema(baseId);
  const notes = schema.tables.find((t) => t.name === 'Notes');
  const a = await service.createRecord(baseId, notes.id, { Title: 'Quote "this"', Body: 'a back\\slash' });
  const b = await service.createRecord(baseId, notes.id, { Title: 'Plain', Body: 'nothing special' });
  assert.equal((await service.getRecord(baseId, notes.id, a.id)).fields.Title, 'Quote "this"');
  const all = await service.listRecords(baseId, notes.id, {});
  assert.deepEqual(all.map((r) => r.id).sort(), [a.id, b.id].sort());
  const updated = await service.updateRecords(baseId, notes.id, [{ id: b.id, fields: { Body: 'now special' } }]);
  assert.equal(updated[0].fields.Body, 'now special');
  // searchRecords escapes quotes and backslashes and searches with FIND over field ids.
  assert.deepEqual((await service.searchRecords(baseId, notes.id, '"this"')).map((r) => r.id), [a.id]);
  assert.deepEqual((await service.searchRecords(baseId, notes.id, 'back\\slash')).map((r) => r.id), [a.id]);
  assert.deepEqual((await service.searchRecords(baseId, notes.id, 'special')).map((r) => r.id), [b.id]);
  const deleted = await service.deleteRecords(baseId, notes.id, [a.id]);
  assert.deepEqual(deleted.map((d) => d.id), [a.id]);
});

test('comments: create, reply, list with the offset key present', async () => {
  const schema = await service.getBaseSchema(baseId);
  const notes = schema.tables.find((t) => t.name === 'Notes');
  const rec = await service.createRecord(baseId, notes.id, { Title: 'Discuss' });
  const first = await service.createComment(baseId, notes.id, rec.id, 'First!');
  assert.equal(first.author.email, owner.email);
  assert.equal(first.lastUpdatedTime, null);
  const reply = await service.createComment(baseId, notes.id, rec.id, 'Agreed', first.id);
  assert.equal(reply.parentCommentId, first.id);
  const page = await service.listComments(baseId, notes.id, rec.id, 1);
  assert.deepEqual(page.comments.map((c) => c.text), ['Agreed']);
  assert.equal(typeof page.offset, 'string');
  const rest = await service.listComments(baseId, notes.id, rec.id, 1, page.offset);
  assert.deepEqual(rest.comments.map((c) => c.text), ['First!']);
  assert.equal(rest.offset, null);
});
