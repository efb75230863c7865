// Client mistakes are refused with a clear Airtable-style error and never stored half-right
// (issue 8, items 9-13 and 18). Table-driven: each row is one request and what must come back;
// later issues add rows. After every refused write the table must be exactly as before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase } from './harness.mjs';

let server, owner, base, T, tableId, one;

before(async () => {
  const dir = Server.freshDataDir();
  owner = makeOwner(dir);
  server = await new Server(dir).start();
  base = await createBase(server, owner.token, owner.workspaceId, 'Bad input', [
    {
      name: 'Everything',
      fields: [
        { name: 'Name', type: 'singleLineText' },
        { name: 'N', type: 'number', options: { precision: 0 } },
        { name: 'Pct', type: 'percent', options: { precision: 0 } },
        { name: 'Dur', type: 'duration', options: { durationFormat: 'h:mm' } },
      ],
    },
  ]);
  T = `/v0/${base.id}/Everything`;
  tableId = base.tables[0].id;
  const r = await server.req('POST', T, { token: owner.token, body: { records: [{ fields: { Name: 'one', N: 1 } }, { fields: { Name: 'two', N: 2 } }] } });
  assert.equal(r.status, 200);
  one = r.body.records[0].id;
});

after(async () => {
  await server.stop();
  server.cleanup();
});

async function snapshot() {
  const r = await server.req('GET', `${T}?sort%5B0%5D%5Bfield%5D=N`, { token: owner.token });
  assert.equal(r.status, 200);
  return r.body.records;
}

const rec = () => one;
// [name, method, path (relative to the table), body, status, error type, message pattern]
const WRITES = [
  ['create without the "fields" wrapper', 'POST', '', { records: [{ Name: 'x' }] }, 422, 'INVALID_RECORDS', /index 0: unexpected key "Name"/],
  ['create: second element malformed', 'POST', '', { records: [{ fields: { Name: 'ok' } }, { Name: 'x' }] }, 422, 'INVALID_RECORDS', /index 1/],
  ['create: element not an object', 'POST', '', { records: ['x'] }, 422, 'INVALID_RECORDS', /index 0: each record must be an object/],
  ['create: fields not an object', 'POST', '', { records: [{ fields: 'x' }] }, 422, 'INVALID_RECORDS', /"fields" must be an object/],
  ['create: missing fields', 'POST', '', { records: [{}] }, 422, 'INVALID_RECORDS', /index 0: missing "fields"/],
  ['update without the "fields" wrapper', 'PATCH', '', () => ({ records: [{ id: rec(), Name: 'x' }] }), 422, 'INVALID_RECORDS', /index 0: unexpected key "Name"/],
  ['update: the same id twice', 'PATCH', '', () => ({ records: [{ id: rec(), fields: { N: 5 } }, { id: rec(), fields: { N: 6 } }] }), 422, 'INVALID_RECORDS', /appears more than once in the request \(at index 0 and 1\)/],
  ['replace: the same id twice', 'PUT', '', () => ({ records: [{ id: rec(), fields: { N: 5 } }, { id: rec(), fields: { N: 6 } }] }), 422, 'INVALID_RECORDS', /more than once/],
  ['delete: the same id twice', 'DELETE', () => `?records[]=${rec()}&records[]=${rec()}`, undefined, 422, 'INVALID_RECORDS', /appears more than once/],
  ['upsert: two elements with one merge value', 'PATCH', '', { performUpsert: { fieldsToMergeOn: ['Name'] }, records: [{ fields: { Name: 'new', N: 1 } }, { fields: { Name: 'new', N: 2 } }] }, 422, 'INVALID_RECORDS', /index 0 and 1 have the same values/],
  ['upsert: an id and a merge resolving to one record', 'PATCH', '', () => ({ performUpsert: { fieldsToMergeOn: ['Name'] }, records: [{ id: rec(), fields: { N: 9 } }, { fields: { Name: 'one', N: 8 } }] }), 422, 'INVALID_RECORDS', /named by the records at index 0 and 1/],
  ['percent that overflows when shown', 'POST', '', { records: [{ fields: { Pct: 1e308 } }] }, 422, 'INVALID_VALUE_FOR_COLUMN', /Pct/],
  ['duration beyond 2^53 seconds', 'POST', '', { records: [{ fields: { Dur: 1e300 } }] }, 422, 'INVALID_VALUE_FOR_COLUMN', /Dur/],
  ['negative duration beyond 2^53 seconds', 'POST', '', { records: [{ fields: { Dur: -1e300 } }] }, 422, 'INVALID_VALUE_FOR_COLUMN', /Dur/],
];

