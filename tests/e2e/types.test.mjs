// The richText and duration field types through the API: options in read format, writes with and
// without typecast, cellFormat=string, formulas and filters over them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase } from './harness.mjs';

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
