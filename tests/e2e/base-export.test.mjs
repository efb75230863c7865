// `airbase base export` (docs/BASE_FORMAT.md): a base as one JSON document with every id: the
// workspace, tables, fields with options, views with their config, and with --records the stored
// cells of every record (pages of 500 streamed, in creation order), with --comments each
// record's comments oldest first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase, cli, cliResult } from './harness.mjs';

let server, owner, base, tasks, people, commentToken;
const exportBase = (...flags) => JSON.parse(cli(server.dataDir, ['base', 'export', '--base', base.id, ...flags]));

before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  base = await createBase(server, owner.token, owner.workspaceId, 'Exported', [
    { name: 'People', fields: [{ name: 'Name', type: 'singleLineText' }] },
    {
      name: 'Tasks',
      fields: [
        { name: 'Title', type: 'singleLineText' },
        { name: 'N', type: 'number', options: { precision: 1 } },
        { name: 'State', type: 'singleSelect', options: { choices: [{ name: 'Open', color: 'blueLight2' }, { name: 'Done' }] } },
        { name: 'Owner', type: 'singleCollaborator' },
        { name: 'Files', type: 'multipleAttachments' },
        { name: 'Seq', type: 'autoNumber' },
      ],
    },
  ]);
  [people, tasks] = base.tables;
  const link = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${tasks.id}/fields`, { token: owner.token, body: { name: 'Who', type: 'multipleRecordLinks', options: { linkedTableId: people.id } } });
  assert.equal(link.status, 200, JSON.stringify(link.body));
  const formula = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${tasks.id}/fields`, { token: owner.token, body: { name: 'Twice', type: 'formula', options: { formula: '{N} * 2' } } });
  assert.equal(formula.status, 200);
  commentToken = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'c', '--scope', 'data.recordComments:write', '--scope', 'data.recordComments:read', '--scope', 'data.records:read']);
});
after(async () => { await server.stop(); server.cleanup(); });

test('the schema comes with every id, field options and view config', async () => {
  const doc = exportBase();
  assert.equal(doc.format, 'airbase.base');
  assert.equal(doc.version, 1);
  assert.deepEqual(doc.workspace, { id: owner.workspaceId, name: 'Main' });
  assert.deepEqual(doc.base, { id: base.id, name: 'Exported' });
  const schema = (await server.req('GET', `/v0/meta/bases/${base.id}/tables`, { token: owner.token })).body.tables;
  assert.deepEqual(doc.tables.map((t) => [t.id, t.name, t.primaryFieldId]), schema.map((t) => [t.id, t.name, t.primaryFieldId]));
  for (const [i, t] of doc.tables.entries()) {
    assert.deepEqual(t.fields, schema[i].fields, 'fields as the metadata API shows them');
    assert.deepEqual(t.views.map((v) => [v.id, v.name, v.type]), schema[i].views.map((v) => [v.id, v.name, v.type]));
    assert.ok(!('records' in t), 'no records without --records');
  }
  assert.deepEqual(doc.tables[1].views[0].filters, { conjunction: 'and', conditions: [] });
});

test('records carry their ids, created times and stored cells; computed ones are left out', async () => {
  const who = await server.req('POST', `/v0/${base.id}/${people.id}`, { token: owner.token, body: { fields: { Name: 'Ann' } } });
  const rows = [];
  for (let i = 0; i < 1205; i += 10) {
    const records = Array.from({ length: Math.min(10, 1205 - i) }, (_, k) => ({ fields: { Title: `t${i + k}`, N: (i + k) / 2 } }));
    const res = await server.req('POST', `/v0/${base.id}/${tasks.id}`, { token: owner.token, body: { records } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    rows.push(...res.body.records);
  }
  const first = rows[0].id;
  const full = await server.req('PATCH', `/v0/${base.id}/${tasks.id}/${first}`, { token: owner.token, body: { fields: { State: 'Open', Owner: { email: owner.email }, Who: [who.body.id] } } });
  assert.equal(full.status, 200, JSON.stringify(full.body));
  const up = await server.req('POST', `/v0/${base.id}/${first}/Files/uploadAttachment`, { token: owner.token, body: { contentType: 'text/plain', file: Buffer.from('hello').toString('base64'), filename: 'h.txt' } });
  assert.equal(up.status, 200, JSON.stringify(up.body));

  const doc = exportBase('--records');
  const t = doc.tables.find((x) => x.id === tasks.id);
  assert.equal(t.records.length, 1205, 'every page of 500');
  assert.deepEqual(t.records.map((r) => r.id), rows.map((r) => r.id), 'in creation order');
  assert.deepEqual(t.records.map((r) => r.createdTime), rows.map((r) => r.createdTime));
  const f = (name) => t.fields.find((x) => x.name === name).id;
  const rec = t.records[0];
  assert.equal(rec.fields[f('Title')], 't0');
  assert.equal(rec.fields[f('State')], 'Open');
  assert.deepEqual(rec.fields[f('Owner')], { id: owner.userId, email: owner.email, name: 'Owner' });
  assert.deepEqual(rec.fields[f('Who')], [who.body.id]);
  const [item] = rec.fields[f('Files')];
  assert.deepEqual(item, { id: up.body.fields[f('Files')][0].id, filename: 'h.txt', hash: item.hash, size: 5, type: 'text/plain' });
  assert.match(item.hash, /^[0-9a-f]{64}$/, 'the content key, not a URL that expires');
  assert.equal(t.records[3].fields[f('N')], 1.5);
  assert.ok(!(f('Twice') in rec.fields) && !(f('Seq') in rec.fields), 'formulas and autoNumber are recomputed');
  assert.ok(!('comments' in rec));
  assert.deepEqual(doc.tables.find((x) => x.id === people.id).records.map((r) => r.id), [who.body.id]);
});

test('--comments adds each record\'s comments, oldest first, with replies and edits', async () => {
  const doc0 = exportBase('--records');
  const rec = doc0.tables.find((x) => x.id === tasks.id).records[1].id;
  const path = `/v0/${base.id}/${tasks.id}/${rec}/comments`;
  const a = await server.req('POST', path, { token: commentToken, body: { text: 'first' } });
  const b = await server.req('POST', path, { token: commentToken, body: { text: 'a reply', parentCommentId: a.body.id } });
  await server.req('PATCH', `${path}/${a.body.id}`, { token: commentToken, body: { text: 'first, edited' } });
  const doc = exportBase('--comments');
  const t = doc.tables.find((x) => x.id === tasks.id);
  const withComments = t.records.filter((r) => r.comments);
  assert.deepEqual(withComments.map((r) => r.id), [rec]);
  const [c1, c2] = withComments[0].comments;
  assert.deepEqual([c1.id, c1.text, c1.authorId, c1.parentCommentId], [a.body.id, 'first, edited', owner.userId, undefined]);
  assert.ok(c1.lastUpdatedTime);
  assert.deepEqual([c2.id, c2.text, c2.parentCommentId], [b.body.id, 'a reply', a.body.id]);
  assert.equal(c2.createdTime, b.body.createdTime);
});

test('an unknown base is refused', () => {
  const r = cliResult(server.dataDir, ['base', 'export', '--base', 'appNoSuchBase0000']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no base appNoSuchBase0000/);
});