test('malformed writes are refused with the index of the bad element, and nothing is stored', async (t) => {
  for (const [name, method, suffix, body, status, type, message] of WRITES) {
    await t.test(name, async () => {
      const beforeRows = await snapshot();
      const path = T + (typeof suffix === 'function' ? suffix() : suffix);
      const res = await server.req(method, path, { token: owner.token, body: typeof body === 'function' ? body() : body });
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.type, type);
      assert.match(res.body.error.message, message);
      assert.deepEqual(await snapshot(), beforeRows, 'the table changed');
    });
  }
});

// [name, query string, status, message pattern]
const READS = [
  ['sort index out of range', 'sort[99999999999][field]=Name', 422, /Invalid sort parameter/],
  ['negative sort index', 'sort[-1][field]=Name', 422, /Invalid sort parameter/],
  ['non-numeric sort index', 'sort[x][field]=Name', 422, /Invalid sort parameter/],
  ['unknown sort key', 'sort[0][fieldd]=Name', 422, /Invalid sort parameter/],
  ['sort direction without field', 'sort[0][direction]=desc', 422, /needs a field/],
];

test('malformed list parameters are a 422, never silently ignored', async (t) => {
  for (const [name, qs, status, message] of READS) {
    await t.test(name, async () => {
      const res = await server.req('GET', `${T}?${qs.replace(/\[/g, '%5B').replace(/\]/g, '%5D')}`, { token: owner.token });
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.type, 'INVALID_REQUEST_UNKNOWN');
      assert.match(res.body.error.message, message);
    });
  }
  // Gaps in the indexes close up, as Airtable's query parser does.
  const gap = await server.req('GET', `${T}?sort%5B1%5D%5Bfield%5D=N&sort%5B1%5D%5Bdirection%5D=desc`, { token: owner.token });
  assert.equal(gap.status, 200);
  assert.deepEqual(gap.body.records.map((r) => r.fields.N), [2, 1]);
});

