// The metadata API: base schema, create base/table/field, update table/field, and their errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase } from './harness.mjs';

let server, owner, base;
const req = (method, path, body) => server.req(method, path, { token: owner.token, body });

before(async () => {
  const dir = Server.freshDataDir();
  owner = makeOwner(dir);
  server = await new Server(dir).start();
  base = await createBase(server, owner.token, owner.workspaceId, 'Apartment Hunting', [
    {
      name: 'Apartments', description: 'A to-do list of places to visit',
      fields: [
        { name: 'Name', type: 'singleLineText', description: 'Name of the apartment' },
        { name: 'Visited', type: 'checkbox', options: { color: 'greenBright', icon: 'check' } },
      ],
    },
  ]);
});
after(async () => { await server.stop(); server.cleanup(); });

test('create base answers the full table models with ids and a default grid view', () => {
  assert.match(base.id, /^app[A-Za-z0-9]{14}$/);
  const [t] = base.tables;
  assert.match(t.id, /^tbl[A-Za-z0-9]{14}$/);
  assert.equal(t.description, 'A to-do list of places to visit');
  assert.equal(t.primaryFieldId, t.fields[0].id);
  assert.deepEqual(t.fields.map(({ id, ...f }) => f), [
    { name: 'Name', type: 'singleLineText', description: 'Name of the apartment' },
    { name: 'Visited', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } },
  ]);
  assert.equal(t.views.length, 1);
  assert.equal(t.views[0].name, 'Grid view');
  assert.equal(t.views[0].type, 'grid');
  assert.match(t.views[0].id, /^viw[A-Za-z0-9]{14}$/);
});

test('base schema, with visibleFieldIds only on request', async () => {
  const plain = await req('GET', `/v0/meta/bases/${base.id}/tables`);
  assert.equal(plain.status, 200);
  assert.deepEqual(plain.body.tables, base.tables);
  assert.equal(plain.body.tables[0].views[0].visibleFieldIds, undefined);
  for (const q of ['include=visibleFieldIds', 'include%5B%5D=visibleFieldIds']) {
    const withIds = await req('GET', `/v0/meta/bases/${base.id}/tables?${q}`);
    assert.deepEqual(withIds.body.tables[0].views[0].visibleFieldIds, base.tables[0].fields.map((f) => f.id));
  }
  const bad = await req('GET', `/v0/meta/bases/${base.id}/tables?include=everything`);
  assert.equal(bad.status, 422);
});

test('create table, then update its name and description', async () => {
  const res = await req('POST', `/v0/meta/bases/${base.id}/tables`, {
    name: 'Districts',
    fields: [
      { name: 'Name', type: 'singleLineText' },
      { name: 'Rent', type: 'currency', options: { precision: 0, symbol: '$' } },
      { name: 'Moved in', type: 'dateTime', options: { dateFormat: { name: 'us', format: 'M/D/YYYY' }, timeFormat: { name: '12hour' }, timeZone: 'America/Los_Angeles' } },
    ],
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.fields[2].options, {
    dateFormat: { name: 'us', format: 'M/D/YYYY' }, timeFormat: { name: '12hour', format: 'h:mma' }, timeZone: 'America/Los_Angeles',
  });
  const upd = await req('PATCH', `/v0/meta/bases/${base.id}/tables/${res.body.id}`, { name: 'Neighbourhoods', description: 'Where' });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.name, 'Neighbourhoods');
  assert.equal(upd.body.description, 'Where');
  assert.equal(upd.body.fields.length, 3);
  const byName = await req('PATCH', `/v0/meta/bases/${base.id}/tables/Neighbourhoods`, { description: 'Where we look' });
  assert.equal(byName.status, 200);
  const schema = await req('GET', `/v0/meta/bases/${base.id}/tables`);
  assert.deepEqual(schema.body.tables.map((t) => t.name), ['Apartments', 'Neighbourhoods']);
  // Records go to the renamed table under its new name.
  const rec = await req('POST', `/v0/${base.id}/Neighbourhoods`, { fields: { Name: 'Mission', Rent: 2500 } });
  assert.equal(rec.status, 200);
});

