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

test('count and lookup fields read through links; they break cleanly when their fields go', async () => {
  const made = await createBase(server, owner.token, owner.workspaceId, 'Library', [
    { name: 'Authors', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Born', type: 'number', options: { precision: 0 } }] },
    { name: 'Books', fields: [{ name: 'Title', type: 'singleLineText' }] },
  ]);
  const [authors, books] = made.tables.map((t) => t.id);
  const meta = (table, body) => server.req('POST', `/v0/meta/bases/${made.id}/tables/${table}/fields`, { token: owner.token, body });
  const link = (await meta(books, { name: 'By', type: 'multipleRecordLinks', options: { linkedTableId: authors } })).body;
  const born = made.tables[0].fields.find((f) => f.name === 'Born');
  const count = await meta(books, { name: 'Authors count', type: 'count', options: { recordLinkFieldId: link.id } });
  assert.equal(count.status, 200, JSON.stringify(count.body));
  assert.deepEqual(count.body.options, { isValid: true, recordLinkFieldId: link.id });
  const years = await meta(books, { name: 'Born', type: 'multipleLookupValues', options: { recordLinkFieldId: link.id, fieldIdInLinkedTable: born.id } });
  assert.equal(years.status, 200, JSON.stringify(years.body));
  assert.deepEqual(years.body.options.result, { type: 'number', options: { precision: 0 } });
  const names = await meta(books, { name: 'Names', type: 'multipleLookupValues', options: { recordLinkFieldId: link.id, fieldIdInLinkedTable: made.tables[0].fields[0].id } });
  assert.equal((await meta(books, { name: 'Bad', type: 'count', options: { recordLinkFieldId: born.id } })).status, 422);
  assert.equal((await meta(books, { name: 'Bad', type: 'multipleLookupValues', options: { recordLinkFieldId: link.id, fieldIdInLinkedTable: 'fldAAAAAAAAAAAAAA' } })).status, 422);

  const a = (await server.req('POST', `/v0/${made.id}/${authors}`, { token: owner.token, body: { records: [{ fields: { Name: 'Ann', Born: 1950 } }, { fields: { Name: 'Ben', Born: 1980 } }] } })).body.records.map((x) => x.id);
  await server.req('POST', `/v0/${made.id}/${books}`, { token: owner.token, body: { records: [
    { fields: { Title: 'Two hands', By: a } }, { fields: { Title: 'Solo', By: [a[1]] } }, { fields: { Title: 'Anonymous' } }] } });
  const list = async (q = '') => (await server.req('GET', `/v0/${made.id}/${books}${q}`, { token: owner.token })).body.records;
  const rows = await list('?sort[0][field]=Title');
  assert.deepEqual(rows.map((x) => [x.fields.Title, x.fields['Authors count'], x.fields.Born, x.fields.Names]), [
    ['Anonymous', 0, undefined, undefined], ['Solo', 1, [1980], ['Ben']], ['Two hands', 2, [1950, 1980], ['Ann', 'Ben']]]);
  // Filters, sorts, formulas and string cells see them.
  assert.deepEqual((await list(`?filterByFormula=${encodeURIComponent('{Authors count} > 1')}`)).map((x) => x.fields.Title), ['Two hands']);
  assert.deepEqual((await list(`?filterByFormula=${encodeURIComponent('FIND("Ben", ARRAYJOIN({Names}))')}&sort[0][field]=Authors count&sort[0][direction]=desc`)).map((x) => x.fields.Title), ['Two hands', 'Solo']);
  const f = await meta(books, { name: 'Oldest', type: 'formula', options: { formula: 'MIN({Born})' } });
  assert.equal(f.status, 200, JSON.stringify(f.body));
  assert.deepEqual((await list('?sort[0][field]=Title')).map((x) => x.fields.Oldest), [0, 1980, 1950]);
  const text = await list('?cellFormat=string&timeZone=UTC&userLocale=en&sort[0][field]=Title');
  assert.deepEqual(text.map((x) => x.fields.Names ?? ''), ['', 'Ben', 'Ann, Ben']);
  // Rollups: a formula over the looked-up values (the word inside a string stays text).
  const total = await meta(books, { name: 'Total', type: 'rollup', options: { recordLinkFieldId: link.id, fieldIdInLinkedTable: born.id, formula: 'SUM(values)' } });
  assert.equal(total.status, 200, JSON.stringify(total.body));
  assert.deepEqual(total.body.options.result, { type: 'number', options: { precision: 0 } });
  const label = await meta(books, { name: 'Label', type: 'rollup', options: { recordLinkFieldId: link.id, fieldIdInLinkedTable: made.tables[0].fields[0].id, formula: 'CONCATENATE("values: ", ARRAYJOIN(values, " & "))' } });
  assert.equal(label.status, 200, JSON.stringify(label.body));
  assert.equal((await meta(books, { name: 'Bad', type: 'rollup', options: { recordLinkFieldId: link.id, fieldIdInLinkedTable: born.id, formula: 'SUM(values' } })).status, 422);
  const rolled = await list('?sort[0][field]=Title');
  assert.deepEqual(rolled.map((x) => [x.fields.Total, x.fields.Label]), [[0, 'values: '], [1980, 'values: Ben'], [3930, 'values: Ann & Ben']]);
  assert.deepEqual((await list(`?filterByFormula=${encodeURIComponent('{Total} > 2000')}`)).map((x) => x.fields.Title), ['Two hands']);
  // Writing to them is refused like any computed field.
  const w = await server.req('PATCH', `/v0/${made.id}/${books}/${rows[1].id}`, { token: owner.token, body: { fields: { 'Authors count': 3 } } });
  assert.equal(w.status, 422);
  // Deleting the looked-up field makes the lookup invalid.
  const session = await signIn(server, owner.email, 'correct horse battery');
  const del = await fetch(`${server.url}/api/web/${made.id}/${authors}/fields/${born.id}`, { method: 'DELETE', headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf } });
  assert.equal(del.status, 200);
  const after = await list('?sort[0][field]=Title');
  assert.deepEqual(after[2].fields.Born, { error: '#ERROR!' });
  const schema = await server.req('GET', `/v0/meta/bases/${made.id}/tables`, { token: owner.token });
  assert.equal(schema.body.tables[1].fields.find((x) => x.name === 'Born').options.isValid, false);
  assert.equal(schema.body.tables[1].fields.find((x) => x.name === 'Total').options.isValid, false);
  assert.deepEqual(after[2].fields.Total, { error: '#ERROR!' });
});
