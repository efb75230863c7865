// Linked records (multipleRecordLinks): creating a link field makes its inverse in the linked
// table; writes on either side keep the other in step; typecast finds records by primary field;
// deleting records, fields and tables leaves no dangling links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase, signIn } from './harness.mjs';

let server, owner, base, people, projects, session;
const r = (method, path, body) => server.req(method, path, { token: owner.token, body });
const fieldsOf = async (table, id) => (await r('GET', `/v0/${base.id}/${table}/${id}`)).body.fields;
const web = (method, path) => fetch(server.url + path, { method, headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf } });

before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  base = await createBase(server, owner.token, owner.workspaceId, 'Links', [
    { name: 'People', fields: [{ name: 'Name', type: 'singleLineText' }] },
    { name: 'Projects', fields: [{ name: 'Title', type: 'singleLineText' }] },
  ]);
  [people, projects] = base.tables.map((t) => t.id);
  session = await signIn(server, owner.email, 'correct horse battery');
});
after(async () => { await server.stop(); server.cleanup(); });

test('a link field and its inverse; writes on either side keep both in step', async () => {
  const made = await r('POST', `/v0/meta/bases/${base.id}/tables/${projects}/fields`, { name: 'Owners', type: 'multipleRecordLinks', options: { linkedTableId: people } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const inverseId = made.body.options.inverseLinkFieldId;
  assert.deepEqual(made.body.options, { linkedTableId: people, isReversed: false, prefersSingleRecordLink: false, inverseLinkFieldId: inverseId });
  const schema = await r('GET', `/v0/meta/bases/${base.id}/tables`);
  const inverse = schema.body.tables[0].fields.find((f) => f.id === inverseId);
  assert.deepEqual(inverse, { id: inverseId, name: 'Projects', type: 'multipleRecordLinks', options: { linkedTableId: projects, isReversed: false, prefersSingleRecordLink: false, inverseLinkFieldId: made.body.id } });

  const folks = await r('POST', `/v0/${base.id}/${people}`, { records: [{ fields: { Name: 'Alice' } }, { fields: { Name: 'Bob' } }] });
  const [alice, bob] = folks.body.records.map((x) => x.id);
  const p1 = (await r('POST', `/v0/${base.id}/${projects}`, { fields: { Title: 'P1', Owners: [alice, bob] } })).body;
  assert.deepEqual(p1.fields.Owners, [alice, bob]);
  assert.deepEqual((await fieldsOf(people, alice)).Projects, [p1.id]);
  assert.deepEqual((await fieldsOf(people, bob)).Projects, [p1.id]);

  await r('PATCH', `/v0/${base.id}/${projects}/${p1.id}`, { fields: { Owners: [bob] } });
  assert.deepEqual(await fieldsOf(people, alice), { Name: 'Alice' });
  // typecast finds linked records by their primary field.
  const p2 = await r('POST', `/v0/${base.id}/${projects}`, { fields: { Title: 'P2', Owners: 'Alice, Bob' }, typecast: true });
  assert.equal(p2.status, 200, JSON.stringify(p2.body));
  assert.deepEqual(p2.body.fields.Owners, [alice, bob]);
  // The inverse side writes too: Alice joins P1 (appended after Bob).
  await r('PATCH', `/v0/${base.id}/${people}/${alice}`, { fields: { Projects: [p2.body.id, p1.id] } });
  assert.deepEqual((await fieldsOf(projects, p1.id)).Owners, [bob, alice]);

  for (const [fields, typecast] of [[{ Owners: ['recAAAAAAAAAAAAAA'] }, false], [{ Owners: [p1.id] }, false], [{ Owners: 'Nobody' }, true], [{ Owners: 'x' }, false]]) {
    const bad = await r('POST', `/v0/${base.id}/${projects}`, { fields, typecast });
    assert.equal(bad.status, 422, JSON.stringify(fields));
    assert.equal(bad.body.error.type, 'INVALID_VALUE_FOR_COLUMN');
  }

  // Deleting a record takes it out of every link.
  await r('DELETE', `/v0/${base.id}/${people}/${bob}`);
  assert.deepEqual((await fieldsOf(projects, p1.id)).Owners, [alice]);
  assert.deepEqual((await fieldsOf(projects, p2.body.id)).Owners, [alice]);

  // Formulas, filters and string cells see a link as its records' primary field values.
  await r('PATCH', `/v0/${base.id}/${people}/${alice}`, { fields: { Name: 'Alice A.' } });
  const byName = await r('GET', `/v0/${base.id}/${projects}?filterByFormula=${encodeURIComponent('FIND("Alice A.", ARRAYJOIN({Owners}))')}`);
  assert.deepEqual(byName.body.records.map((x) => x.fields.Title).sort(), ['P1', 'P2']);
  const f = await r('POST', `/v0/meta/bases/${base.id}/tables/${projects}/fields`, { name: 'Who', type: 'formula', options: { formula: 'ARRAYJOIN({Owners}, "; ")' } });
  assert.equal(f.status, 200, JSON.stringify(f.body));
  assert.equal((await fieldsOf(projects, p1.id)).Who, 'Alice A.');
  const text = await r('GET', `/v0/${base.id}/${projects}?cellFormat=string&timeZone=UTC&userLocale=en&sort[0][field]=Title`);
  assert.deepEqual(text.body.records.map((x) => x.fields.Owners), ['Alice A.', 'Alice A.']);
  const none = await r('GET', `/v0/${base.id}/${projects}?filterByFormula=${encodeURIComponent('FIND("Bob", ARRAYJOIN({Owners}))')}`);
  assert.deepEqual(none.body.records, []);
  const changed = await r('PATCH', `/v0/meta/bases/${base.id}/tables/${projects}/fields/${made.body.id}`, { options: { linkedTableId: projects } });
  assert.equal(changed.status, 422);
  const typeChange = await fetch(`${server.url}/api/web/${base.id}/${projects}/fields/${made.body.id}`, { method: 'PATCH', headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'singleLineText' }) });
  assert.equal(typeChange.status, 422);
});