test('create table errors', async () => {
  const cases = [
    [{ name: 'Apartments', fields: [{ name: 'N', type: 'singleLineText' }] }, 'DUPLICATE_TABLE_NAME'],
    [{ name: 'apartments', fields: [{ name: 'N', type: 'singleLineText' }] }, 'DUPLICATE_TABLE_NAME'],
    [{ name: 'Empty', fields: [] }, 'INVALID_REQUEST_UNKNOWN'],
    [{ name: '', fields: [{ name: 'N', type: 'singleLineText' }] }, 'INVALID_REQUEST_UNKNOWN'],
    [{ name: 'Dup', fields: [{ name: 'N', type: 'singleLineText' }, { name: 'n', type: 'number' }] }, 'DUPLICATE_OR_EMPTY_FIELD_NAME'],
    [{ name: 'Prim', fields: [{ name: 'C', type: 'checkbox' }] }, 'INVALID_REQUEST_UNKNOWN'],
    [{ name: 'Type', fields: [{ name: 'N', type: 'hologram' }] }, 'UNSUPPORTED_FIELD_TYPE_FOR_CREATE'],
    [{ name: 'Opts', fields: [{ name: 'N', type: 'number', options: { precision: 12 } }] }, 'INVALID_FIELD_TYPE_OPTIONS'],
    [{ name: 'Opts2', fields: [{ name: 'N', type: 'singleLineText' }, { name: 'R', type: 'rating', options: { max: 11 } }] }, 'INVALID_FIELD_TYPE_OPTIONS'],
    [{ name: 'Opts3', fields: [{ name: 'N', type: 'date', options: { dateFormat: { name: 'iso', format: 'l' } } }] }, 'INVALID_FIELD_TYPE_OPTIONS'],
    [{ name: 'Opts4', fields: [{ name: 'N', type: 'singleLineText' }, { name: 'S', type: 'singleSelect', options: { choices: [{ name: 'a', color: 'plaid' }] } }] }, 'INVALID_FIELD_TYPE_OPTIONS'],
    [{ name: 'Desc', description: 'x'.repeat(20001), fields: [{ name: 'N', type: 'singleLineText' }] }, 'INVALID_REQUEST_UNKNOWN'],
  ];
  for (const [body, type] of cases) {
    const res = await req('POST', `/v0/meta/bases/${base.id}/tables`, body);
    assert.equal(res.status, 422, JSON.stringify(body).slice(0, 80));
    assert.equal(res.body.error.type, type, JSON.stringify(body).slice(0, 80));
  }
  const notJson = await server.req('POST', `/v0/meta/bases/${base.id}/tables`, { token: owner.token, body: 'nope' });
  assert.equal(notJson.status, 400);
});

