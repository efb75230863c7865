// Formula fields through the metadata and records APIs: options in Airtable's shape, values per
// record (including errors and special values), renames, updates, cycles, filters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase } from './harness.mjs';

let server, owner, base, table, T, M;
const req = (method, path, body) => server.req(method, path, { token: owner.token, body });
const fieldByName = async (name) => (await req('GET', `/v0/meta/bases/${base.id}/tables`)).body.tables[0].fields.find((f) => f.name === name);

before(async () => {
  const dir = Server.freshDataDir();
  owner = makeOwner(dir);
  server = await new Server(dir).start();
  base = await createBase(server, owner.token, owner.workspaceId, 'Formulas', [{
    name: 'Orders',
    fields: [
      { name: 'Item', type: 'singleLineText' },
      { name: 'Price', type: 'currency', options: { precision: 2, symbol: '$' } },
      { name: 'Qty', type: 'number', options: { precision: 0 } },
      { name: 'Due', type: 'date' },
    ],
  }]);
  table = base.tables[0];
  T = `/v0/${base.id}/${table.id}`;
  M = `/v0/meta/bases/${base.id}/tables/${table.id}/fields`;
  await req('POST', T, { records: [
    { fields: { Item: 'Pen', Price: 1.5, Qty: 4, Due: '2024-03-01' } },
    { fields: { Item: 'Ink', Price: 12, Qty: 0 } },
    { fields: { Item: 'Pad' } },
  ] });
});
after(async () => { await server.stop(); server.cleanup(); });

