// The official npm `airtable` client (0.12.2), pointed at airbase with endpointUrl, unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Airtable from 'airtable';
import { Server, cli, makeOwner, createBase } from '../e2e/harness.mjs';

let server, owner, base, table;

before(async () => {
  const dir = Server.freshDataDir();
  owner = makeOwner(dir);
  server = await new Server(dir).start();
  base = await createBase(server, owner.token, owner.workspaceId, 'Compat', [
    {
      name: 'Test Table',
      fields: [
        { name: 'Name', type: 'singleLineText' },
        { name: 'Age', type: 'number', options: { precision: 0 } },
        { name: 'Tags', type: 'multipleSelects', options: { choices: [{ name: 'a' }, { name: 'b' }] } },
      ],
    },
  ]);
  const records = Array.from({ length: 130 }, (_, i) => ({ fields: { Name: `p${String(i).padStart(3, '0')}`, Age: i } }));
  for (let i = 0; i < records.length; i += 10) {
    const res = await server.req('POST', `/v0/${base.id}/Test%20Table`, { token: owner.token, body: { records: records.slice(i, i + 10) } });
    assert.equal(res.status, 200);
  }
  table = () => new Airtable({ apiKey: owner.token, endpointUrl: server.url, noRetryIfRateLimited: true }).base(base.id)('Test Table');
});
after(async () => { await server.stop(); server.cleanup(); });

test('select().eachPage pages through every record', async () => {
  const pages = [];
  await table().select({ pageSize: 50, sort: [{ field: 'Age', direction: 'asc' }] }).eachPage((records, next) => {
    pages.push(records.map((r) => r.get('Age')));
    next();
  });
  assert.deepEqual(pages.map((p) => p.length), [50, 50, 30]);
  assert.deepEqual(pages.flat(), Array.from({ length: 130 }, (_, i) => i));
});

test('select().all() with fields, sort, maxRecords and view', async () => {
  const records = await table().select({
    fields: ['Name'], sort: [{ field: 'Age', direction: 'desc' }], maxRecords: 120, pageSize: 25, view: 'Grid view',
  }).all();
  assert.equal(records.length, 120);
  assert.equal(records[0].get('Name'), 'p129');
  assert.equal(records[0].get('Age'), undefined);
  assert.match(records[0].id, /^rec/);
  const viaPost = await table().select({ method: 'post', pageSize: 100, fields: ['Name', 'Age'] }).all();
  assert.equal(viaPost.length, 130);
});

test('find, create single and batch, update, replace, destroy', async () => {
  const one = await table().create({ Name: 'Zed', Age: 7, Tags: ['a'] });
  assert.equal(one.get('Name'), 'Zed');
  const found = await table().find(one.id);
  assert.deepEqual(found.fields, { Name: 'Zed', Age: 7, Tags: ['a'] });

  const many = await table().create([{ fields: { Name: 'M1' } }, { fields: { Name: 'M2', Tags: ['new'] } }], { typecast: true });
  assert.deepEqual(many.map((r) => r.get('Name')), ['M1', 'M2']);
  assert.deepEqual(many[1].get('Tags'), ['new']);

  const updated = await table().update(one.id, { Age: 8 });
  assert.deepEqual(updated.fields, { Name: 'Zed', Age: 8, Tags: ['a'] });
  const batch = await table().update([{ id: many[0].id, fields: { Age: 1 } }, { id: many[1].id, fields: { Age: 2 } }]);
  assert.deepEqual(batch.map((r) => r.get('Age')), [1, 2]);

  const replaced = await table().replace(one.id, { Name: 'Zed only' });
  assert.deepEqual(replaced.fields, { Name: 'Zed only' });

  const gone = await table().destroy(one.id);
  assert.equal(gone.id, one.id);
  const goneMany = await table().destroy([many[0].id, many[1].id]);
  assert.deepEqual(goneMany.map((r) => r.id), [many[0].id, many[1].id]);
  await assert.rejects(table().find(one.id), (err) => err.statusCode === 404 && err.error === 'NOT_FOUND');
});

