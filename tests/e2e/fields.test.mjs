// Changing a field's type (every cell converted as typecast reads it) and deleting a field, from the
// web app's session endpoints; formulas that read a deleted field report #ERROR! (isValid false).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase, cli, signIn } from './harness.mjs';

let server, owner, base, table, cookie, csrf;

async function web(method, path, body, session = { cookie: () => cookie, csrf: () => csrf }) {
  const headers = { Cookie: session.cookie(), 'X-CSRF-Token': session.csrf() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(server.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}
const fieldId = (name) => table.fields.find((f) => f.name === name).id;
const change = (name, type, options) => web('PATCH', `/api/web/${base.id}/${table.id}/fields/${fieldId(name)}`, { type, options });
const byName = async (q = '') => {
  const res = await server.req('GET', `/v0/${base.id}/${table.id}${q}`, { token: owner.token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return Object.fromEntries(res.body.records.map((r) => [r.fields.Name, r.fields]));
};

before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  base = await createBase(server, owner.token, owner.workspaceId, 'Fields', [{
    name: 'T',
    fields: [
      { name: 'Name', type: 'singleLineText' },
      { name: 'Amount', type: 'singleLineText' },
      { name: 'Tags', type: 'multipleSelects', options: { choices: [{ name: 'a' }, { name: 'b' }] } },
      { name: 'State', type: 'singleLineText' },
      { name: 'Day', type: 'date', options: { dateFormat: { name: 'iso' } } },
      { name: 'Flag', type: 'singleLineText' },
    ],
  }]);
  table = base.tables[0];
  const rows = [
    { Name: 'r1', Amount: '42', Tags: ['a', 'b'], State: 'Open', Day: '2024-02-29', Flag: 'yes' },
    { Name: 'r2', Amount: 'lots', Tags: ['b'], State: 'Closed', Flag: 'no' },
    { Name: 'r3', Amount: '3.5', State: 'Open' },
  ];
  const res = await server.req('POST', `/v0/${base.id}/${table.id}`, { token: owner.token, body: { records: rows.map((fields) => ({ fields })) } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const f = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${table.id}/fields`, { token: owner.token, body: { name: 'Double', type: 'formula', options: { formula: '{Amount} * 2' } } });
  assert.equal(f.status, 200, JSON.stringify(f.body));
  table.fields.push(f.body);
  ({ cookie, csrf } = await signIn(server, owner.email, 'correct horse battery'));
});
after(async () => { await server.stop(); server.cleanup(); });

test('text becomes a number: numbers convert, the rest is cleared, indexes follow', async () => {
  // A filter first, so that the text column has an index that the change must drop.
  const before = await byName('?filterByFormula=' + encodeURIComponent('{Amount} = "42"'));
  assert.deepEqual(Object.keys(before), ['r1']);
  const res = await change('Amount', 'number', { precision: 1 });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body, { id: fieldId('Amount'), name: 'Amount', type: 'number', options: { precision: 1 } });
  const rows = await byName();
  assert.equal(rows.r1.Amount, 42);
  assert.equal(rows.r2.Amount, undefined);
  assert.equal(rows.r3.Amount, 3.5);
  assert.equal(rows.r1.Double, 84);
  const big = await byName('?filterByFormula=' + encodeURIComponent('{Amount} > 10'));
  assert.deepEqual(Object.keys(big), ['r1']);
  const schema = await server.req('GET', `/v0/meta/bases/${base.id}/tables`, { token: owner.token });
  const amount = schema.body.tables[0].fields.find((f) => f.name === 'Amount');
  assert.equal(amount.type, 'number');
  const double = schema.body.tables[0].fields.find((f) => f.name === 'Double');
  assert.deepEqual(double.options.result, { type: 'number', options: { precision: 0 } });
});

test('selects, dates and checkboxes convert the way typecast reads them', async () => {
  assert.equal((await change('Tags', 'singleLineText')).status, 200);
  assert.equal((await change('State', 'singleSelect')).status, 200);
  assert.equal((await change('Day', 'singleLineText')).status, 200);
  assert.equal((await change('Flag', 'checkbox')).status, 200);
  const rows = await byName();
  assert.deepEqual([rows.r1.Tags, rows.r2.Tags, rows.r3.Tags], ['a, b', 'b', undefined]);
  assert.deepEqual([rows.r1.State, rows.r2.State, rows.r3.State], ['Open', 'Closed', 'Open']);
  assert.equal(rows.r1.Day, '2024-02-29');
  assert.deepEqual([rows.r1.Flag, rows.r2.Flag], [true, undefined]);
  const schema = await server.req('GET', `/v0/meta/bases/${base.id}/tables`, { token: owner.token });
  const state = schema.body.tables[0].fields.find((f) => f.name === 'State');
  assert.deepEqual(state.options.choices.map((c) => c.name), ['Open', 'Closed']);
  // And back: the select's names become text again; text becomes a multiple select.
  assert.equal((await change('State', 'singleLineText')).status, 200);
  assert.equal((await change('Tags', 'multipleSelects')).status, 200);
  const again = await byName();
  assert.equal(again.r2.State, 'Closed');
  assert.deepEqual(again.r1.Tags, ['a', 'b']);
});

test('changes that cannot be made are refused', async () => {
  for (const [name, type, status, pattern] of [
    ['Name', 'checkbox', 422, /primary field/],
    ['Amount', 'formula', 422, /typed-in values/],
    ['Double', 'number', 422, /typed-in values/],
    ['Amount', 'hologram', 422, /not supported/],
    ['Amount', 'currency', 200, null],
  ]) {
    const res = await change(name, type);
    assert.equal(res.status, status, `${name} -> ${type}: ${JSON.stringify(res.body)}`);
    if (pattern) assert.match(res.body.error.message, pattern);
  }
  const bad = await change('Amount', 'number', { precision: 99 });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.type, 'INVALID_FIELD_TYPE_OPTIONS');
});

test('deleting a field: formulas reading it report #ERROR!, views forget it', async () => {
  const view = table.views[0];
  const saved = await web('PATCH', `/api/web/${base.id}/${table.id}/views/${view.id}`, {
    sorts: [{ fieldId: fieldId('Amount'), direction: 'desc' }],
    filters: { conditions: [{ fieldId: fieldId('Amount'), operator: '>', value: 1 }] },
  });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const primary = await web('DELETE', `/api/web/${base.id}/${table.id}/fields/${fieldId('Name')}`);
  assert.equal(primary.status, 422);
  const del = await web('DELETE', `/api/web/${base.id}/${table.id}/fields/${fieldId('Amount')}`);
  assert.equal(del.status, 200, JSON.stringify(del.body));
  const rows = await byName(`?view=${view.id}`);
  assert.deepEqual(Object.keys(rows), ['r1', 'r2', 'r3']);
  assert.equal(rows.r1.Amount, undefined);
  assert.deepEqual(rows.r1.Double, { error: '#ERROR!' });
  const schema = await server.req('GET', `/v0/meta/bases/${base.id}/tables`, { token: owner.token });
  const fields = schema.body.tables[0].fields;
  assert.ok(!fields.some((f) => f.name === 'Amount'));
  const double = fields.find((f) => f.name === 'Double');
  assert.equal(double.options.isValid, false);
  assert.deepEqual(double.options.referencedFieldIds, []);
  const mine = await fetch(`${server.url}/api/bases/${base.id}/schema`, { headers: { Cookie: cookie } }).then((r) => r.json());
  assert.deepEqual(mine.tables[0].views[0].sorts, []);
  assert.deepEqual(mine.tables[0].views[0].filters.conditions, []);
  // A new field may take the deleted one's name.
  const reused = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${table.id}/fields`, { token: owner.token, body: { name: 'Amount', type: 'number', options: { precision: 0 } } });
  assert.equal(reused.status, 200, JSON.stringify(reused.body));
});

test('only creators change or delete fields', async () => {
  cli(server.dataDir, ['user', 'create', '--email', 'ed@example.com', '--name', 'Ed', '--password-stdin'], 'ed password 123\n');
  cli(server.dataDir, ['base', 'share', '--base', base.id, '--user', 'ed@example.com', '--role', 'editor']);
  const ed = await signIn(server, 'ed@example.com', 'ed password 123');
  const as = { cookie: () => ed.cookie, csrf: () => ed.csrf };
  const res = await web('PATCH', `/api/web/${base.id}/${table.id}/fields/${fieldId('Flag')}`, { type: 'singleLineText' }, as);
  assert.equal(res.status, 403);
  const del = await web('DELETE', `/api/web/${base.id}/${table.id}/fields/${fieldId('Flag')}`, undefined, as);
  assert.equal(del.status, 403);
});

test('a table is deleted with its records; the last table stays', async () => {
  const made = await server.req('POST', `/v0/meta/bases/${base.id}/tables`, { token: owner.token, body: { name: 'Scratch', fields: [{ name: 'Name', type: 'singleLineText' }] } });
  assert.equal(made.status, 200);
  await server.req('POST', `/v0/${base.id}/Scratch`, { token: owner.token, body: { fields: { Name: 'x' } } });
  const del = await web('DELETE', `/api/web/${base.id}/${made.body.id}`);
  assert.equal(del.status, 200, JSON.stringify(del.body));
  const gone = await server.req('GET', `/v0/${base.id}/Scratch`, { token: owner.token });
  assert.equal(gone.status, 403);
  const schema = await server.req('GET', `/v0/meta/bases/${base.id}/tables`, { token: owner.token });
  assert.deepEqual(schema.body.tables.map((t) => t.name), ['T']);
  const last = await web('DELETE', `/api/web/${base.id}/${table.id}`);
  assert.equal(last.status, 422);
  // The name is free again.
  const again = await server.req('POST', `/v0/meta/bases/${base.id}/tables`, { token: owner.token, body: { name: 'Scratch', fields: [{ name: 'Name', type: 'singleLineText' }] } });
  assert.equal(again.status, 200, JSON.stringify(again.body));
});