test('upsert: a blank merge value never matches, and matching sees the table as before the request', async () => {
  // pyairtable's integration test_batch_upsert, merged on a text field.
  const a = await server.req('POST', T, { token: owner.token, body: { records: [{ fields: { N: 100 } }] } });
  const blankId = a.body.records[0].id;  // a record whose Name is blank
  const res = await server.req('PATCH', T, {
    token: owner.token,
    body: {
      performUpsert: { fieldsToMergeOn: ['Name'] },
      records: [
        { id: one, fields: { N: 3 } },
        { fields: { Name: 'two', N: 22 } },
        { fields: { Name: null, N: 7 } },
        { fields: { Name: '', N: 8 } },
      ],
    },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.createdRecords.length, 2);
  assert.equal(res.body.updatedRecords.length, 2);
  assert.ok(!res.body.updatedRecords.includes(blankId), 'a blank merge value matched a blank record');
  const byId = Object.fromEntries((await snapshot()).map((r) => [r.id, r.fields]));
  assert.equal(byId[one].N, 3);
  assert.equal(byId[one].Name, 'one');
  assert.equal(byId[blankId].N, 100);
  const created = res.body.createdRecords.map((id) => byId[id].N).sort();
  assert.deepEqual(created, [7, 8]);

  // An element that blanks a merge field does not make a later blank element match it.
  const res2 = await server.req('PATCH', T, {
    token: owner.token,
    body: {
      performUpsert: { fieldsToMergeOn: ['Name'] },
      records: [{ id: one, fields: { Name: null } }, { fields: { Name: null, N: 70 } }],
    },
  });
  assert.equal(res2.status, 200, JSON.stringify(res2.body));
  assert.equal(res2.body.createdRecords.length, 1);
  const after2 = Object.fromEntries((await snapshot()).map((r) => [r.id, r.fields]));
  assert.equal(after2[one].N, 3);
  // Clean up what this test added so that the other tables stay small.
  const extra = [blankId, ...res.body.createdRecords, ...res2.body.createdRecords];
  const del = await server.req('DELETE', `${T}?${extra.map((id) => `records[]=${id}`).join('&')}`, { token: owner.token });
  assert.equal(del.status, 200);
  await server.req('PATCH', `${T}/${one}`, { token: owner.token, body: { fields: { Name: 'one', N: 1 } } });
});

test('table names resolve exactly first, then case-insensitively', async () => {
  const upper = await server.req('GET', `/v0/${base.id}/EVERYTHING?pageSize=1`, { token: owner.token });
  assert.equal(upper.status, 200);
  assert.equal(upper.body.records.length, 1);
  const mixed = await server.req('GET', `/v0/${base.id}/everyThing?pageSize=1`, { token: owner.token });
  assert.equal(mixed.status, 200);
  const none = await server.req('GET', `/v0/${base.id}/Everything2`, { token: owner.token });
  assert.equal(none.status, 403);
});

// [name, path, method, body, error type, message pattern]
const SCHEMA = [
  ['field name only spaces', 'fields', 'POST', { name: '   ', type: 'singleLineText' }, 'DUPLICATE_OR_EMPTY_FIELD_NAME', /non-empty/],
  ['field name with a control character', 'fields', 'POST', { name: 'a\u0001b', type: 'singleLineText' }, 'DUPLICATE_OR_EMPTY_FIELD_NAME', /control characters/],
  ['field name with a newline', 'fields', 'POST', { name: 'a\nb', type: 'singleLineText' }, 'DUPLICATE_OR_EMPTY_FIELD_NAME', /control characters/],
  ['duplicate select choices', 'fields', 'POST', { name: 'Sel', type: 'singleSelect', options: { choices: [{ name: 'A' }, { name: 'A' }] } }, 'INVALID_FIELD_TYPE_OPTIONS', /Choice names must be unique/],
  ['blank select choice', 'fields', 'POST', { name: 'Sel', type: 'multipleSelects', options: { choices: [{ name: '  ' }] } }, 'INVALID_FIELD_TYPE_OPTIONS', /non-empty name/],
  ['table name only spaces', 'tables', 'POST', { name: ' \t ', fields: [{ name: 'A', type: 'singleLineText' }] }, 'INVALID_REQUEST_UNKNOWN', /non-empty/],
  ['table name with a control character', 'tables', 'POST', { name: 'T\u0007', fields: [{ name: 'A', type: 'singleLineText' }] }, 'INVALID_REQUEST_UNKNOWN', /control characters/],
  ['rename a table to blank', 'table', 'PATCH', { name: '  ' }, 'INVALID_REQUEST_UNKNOWN', /non-empty/],
];

test('names empty after trimming or with control characters, and duplicate choices, are refused', async (t) => {
  const schemaBefore = await server.req('GET', `/v0/meta/bases/${base.id}/tables`, { token: owner.token });
  for (const [name, kind, method, body, type, message] of SCHEMA) {
    await t.test(name, async () => {
      const path = kind === 'fields' ? `/v0/meta/bases/${base.id}/tables/${tableId}/fields`
        : kind === 'tables' ? `/v0/meta/bases/${base.id}/tables`
          : `/v0/meta/bases/${base.id}/tables/${tableId}`;
      const res = await server.req(method, path, { token: owner.token, body });
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.equal(res.body.error.type, type);
      assert.match(res.body.error.message, message);
    });
  }
  const schemaAfter = await server.req('GET', `/v0/meta/bases/${base.id}/tables`, { token: owner.token });
  assert.deepEqual(schemaAfter.body, schemaBefore.body);
  // Surrounding spaces are trimmed, not refused.
  const trimmed = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${tableId}/fields`, { token: owner.token, body: { name: '  Notes  ', type: 'multilineText' } });
  assert.equal(trimmed.status, 200);
  assert.equal(trimmed.body.name, 'Notes');
});