test('select() with filterByFormula, sort and paging, GET and POST', async () => {
  const formula = "AND({Age} >= 10, {Age} < 40, FIND('1', {Name}))";
  const expected = Array.from({ length: 130 }, (_, i) => i).filter((i) => i >= 10 && i < 40 && `p${String(i).padStart(3, '0')}`.includes('1'));
  const got = await table().select({ filterByFormula: formula, sort: [{ field: 'Age', direction: 'desc' }], pageSize: 3 }).all();
  assert.deepEqual(got.map((r) => r.get('Age')), [...expected].reverse());
  const viaPost = await table().select({ filterByFormula: formula, method: 'post', pageSize: 4 }).all();
  assert.deepEqual(viaPost.map((r) => r.get('Age')), expected);
  // pyairtable's ORM pattern: fetch by ids with OR(RECORD_ID()=...).
  const ids = got.slice(0, 2).map((r) => r.id);
  const byId = await table().select({ filterByFormula: `OR(${ids.map((id) => `RECORD_ID()='${id}'`).join(',')})` }).all();
  assert.deepEqual(byId.map((r) => r.id).sort(), [...ids].sort());
});

test('upsert through update with performUpsert', async () => {
  const res = await new Promise((resolve, reject) => {
    table()._base.runAction('patch', `/${encodeURIComponent('Test Table')}/`, {}, {
      performUpsert: { fieldsToMergeOn: ['Name'] }, records: [{ fields: { Name: 'p001', Age: 1001 } }, { fields: { Name: 'brand new' } }],
    }, (err, response, body) => (err ? reject(err) : resolve(body)));
  });
  assert.equal(res.updatedRecords.length, 1);
  assert.equal(res.createdRecords.length, 1);
  assert.equal(res.records[0].fields.Age, 1001);
});

test('error objects for 401, 403, 404 and 422', async () => {
  const bad = new Airtable({ apiKey: 'patAAAAAAAAAAAAAA.' + '0'.repeat(64), endpointUrl: server.url }).base(base.id)('Test Table');
  await assert.rejects(bad.select().firstPage(), (e) => e.statusCode === 401 && e.error === 'AUTHENTICATION_REQUIRED');

  const writeOnly = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'w', '--scope', 'data.records:write']);
  const forbidden = new Airtable({ apiKey: writeOnly, endpointUrl: server.url }).base(base.id)('Test Table');
  await assert.rejects(forbidden.select().firstPage(), (e) => e.statusCode === 403 && e.error === 'NOT_AUTHORIZED');

  await assert.rejects(table().find('recAAAAAAAAAAAAAA'), (e) => e.statusCode === 404 && e.error === 'NOT_FOUND' && e.message === 'Record not found');

  await assert.rejects(table().create({ Nope: 1 }), (e) => e.statusCode === 422 && e.error === 'UNKNOWN_FIELD_NAME' && e.message === 'Unknown field name: "Nope"');
  await assert.rejects(table().create({ Age: 'old' }), (e) => e.statusCode === 422 && e.error === 'INVALID_VALUE_FOR_COLUMN');
  await assert.rejects(table().select({ filterByFormula: '{Nope} > 3' }).firstPage(),
    (e) => e.statusCode === 422 && e.error === 'INVALID_FILTER_BY_FORMULA' && e.message === 'The formula for filtering records is invalid: Unknown field names: Nope');
});

// airtable.js has no upload call: files come by URL, collaborators by id or email, read back as
// Airtable's objects.
test('attachments by URL and collaborators through airtable.js', async () => {
  const made = await server.req('POST', `/v0/meta/bases/${base.id}/tables`, { token: owner.token, body: {
    name: 'Files', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Files', type: 'multipleAttachments' }, { name: 'Owner', type: 'singleCollaborator' }],
  } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const files = () => new Airtable({ apiKey: owner.token, endpointUrl: server.url, noRetryIfRateLimited: true }).base(base.id)('Files');
  const src = await files().create({ Name: 'src' });
  const up = await server.req('POST', `/v0/${base.id}/${src.id}/Files/uploadAttachment`, { token: owner.token,
    body: { contentType: 'text/plain', file: Buffer.from('from airtable.js').toString('base64'), filename: 'a.txt' } });
  assert.equal(up.status, 200, JSON.stringify(up.body));
  const [item] = (await files().find(src.id)).get('Files');
  const copy = await files().create({ Name: 'copy', Files: [{ url: item.url, filename: 'b.txt' }], Owner: { email: owner.email } });
  const [copied] = copy.get('Files');
  assert.deepEqual([copied.filename, copied.size, copied.type], ['b.txt', item.size, 'text/plain']);
  assert.equal(Buffer.from(await (await fetch(copied.url)).arrayBuffer()).toString(), 'from airtable.js');
  assert.deepEqual(copy.get('Owner'), { id: owner.userId, email: owner.email, name: 'Owner' });
  const kept = await files().update(copy.id, { Files: [{ id: copied.id }, { url: item.url }] });
  assert.deepEqual(kept.get('Files').map((f) => f.filename), ['b.txt', 'a.txt']);
  assert.equal(kept.get('Files')[0].id, copied.id);
});