test('a self-link has no inverse and is cleaned when a record goes; deleting fields and tables removes the pair', async () => {
  const parts = await r('POST', `/v0/meta/bases/${base.id}/tables`, { name: 'Parts', fields: [{ name: 'Name', type: 'singleLineText' }] });
  const self = await r('POST', `/v0/meta/bases/${base.id}/tables/${parts.body.id}/fields`, { name: 'Uses', type: 'multipleRecordLinks', options: { linkedTableId: parts.body.id } });
  assert.equal(self.status, 200, JSON.stringify(self.body));
  assert.equal(self.body.options.inverseLinkFieldId, undefined);
  const made = await r('POST', `/v0/${base.id}/${parts.body.id}`, { records: [{ fields: { Name: 'bolt' } }, { fields: { Name: 'nut' } }] });
  const [bolt, nut] = made.body.records.map((x) => x.id);
  await r('PATCH', `/v0/${base.id}/${parts.body.id}/${bolt}`, { fields: { Uses: [nut, bolt] } });
  await r('DELETE', `/v0/${base.id}/${parts.body.id}/${nut}`);
  assert.deepEqual((await fieldsOf(parts.body.id, bolt)).Uses, [bolt]);

  // Deleting the link field in the web app deletes its inverse in People too.
  const schema = (await r('GET', `/v0/meta/bases/${base.id}/tables`)).body.tables;
  const owners = schema.find((t) => t.id === projects).fields.find((f) => f.name === 'Owners');
  assert.equal((await web('DELETE', `/api/web/${base.id}/${projects}/fields/${owners.id}`)).status, 200);
  const after = (await r('GET', `/v0/meta/bases/${base.id}/tables`)).body.tables;
  assert.ok(!after.find((t) => t.id === people).fields.some((f) => f.type === 'multipleRecordLinks'));
  // A new link, then its table is deleted: the other side's field goes too.
  const again = await r('POST', `/v0/meta/bases/${base.id}/tables/${projects}/fields`, { name: 'Lead', type: 'multipleRecordLinks', options: { linkedTableId: people } });
  assert.equal(again.status, 200);
  assert.equal((await web('DELETE', `/api/web/${base.id}/${people}`)).status, 200);
  const last = (await r('GET', `/v0/meta/bases/${base.id}/tables`)).body.tables;
  assert.ok(!last.find((t) => t.id === projects).fields.some((f) => f.name === 'Lead'));
  const list = await r('GET', `/v0/${base.id}/${projects}`);
  assert.equal(list.status, 200);
  // A new base cannot link tables that do not exist yet.
  const nb = await r('POST', '/v0/meta/bases', { name: 'X', workspaceId: owner.workspaceId, tables: [{ name: 'A', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'L', type: 'multipleRecordLinks', options: { linkedTableId: 'tblAAAAAAAAAAAAAA' } }] }] });
  assert.equal(nb.status, 422);
});