test('a formula field is created with Airtable options and computed on every read', async () => {
  const res = await req('POST', M, { name: 'Total', type: 'formula', options: { formula: '{Price} * Qty' } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const price = table.fields[1].id, qty = table.fields[2].id;
  assert.deepEqual(res.body.options, {
    formula: `{${price}} * {${qty}}`, isValid: true, referencedFieldIds: [price, qty],
    result: { type: 'number', options: { precision: 0 } },
  });
  const list = await req('GET', `${T}?fields%5B%5D=Item&fields%5B%5D=Total`);
  assert.deepEqual(list.body.records.map((r) => r.fields), [
    { Item: 'Pen', Total: 6 }, { Item: 'Ink', Total: 0 }, { Item: 'Pad', Total: 0 },
  ]);
  const one = await req('GET', `${T}/${list.body.records[0].id}`);
  assert.equal(one.body.fields.Total, 6);
  // Writes answer the computed value too.
  const written = await req('PATCH', `${T}/${list.body.records[0].id}`, { fields: { Qty: 5 } });
  assert.equal(written.body.fields.Total, 7.5);
});

test('text, date, error and special values', async () => {
  const specs = [
    ['Label', "Item & ' x' & Qty"],
    ['Ratio', '{Price} / {Qty}'],
    ['Later', "DATEADD({Due}, 1, 'days')"],
    ['Oops', "IF({Qty} > 1, ERROR(), 'ok')"],
    ['Flag', '{Qty} > 1'],
  ];
  for (const [name, formula] of specs) {
    const r = await req('POST', M, { name, type: 'formula', options: { formula } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  assert.equal((await fieldByName('Label')).options.result.type, 'singleLineText');
  assert.equal((await fieldByName('Later')).options.result.type, 'dateTime');
  const list = await req('GET', T);
  const [pen, ink, pad] = list.body.records.map((r) => r.fields);
  assert.equal(pen.Label, 'Pen x5');
  assert.equal(pen.Ratio, 0.3);
  assert.deepEqual(ink.Ratio, { specialValue: 'Infinity' });
  assert.deepEqual(pad.Ratio, { specialValue: 'NaN' });
  assert.equal(pen.Later, '2024-03-02T00:00:00.000Z');
  assert.equal(ink.Later, undefined);
  assert.deepEqual(pen.Oops, { error: '#ERROR!' });
  assert.equal(ink.Oops, 'ok');
  assert.equal(pen.Flag, 1);
  assert.equal(ink.Flag, 0);
});

test('formulas survive renames of the fields they read; formulas can read formulas', async () => {
  await req('PATCH', `${M}/${table.fields[2].id}`, { name: 'Quantity' });
  const list = await req('GET', `${T}?fields%5B%5D=Total`);
  assert.equal(list.body.records[0].fields.Total, 7.5);
  const total = await fieldByName('Total');
  const twice = await req('POST', M, { name: 'Twice', type: 'formula', options: { formula: '{Total} * 2' } });
  assert.equal(twice.status, 200);
  assert.deepEqual(twice.body.options.referencedFieldIds, [total.id]);
  const again = await req('GET', `${T}?fields%5B%5D=Twice`);
  assert.equal(again.body.records[0].fields.Twice, 15);
  // Updating the formula text (names or ids) recomputes at once.
  const upd = await req('PATCH', `${M}/${total.id}`, { options: { formula: '{Price} * {Quantity} + 1' } });
  assert.equal(upd.status, 200, JSON.stringify(upd.body));
  assert.equal((await req('GET', `${T}?fields%5B%5D=Twice`)).body.records[0].fields.Twice, 17);
});

test('cycles, invalid formulas and writes are refused', async () => {
  const total = await fieldByName('Total');
  const cycle = await req('PATCH', `${M}/${total.id}`, { options: { formula: '{Twice} + 1' } });
  assert.equal(cycle.status, 422);
  assert.equal(cycle.body.error.type, 'INVALID_FIELD_TYPE_OPTIONS');
  const self = await req('PATCH', `${M}/${total.id}`, { options: { formula: '{Total} + 1' } });
  assert.equal(self.status, 422);
  const unknown = await req('POST', M, { name: 'Bad', type: 'formula', options: { formula: '{Nope} + 1' } });
  assert.equal(unknown.status, 422);
  assert.match(unknown.body.error.message, /Unknown field names: Nope/);
  const missing = await req('POST', M, { name: 'Bad2', type: 'formula' });
  assert.equal(missing.status, 422);
  const write = await req('POST', T, { fields: { Total: 5 } });
  assert.equal(write.status, 422);
  assert.equal(write.body.error.message, 'Field "Total" cannot accept a value because the field is computed');
});

test('filterByFormula can read formula fields', async () => {
  const res = await req('GET', `${T}?filterByFormula=${encodeURIComponent('{Twice} > 10')}&fields%5B%5D=Item`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.records.map((r) => r.fields.Item), ['Pen']);
  const two = await req('GET', `${T}?filterByFormula=${encodeURIComponent('{Twice} = 2')}&fields%5B%5D=Item`);
  assert.deepEqual(two.body.records.map((r) => r.fields.Item), ['Ink', 'Pad']);
  const label = await req('GET', `${T}?filterByFormula=${encodeURIComponent("FIND('Pad', {Label})")}`);
  assert.deepEqual(label.body.records.map((r) => r.fields.Item), ['Pad']);
});

test('sorting by a formula field, with paging and a filter', async () => {
  const sortQ = (dir, extra = '') => `${T}?fields%5B%5D=Item&sort%5B0%5D%5Bfield%5D=Label&sort%5B0%5D%5Bdirection%5D=${dir}${extra}`;
  const asc = await req('GET', sortQ('asc'));
  assert.equal(asc.status, 200, JSON.stringify(asc.body));
  assert.deepEqual(asc.body.records.map((r) => r.fields.Item), ['Ink', 'Pad', 'Pen']);
  const desc = await req('GET', sortQ('desc'));
  assert.deepEqual(desc.body.records.map((r) => r.fields.Item), ['Pen', 'Pad', 'Ink']);
  // Numeric formula keys sort numerically; pages follow each other.
  const seen = [];
  let offset;
  do {
    const r = await req('GET', `${T}?fields%5B%5D=Item&sort%5B0%5D%5Bfield%5D=Twice&sort%5B0%5D%5Bdirection%5D=desc&pageSize=1${offset ? `&offset=${encodeURIComponent(offset)}` : ''}`);
    seen.push(r.body.records[0].fields.Item);
    offset = r.body.offset;
  } while (offset);
  assert.deepEqual(seen, ['Pen', 'Ink', 'Pad']);
  const filtered = await req('GET', sortQ('desc', `&filterByFormula=${encodeURIComponent("{Item} != 'Pad'")}`));
  assert.deepEqual(filtered.body.records.map((r) => r.fields.Item), ['Pen', 'Ink']);
});