test('create and update fields; new fields take values at once', async () => {
  const t = base.tables[0];
  const f = await req('POST', `/v0/meta/bases/${base.id}/tables/${t.id}/fields`, {
    name: 'Status', type: 'singleSelect', description: 'Where it stands', options: { choices: [{ name: 'New', color: 'blueLight2' }, { name: 'Seen' }] },
  });
  assert.equal(f.status, 200, JSON.stringify(f.body));
  assert.match(f.body.id, /^fld[A-Za-z0-9]{14}$/);
  assert.equal(f.body.description, 'Where it stands');
  assert.deepEqual(f.body.options.choices.map((c) => [c.name, c.color]), [['New', 'blueLight2'], ['Seen', undefined]]);
  const rec = await req('POST', `/v0/${base.id}/${t.id}`, { fields: { Name: 'Loft', Status: 'Seen' } });
  assert.equal(rec.body.fields.Status, 'Seen');

  // Rename a choice by id and add one: stored cells follow the rename.
  const seen = f.body.options.choices[1];
  const u = await req('PATCH', `/v0/meta/bases/${base.id}/tables/${t.id}/fields/${f.body.id}`, {
    name: 'State', options: { choices: [{ id: seen.id, name: 'Visited' }, { name: 'Rejected', color: 'redBright' }] },
  });
  assert.equal(u.status, 200, JSON.stringify(u.body));
  assert.equal(u.body.name, 'State');
  const after = await req('GET', `/v0/${base.id}/${t.id}/${rec.body.id}`);
  assert.equal(after.body.fields.State, 'Visited');

  const dup = await req('POST', `/v0/meta/bases/${base.id}/tables/${t.id}/fields`, { name: 'name', type: 'number' });
  assert.equal(dup.body.error.type, 'DUPLICATE_OR_EMPTY_FIELD_NAME');
  const nothing = await req('PATCH', `/v0/meta/bases/${base.id}/tables/${t.id}/fields/${f.body.id}`, {});
  assert.equal(nothing.status, 422);
  const missing = await req('PATCH', `/v0/meta/bases/${base.id}/tables/${t.id}/fields/fldAAAAAAAAAAAAAA`, { name: 'x' });
  assert.equal(missing.status, 403);
  const lm = await req('POST', `/v0/meta/bases/${base.id}/tables/${t.id}/fields`, {
    name: 'Name changed', type: 'lastModifiedTime', options: { referencedFieldIds: [t.fields[0].id] },
  });
  assert.equal(lm.status, 200, JSON.stringify(lm.body));
  assert.deepEqual(lm.body.options.referencedFieldIds, [t.fields[0].id]);
  const r2 = await req('PATCH', `/v0/${base.id}/${t.id}/${rec.body.id}`, { fields: { Visited: true } });
  assert.equal(r2.body.fields['Name changed'], undefined);
  const r3 = await req('PATCH', `/v0/${base.id}/${t.id}/${rec.body.id}`, { fields: { Name: 'Loft 2' } });
  assert.match(r3.body.fields['Name changed'], /^\d{4}-/);
});

test('list bases pages and names the permission level', async () => {
  const res = await req('GET', '/v0/meta/bases');
  assert.deepEqual(res.body, { bases: [{ id: base.id, name: 'Apartment Hunting', permissionLevel: 'create' }] });
  const bad = await req('POST', '/v0/meta/bases', { name: 'x', workspaceId: 'wspAAAAAAAAAAAAAA', tables: [] });
  assert.equal(bad.status, 403);
  const noTables = await req('POST', '/v0/meta/bases', { name: 'x', workspaceId: owner.workspaceId, tables: [] });
  assert.equal(noTables.status, 422);
});

test('dateTime fields read zone-less input in their time zone; unknown zones are refused', async () => {
  const t = await req('POST', `/v0/meta/bases/${base.id}/tables`, {
    name: 'Zones',
    fields: [
      { name: 'Name', type: 'singleLineText' },
      { name: 'Paris', type: 'dateTime', options: { dateFormat: { name: 'iso' }, timeFormat: { name: '24hour' }, timeZone: 'Europe/Paris' } },
    ],
  });
  assert.equal(t.status, 200, JSON.stringify(t.body));
  const rec = await req('POST', `/v0/${base.id}/${t.body.id}`, { records: [
    { fields: { Paris: '2024-07-14T10:00' } }, { fields: { Paris: '2024-07-14T10:00:00.000Z' } },
  ] });
  assert.deepEqual(rec.body.records.map((r) => r.fields.Paris), ['2024-07-14T08:00:00.000Z', '2024-07-14T10:00:00.000Z']);
  const bad = await req('POST', `/v0/meta/bases/${base.id}/tables/${t.body.id}/fields`, {
    name: 'Nowhere', type: 'dateTime', options: { dateFormat: { name: 'iso' }, timeFormat: { name: '24hour' }, timeZone: 'Mars/Olympus' },
  });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.type, 'INVALID_FIELD_TYPE_OPTIONS');
});
