// Collaborator cells (airtable-api.md §5.8): singleCollaborator and multipleCollaborators written by
// id, email or (typecast) name, only for users who can reach the base; createdBy and lastModifiedBy
// set from the user behind the token; formulas, filters, sorts and cellFormat=string by name;
// webhooks' V2 cells with permissionLevel; a removed user reading back whole; text converting to
// collaborators by email or name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase, cli, signIn } from './harness.mjs';

let server, owner, base, table, ann, carol, bob, annToken;
const SCOPES = ['--scope', 'data.records:read', '--scope', 'data.records:write', '--scope', 'schema.bases:read'];

function user(email, name) {
  const id = cli(server.dataDir, ['user', 'create', '--email', email, '--name', name, '--password-stdin'],
    'correct horse battery\n');
  return { id, email, name };
}
const fid = (name) => table.fields.find((f) => f.name === name).id;
const path = (q = '') => `/v0/${base.id}/${table.id}${q}`;
const create = (fields, { token = owner.token, typecast = false } = {}) =>
  server.req('POST', path(), { token, body: { records: [{ fields }], typecast } });
const person = (u) => ({ id: u.id, email: u.email, name: u.name });
// A PATCH of the web app's session API, as the owner.
async function webPatch(url, body) {
  const { cookie, csrf } = await signIn(server, owner.email, 'correct horse battery');
  return fetch(server.url + url, {
    method: 'PATCH',
    headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  base = await createBase(server, owner.token, owner.workspaceId, 'People', [{
    name: 'Tasks',
    fields: [
      { name: 'Name', type: 'singleLineText' },
      { name: 'Owner', type: 'singleCollaborator' },
      { name: 'Team', type: 'multipleCollaborators' },
      { name: 'Lead', type: 'singleLineText' },
      { name: 'Code', type: 'barcode' },
    ],
  }]);
  table = base.tables[0];
  // createdBy and lastModifiedBy are added over the API (docs/DECISIONS.md keeps that extension).
  for (const spec of [
    { name: 'Created by', type: 'createdBy' },
    { name: 'Named by', type: 'lastModifiedBy', options: { referencedFieldIds: [fid('Name')] } },
    { name: 'Owner name', type: 'formula', options: { formula: '{Owner} & "!"' } },
    { name: 'Team size', type: 'formula', options: { formula: 'COUNTA({Team})' } },
  ]) {
    const res = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${table.id}/fields`, { token: owner.token, body: spec });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    table.fields.push(res.body);
  }
  ann = user('ann@example.com', 'Ann Archer');
  carol = user('carol@example.com', 'Carol Chen');
  bob = user('bob@example.com', 'Bob Brown');  // on the server, but not in this base
  cli(server.dataDir, ['base', 'share', '--base', base.id, '--user', ann.email, '--role', 'editor']);
  cli(server.dataDir, ['workspace', 'share', '--workspace', owner.workspaceId, '--user', carol.email, '--role', 'read']);
  annToken = cli(server.dataDir, ['token', 'create', '--user', ann.email, '--name', 'ann', ...SCOPES]);
});
after(async () => { await server.stop(); server.cleanup(); });

test('the schema shows the people types with their options', async () => {
  const res = await server.req('GET', `/v0/meta/bases/${base.id}/tables`, { token: owner.token });
  const byName = Object.fromEntries(res.body.tables[0].fields.map((f) => [f.name, f]));
  assert.equal(byName.Owner.type, 'singleCollaborator');
  assert.equal(byName.Team.type, 'multipleCollaborators');
  assert.equal(byName['Created by'].type, 'createdBy');
  assert.deepEqual(byName['Named by'].options, { referencedFieldIds: [fid('Name')] });
});

test('cells are written by id, email or id strings and read as {id, email, name}', async () => {
  const res = await create({ Name: 'a', Owner: { id: ann.id }, Team: [carol.id, { email: 'ANN@example.com' }, { id: carol.id }] });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const f = res.body.records[0].fields;
  assert.deepEqual(f.Owner, person(ann));
  assert.deepEqual(f.Team, [person(carol), person(ann)], 'in the order written, repeats once');
  assert.deepEqual(f['Created by'], person({ id: owner.userId, email: owner.email, name: 'Owner' }));
  assert.deepEqual(f['Named by'], f['Created by']);
  assert.equal(f['Owner name'], 'Ann Archer!');
  assert.equal(f['Team size'], 2);
  const got = await server.req('GET', path('/' + res.body.records[0].id), { token: owner.token });
  assert.deepEqual(got.body.fields.Owner, person(ann));
  // Other keys of an item are ignored: the id decides.
  const other = await create({ Owner: { id: carol.id, email: 'x@y.z', name: 'Someone' } });
  assert.deepEqual(other.body.records[0].fields.Owner, person(carol));
});

test('people who cannot reach the base, and malformed values, are refused whole', async () => {
  for (const [fields, typecast] of [
    [{ Owner: { id: bob.id } }, false],
    [{ Owner: { email: bob.email } }, false],
    [{ Team: [ann.id, bob.id] }, false],
    [{ Owner: { id: 'usrNoSuchUser0000' } }, false],
    [{ Owner: 'Ann Archer' }, false],  // a name needs typecast
    [{ Owner: { name: 'Ann Archer' } }, false],
    [{ Owner: [{ id: ann.id }] }, false],
    [{ Team: { id: ann.id } }, false],
    [{ Owner: 'Bob Brown' }, true],
  ]) {
    const before = await server.req('GET', path(), { token: owner.token });
    const res = await create({ Name: 'refused', ...fields }, { typecast });
    assert.equal(res.status, 422, JSON.stringify(fields));
    assert.equal(res.body.error.type, 'INVALID_VALUE_FOR_COLUMN', JSON.stringify(res.body));
    const after = await server.req('GET', path(), { token: owner.token });
    assert.equal(after.body.records.length, before.body.records.length, 'nothing stored');
  }
  // A user of the server outside the base is refused as one who does not exist: nothing tells them apart.
  const known = await create({ Owner: { email: bob.email } });
  const unknown = await create({ Owner: { email: 'nobody@example.com' } });
  assert.equal(known.body.error.message.replace(bob.email, 'X'), unknown.body.error.message.replace('nobody@example.com', 'X'));
});

test('typecast finds people by email or name, for one and for many', async () => {
  const res = await create({ Name: 't', Owner: 'carol chen', Team: 'Ann Archer, carol@example.com' }, { typecast: true });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.records[0].fields.Owner, person(carol));
  assert.deepEqual(res.body.records[0].fields.Team, [person(ann), person(carol)]);
});

test('createdBy stays with the creator; lastModifiedBy follows the writer of its watched fields', async () => {
  const made = await create({ Name: 'first', Lead: 'x' });
  const id = made.body.records[0].id;
  const ownerPerson = person({ id: owner.userId, email: owner.email, name: 'Owner' });
  // Ann changes an unwatched field: "Named by" watches Name only.
  let res = await server.req('PATCH', path('/' + id), { token: annToken, body: { fields: { Lead: 'y' } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.fields['Named by'], ownerPerson);
  res = await server.req('PATCH', path('/' + id), { token: annToken, body: { fields: { Name: 'renamed' } } });
  assert.deepEqual(res.body.fields['Named by'], person(ann));
  assert.deepEqual(res.body.fields['Created by'], ownerPerson);
  // Read by name like the other people cells.
  const byCreator = await server.req('GET', path('?' + new URLSearchParams({ filterByFormula: `AND({Created by}='Owner', {Named by}='Ann Archer')`, cellFormat: 'string', timeZone: 'UTC', userLocale: 'en' })), { token: owner.token });
  assert.deepEqual(byCreator.body.records.map((r) => [r.id, r.fields['Created by'], r.fields['Named by']]), [[id, 'Owner', 'Ann Archer']]);
  // Computed: never written by a client.
  res = await server.req('PATCH', path('/' + id), { token: owner.token, body: { fields: { 'Created by': { id: ann.id } } } });
  assert.equal(res.status, 422);
  assert.equal(res.body.error.type, 'INVALID_VALUE_FOR_COLUMN');
});

test('formulas, filters, sorts and cellFormat=string read people by name', async () => {
  const q = (s) => server.req('GET', path(s), { token: owner.token });
  const filtered = await q('?filterByFormula=' + encodeURIComponent("{Owner}='Ann Archer'"));
  assert.equal(filtered.status, 200, JSON.stringify(filtered.body));
  assert.ok(filtered.body.records.length >= 1);
  for (const r of filtered.body.records) assert.equal(r.fields.Owner.id, ann.id);
  const found = await q('?filterByFormula=' + encodeURIComponent("FIND('Chen', ARRAYJOIN({Team}))"));
  assert.ok(found.body.records.length >= 2);
  for (const r of found.body.records) assert.ok(r.fields.Team.some((p) => p.id === carol.id));
  const sorted = await q('?' + new URLSearchParams({ 'sort[0][field]': 'Owner', 'sort[0][direction]': 'desc', 'filterByFormula': '{Owner}' }));
  const names = sorted.body.records.map((r) => r.fields.Owner.name);
  assert.deepEqual(names, [...names].sort().reverse());
  assert.ok(new Set(names).size >= 2, names.join());
  const text = await q('?' + new URLSearchParams({ cellFormat: 'string', timeZone: 'UTC', userLocale: 'en', 'filterByFormula': "{Name}='a'" }));
  assert.equal(text.body.records[0].fields.Owner, 'Ann Archer');
  assert.equal(text.body.records[0].fields.Team, 'Carol Chen, Ann Archer');
});

test('view filters take people by name: =, isAnyOf, contains, hasAnyOf', async () => {
  const view = table.views[0];
  const cond = (name, operator, value) => ({ fieldId: fid(name), operator, value });
  const all = (await server.req('GET', path(), { token: owner.token })).body.records;
  for (const [conditions, want] of [
    [[cond('Owner', '=', 'Ann Archer')], (r) => r.fields.Owner?.id === ann.id],
    [[cond('Owner', 'isAnyOf', ['Ann Archer', 'Carol Chen'])], (r) => r.fields.Owner !== undefined],
    [[cond('Owner', 'contains', 'chen')], (r) => r.fields.Owner?.id === carol.id],
    [[cond('Team', 'hasAnyOf', ['Ann Archer'])], (r) => (r.fields.Team || []).some((p) => p.id === ann.id)],
  ]) {
    const saved = await webPatch(`/api/web/${base.id}/${table.id}/views/${view.id}`, { filters: { conjunction: 'and', conditions } });
    assert.equal(saved.status, 200, await saved.text());
    const got = await server.req('GET', path(`?view=${view.id}`), { token: owner.token });
    const expected = all.filter(want).map((r) => r.id);
    assert.ok(expected.length > 0);
    assert.deepEqual(got.body.records.map((r) => r.id), expected, JSON.stringify(conditions));
  }
  await webPatch(`/api/web/${base.id}/${table.id}/views/${view.id}`, { filters: { conjunction: 'and', conditions: [] } });
});

test("webhooks' V2 cells carry the permission level; a removed user reads back whole", async () => {
  const hooks = `/v0/bases/${base.id}/webhooks`;
  const hookToken = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'hooks', '--scope', 'webhook:manage', ...SCOPES]);
  const made = await server.req('POST', hooks, { token: hookToken, body: { specification: { options: { filters: { dataTypes: ['tableData'] } } } } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const res = await create({ Name: 'hooked', Owner: { id: ann.id }, Team: [carol.id], Code: { text: '123', type: 'ean8' } });
  const rec = res.body.records[0].id;
  const payloads = await server.req('GET', `${hooks}/${made.body.id}/payloads`, { token: hookToken });
  const cells = payloads.body.payloads.at(-1).changedTablesById[table.id].createdRecordsById[rec].cellValuesByFieldId;
  assert.deepEqual(cells[fid('Owner')], { ...person(ann), permissionLevel: 'edit' });
  assert.deepEqual(cells[fid('Team')], [{ ...person(carol), permissionLevel: 'read' }]);
  assert.deepEqual(cells[fid('Code')], { text: '123', type: 'ean8' });

  cli(server.dataDir, ['base', 'share', '--base', base.id, '--user', ann.email, '--role', 'none']);
  const got = await server.req('GET', path('/' + rec), { token: owner.token });
  assert.deepEqual(got.body.fields.Owner, person(ann), 'old cells keep the person');
  const again = await create({ Owner: { id: ann.id } });
  assert.equal(again.status, 422, 'a removed user is no longer accepted');
  cli(server.dataDir, ['base', 'share', '--base', base.id, '--user', ann.email, '--role', 'editor']);
});

test('text becomes collaborators by email or name; the rest is cleared', async () => {
  const ids = [];
  for (const lead of ['carol@example.com', 'Ann Archer', 'Nobody Here', 'bob@example.com']) {
    const res = await create({ Name: 'lead ' + lead, Lead: lead });
    ids.push(res.body.records[0].id);
  }
  const changed = await webPatch(`/api/web/${base.id}/${table.id}/fields/${fid('Lead')}`, { type: 'multipleCollaborators' });
  assert.equal(changed.status, 200, await changed.text());
  const leads = [];
  for (const id of ids) leads.push((await server.req('GET', path('/' + id), { token: owner.token })).body.fields.Lead);
  assert.deepEqual(leads, [[person(carol)], [person(ann)], undefined, undefined]);

  // And back: people become their names.
  const back = await webPatch(`/api/web/${base.id}/${table.id}/fields/${fid('Lead')}`, { type: 'singleLineText' });
  assert.equal(back.status, 200, await back.text());
  const names = [];
  for (const id of ids.slice(0, 2)) names.push((await server.req('GET', path('/' + id), { token: owner.token })).body.fields.Lead);
  assert.deepEqual(names, ['Carol Chen', 'Ann Archer']);
});

test('a CSV round trip: people as cellFormat=string names them are found again by typecast', async () => {
  const made = await create({ Name: 'csv', Owner: { id: carol.id }, Team: [ann.id, carol.id] });
  const text = await server.req('GET', path('?' + new URLSearchParams({ filterByFormula: "{Name}='csv'", cellFormat: 'string', timeZone: 'UTC', userLocale: 'en' })), { token: owner.token });
  const { Owner, Team } = text.body.records[0].fields;
  assert.deepEqual([Owner, Team], ['Carol Chen', 'Ann Archer, Carol Chen']);
  const again = await create({ Name: 'csv copy', Owner, Team }, { typecast: true });
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.deepEqual(again.body.records[0].fields.Owner, made.body.records[0].fields.Owner);
  assert.deepEqual(again.body.records[0].fields.Team, made.body.records[0].fields.Team);
});
