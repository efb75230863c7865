// The richText, duration, barcode and button field types through the API: options in read format, writes
// with and without typecast, cellFormat=string, formulas, filters and sorts over them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase, signIn } from './harness.mjs';

let server, owner, base, table;
before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  base = await createBase(server, owner.token, owner.workspaceId, 'Types', [{
    name: 'T',
    fields: [
      { name: 'Name', type: 'singleLineText' },
      { name: 'Notes', type: 'richText' },
      { name: 'Took', type: 'duration', options: { durationFormat: 'h:mm:ss' } },
      { name: 'Short', type: 'duration' },
      { name: 'Code', type: 'barcode' },
    ],
  }]);
  table = base.tables[0];
});
after(async () => { await server.stop(); server.cleanup(); });

test('richText and duration have Airtable\'s options and cells', async () => {
  const fields = Object.fromEntries(table.fields.map((f) => [f.name, f]));
  assert.equal(fields.Notes.options, undefined);
  assert.deepEqual(fields.Took.options, { durationFormat: 'h:mm:ss' });
  assert.deepEqual(fields.Short.options, { durationFormat: 'h:mm' });
  const bad = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${table.id}/fields`, { token: owner.token, body: { name: 'X', type: 'duration', options: { durationFormat: 'days' } } });
  assert.equal(bad.status, 422);

  const url = `/v0/${base.id}/${table.id}`;
  const made = await server.req('POST', url, { token: owner.token, body: { records: [
    { fields: { Name: 'a', Notes: '# Title\n\n**bold** text', Took: 3725, Short: 5400 } },
    { fields: { Name: 'b', Took: '0:00:30', Short: '2:15' } },
  ], typecast: true } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  assert.deepEqual(made.body.records.map((r) => r.fields), [
    { Name: 'a', Notes: '# Title\n\n**bold** text', Took: 3725, Short: 5400 },
    { Name: 'b', Took: 30, Short: 8100 },
  ]);
  const strict = await server.req('POST', url, { token: owner.token, body: { fields: { Took: '1:00' } } });
  assert.equal(strict.status, 422);
  assert.equal(strict.body.error.type, 'INVALID_VALUE_FOR_COLUMN');

  const text = await server.req('GET', `${url}?cellFormat=string&timeZone=UTC&userLocale=en&sort[0][field]=Name`, { token: owner.token });
  assert.deepEqual(text.body.records.map((r) => [r.fields.Took, r.fields.Short]), [['1:02:05', '1:30'], ['0:00:30', '2:15']]);

  const f = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${table.id}/fields`, { token: owner.token, body: { name: 'Minutes', type: 'formula', options: { formula: '{Took} / 60' } } });
  assert.equal(f.status, 200, JSON.stringify(f.body));
  assert.equal(f.body.options.result.type, 'number');
  const rows = await server.req('GET', `${url}?sort[0][field]=Name&fields[]=Minutes`, { token: owner.token });
  assert.deepEqual(rows.body.records.map((r) => r.fields.Minutes), [3725 / 60, 0.5]);
  const long = await server.req('GET', `${url}?filterByFormula=${encodeURIComponent('{Took} > 60')}`, { token: owner.token });
  assert.deepEqual(long.body.records.map((r) => r.fields.Name), ['a']);
  const found = await server.req('GET', `${url}?filterByFormula=${encodeURIComponent('FIND("bold", {Notes})')}`, { token: owner.token });
  assert.deepEqual(found.body.records.map((r) => r.fields.Name), ['a']);
});

test('barcode cells are {text, type?}, written whole or (typecast) as text, read by text', async () => {
  const url = `/v0/${base.id}/${table.id}`;
  const made = await server.req('POST', url, { token: owner.token, body: { records: [
    { fields: { Name: 'bc1', Code: { text: '012345678905', type: 'upce' } } },
    { fields: { Name: 'bc2', Code: { text: '0042', type: null } } },
    { fields: { Name: 'bc3', Code: { text: '' } } },
  ] } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  assert.deepEqual(made.body.records.map((r) => r.fields.Code), [{ text: '012345678905', type: 'upce' }, { text: '0042' }, undefined]);
  for (const [Code, typecast] of [['0042', false], [{ type: 'ean13' }], [{ text: 42 }, false], [[{ text: 'x' }], false], [{ text: 'x', type: 3 }, false]]) {
    const bad = await server.req('POST', url, { token: owner.token, body: { records: [{ fields: { Code } }], typecast } });
    assert.equal(bad.status, 422, JSON.stringify(Code));
    assert.equal(bad.body.error.type, 'INVALID_VALUE_FOR_COLUMN');
  }
  const cast = await server.req('POST', url, { token: owner.token, body: { records: [{ fields: { Name: 'bc4', Code: 777 } }], typecast: true } });
  assert.deepEqual(cast.body.records[0].fields.Code, { text: '777' });
  const formula = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${table.id}/fields`, { token: owner.token, body: { name: 'Code text', type: 'formula', options: { formula: "{Code} & '!'" } } });
  assert.equal(formula.status, 200, JSON.stringify(formula.body));
  const q = (params) => server.req('GET', `${url}?${new URLSearchParams(params)}`, { token: owner.token });
  const found = await q({ filterByFormula: "{Code}='0042'" });
  assert.deepEqual(found.body.records.map((r) => [r.fields.Name, r.fields['Code text']]), [['bc2', '0042!']]);
  const sorted = await q({ filterByFormula: '{Code}', 'sort[0][field]': 'Code' });
  assert.deepEqual(sorted.body.records.map((r) => r.fields.Name), ['bc2', 'bc1', 'bc4']);
  const text = await q({ filterByFormula: "{Name}='bc1'", cellFormat: 'string', timeZone: 'UTC', userLocale: 'en' });
  assert.equal(text.body.records[0].fields.Code, '012345678905');

  // Type changes: barcodes become their text, and text becomes barcodes.
  const { cookie, csrf } = await signIn(server, owner.email, 'correct horse battery');
  const codeId = table.fields.find((f) => f.name === 'Code').id;
  const change = (type) => fetch(`${server.url}/api/web/${base.id}/${table.id}/fields/${codeId}`, {
    method: 'PATCH', headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ type }),
  });
  assert.equal((await change('singleLineText')).status, 200);
  const byName = async () => Object.fromEntries((await q({ filterByFormula: "FIND('bc', {Name})" })).body.records.map((r) => [r.fields.Name, r.fields.Code]));
  assert.deepEqual(await byName(), { bc1: '012345678905', bc2: '0042', bc3: undefined, bc4: '777' });
  assert.equal((await change('barcode')).status, 200);
  assert.deepEqual(await byName(), { bc1: { text: '012345678905' }, bc2: { text: '0042' }, bc3: undefined, bc4: { text: '777' } });
});

test('button cells are {label, url} from the options, the URL a formula of the record', async () => {
  const fieldsUrl = `/v0/meta/bases/${base.id}/tables/${table.id}/fields`;
  const add = (body) => server.req('POST', fieldsUrl, { token: owner.token, body });
  const open = await add({ name: 'Open', type: 'button', options: { label: 'Open page', urlFormula: '"https://example.com/" & {Name} & "/" & RECORD_ID()' } });
  assert.equal(open.status, 200, JSON.stringify(open.body));
  const nameId = table.fields.find((f) => f.name === 'Name').id;
  assert.deepEqual(open.body.options, { label: 'Open page', isValid: true, referencedFieldIds: [nameId], urlFormula: `"https://example.com/" & {${nameId}} & "/" & RECORD_ID()` });
  const plain = await add({ name: 'Run', type: 'button', options: { label: 'Run' } });
  assert.equal(plain.status, 200, JSON.stringify(plain.body));
  for (const options of [undefined, {}, { label: '' }, { label: 'X', urlFormula: 'NOPE(' }, { label: 'X', urlFormula: 5 }]) {
    const bad = await add({ name: 'Bad', type: 'button', options });
    assert.equal(bad.status, 422, JSON.stringify(options));
  }
  const reads = await add({ name: 'Reads', type: 'formula', options: { formula: "{Open} & '?'" } });
  assert.equal(reads.status, 200, JSON.stringify(reads.body));

  const url = `/v0/${base.id}/${table.id}`;
  const made = await server.req('POST', url, { token: owner.token, body: { records: [{ fields: { Name: 'btn' } }] } });
  const rec = made.body.records[0];
  assert.deepEqual(rec.fields.Open, { label: 'Open page', url: `https://example.com/btn/${rec.id}` });
  assert.deepEqual(rec.fields.Run, { label: 'Run', url: null });
  assert.equal(rec.fields.Reads, 'Open page?');
  const write = await server.req('PATCH', `${url}/${rec.id}`, { token: owner.token, body: { fields: { Open: { label: 'x' } } } });
  assert.equal(write.status, 422);
  assert.equal(write.body.error.type, 'INVALID_VALUE_FOR_COLUMN');
  const text = await server.req('GET', `${url}?${new URLSearchParams({ filterByFormula: "{Name}='btn'", cellFormat: 'string', timeZone: 'UTC', userLocale: 'en' })}`, { token: owner.token });
  assert.equal(text.body.records[0].fields.Open, 'Open page');

  // A button whose URL reads a field that is deleted turns invalid, as formulas do.
  const slug = await add({ name: 'Slug', type: 'singleLineText' });
  const go = await add({ name: 'Go', type: 'button', options: { label: 'Go', urlFormula: "'https://x.test/' & {Slug}" } });
  assert.equal(go.status, 200, JSON.stringify(go.body));
  const { cookie, csrf } = await signIn(server, owner.email, 'correct horse battery');
  const del = await fetch(`${server.url}/api/web/${base.id}/${table.id}/fields/${slug.body.id}`, { method: 'DELETE', headers: { Cookie: cookie, 'X-CSRF-Token': csrf } });
  assert.equal(del.status, 200, await del.text());
  const schema = await server.req('GET', `/v0/meta/bases/${base.id}/tables`, { token: owner.token });
  const after = schema.body.tables[0].fields.find((f) => f.name === 'Go');
  assert.equal(after.options.isValid, false);
  assert.deepEqual(after.options.referencedFieldIds, []);
});
