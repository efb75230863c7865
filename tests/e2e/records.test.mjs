// The records API over HTTP: every field type's cell format, create/update/replace/upsert/delete,
// list parameters, pagination through 1,000+ records, and the 422s of each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase } from './harness.mjs';

let server, owner, base, table, T;
const fieldsSpec = [
  { name: 'Name', type: 'singleLineText' },
  { name: 'Notes', type: 'multilineText' },
  { name: 'Email', type: 'email' },
  { name: 'Site', type: 'url' },
  { name: 'Phone', type: 'phoneNumber' },
  { name: 'Count', type: 'number', options: { precision: 0 } },
  { name: 'Price', type: 'currency', options: { precision: 2, symbol: '€' } },
  { name: 'Share', type: 'percent', options: { precision: 1 } },
  { name: 'Stars', type: 'rating', options: { max: 5, icon: 'star', color: 'yellowBright' } },
  { name: 'Done', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } },
  { name: 'Status', type: 'singleSelect', options: { choices: [{ name: 'Todo' }, { name: 'Doing' }, { name: 'Done', color: 'greenLight2' }] } },
  { name: 'Tags', type: 'multipleSelects', options: { choices: [{ name: 'red' }, { name: 'blue' }] } },
  { name: 'Due', type: 'date', options: { dateFormat: { name: 'iso' } } },
  { name: 'At', type: 'dateTime', options: { dateFormat: { name: 'iso' }, timeFormat: { name: '24hour' }, timeZone: 'utc' } },
  { name: 'Number', type: 'autoNumber' },
  { name: 'Created', type: 'createdTime' },
  { name: 'Modified', type: 'lastModifiedTime' },
];

before(async () => {
  const dir = Server.freshDataDir();
  owner = makeOwner(dir);
  server = await new Server(dir).start();
  base = await createBase(server, owner.token, owner.workspaceId, 'Records', [
    { name: 'Everything', fields: fieldsSpec },
    { name: 'Big', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'N', type: 'number', options: { precision: 0 } }] },
    { name: 'Odd/Name % é', fields: [{ name: 'Name', type: 'singleLineText' }] },
  ]);
  table = base.tables[0];
  T = `/v0/${base.id}/${table.id}`;
});
after(async () => { await server.stop(); server.cleanup(); });

const req = (method, path, body) => server.req(method, path, { token: owner.token, body });

test('every field type round-trips in Airtable cell format', async () => {
  const input = {
    Name: 'Alpha', Notes: 'line 1\nline 2', Email: 'a@example.com', Site: 'https://example.com',
    Phone: '+1 555 0100', Count: 42, Price: 9.99, Share: 0.25, Stars: 4, Done: true,
    Status: 'Doing', Tags: ['blue', 'red'], Due: '2024-02-29', At: '2024-03-01T12:30:00.000Z',
  };
  const res = await req('POST', T, { fields: input });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const rec = res.body;
  assert.match(rec.id, /^rec[A-Za-z0-9]{14}$/);
  const { Number: autoNumber, Created, Modified, ...rest } = rec.fields;
  assert.deepEqual(rest, input);
  assert.equal(autoNumber, 1);
  assert.equal(Created, rec.createdTime);
  assert.equal(Modified, rec.createdTime);
  // And the same when read back.
  const got = await req('GET', `${T}/${rec.id}`);
  assert.deepEqual(got.body, rec);
});

test('empty cells are omitted, 0 is kept, false clears a checkbox', async () => {
  const res = await req('POST', T, { fields: { Name: '', Count: 0, Done: false, Tags: [], Notes: null } });
  assert.equal(res.status, 200);
  const { Number: n, Created, Modified, ...fields } = res.body.fields;
  assert.deepEqual(fields, { Count: 0 });
});

test('returnFieldsByFieldId keys fields by id', async () => {
  const res = await req('POST', T, { fields: { Name: 'ById' }, returnFieldsByFieldId: true });
  assert.equal(res.body.fields[table.fields[0].id], 'ById');
  const got = await req('GET', `${T}/${res.body.id}?returnFieldsByFieldId=1`);
  assert.equal(got.body.fields[table.fields[0].id], 'ById');
});

test('number precision rounds stored values', async () => {
  const res = await req('POST', T, { fields: { Count: 2.6, Price: 1.005, Share: 0.12345 } });
  assert.equal(res.body.fields.Count, 3);
  assert.equal(res.body.fields.Share, 0.123);
});

test('wrong types and unknown options are 422 with Airtable error types', async () => {
  const cases = [
    [{ Count: 'abc' }, 'INVALID_VALUE_FOR_COLUMN', 'Field "Count" cannot accept the provided value'],
    [{ Name: 5 }, 'INVALID_VALUE_FOR_COLUMN', 'Field "Name" cannot accept the provided value'],
    [{ Done: 'yes' }, 'INVALID_VALUE_FOR_COLUMN', null],
    [{ Stars: 6 }, 'INVALID_VALUE_FOR_COLUMN', null],
    [{ Email: 'not an email' }, 'INVALID_VALUE_FOR_COLUMN', null],
    [{ Due: '2024-02-30' }, 'INVALID_VALUE_FOR_COLUMN', null],
    [{ At: 'yesterday' }, 'INVALID_VALUE_FOR_COLUMN', null],
    [{ Status: 'Nope' }, 'INVALID_MULTIPLE_CHOICE_OPTIONS', 'Insufficient permissions to create new select option ""Nope""'],
    [{ Tags: ['green'] }, 'INVALID_MULTIPLE_CHOICE_OPTIONS', null],
    [{ Number: 5 }, 'INVALID_VALUE_FOR_COLUMN', 'Field "Number" cannot accept a value because the field is computed'],
    [{ Created: '2020-01-01' }, 'INVALID_VALUE_FOR_COLUMN', null],
    [{ Nope: 1 }, 'UNKNOWN_FIELD_NAME', 'Unknown field name: "Nope"'],
  ];
  for (const [fields, type, message] of cases) {
    const res = await req('POST', T, { fields });
    assert.equal(res.status, 422, JSON.stringify(fields));
    assert.equal(res.body.error.type, type, JSON.stringify(fields));
    if (message) assert.equal(res.body.error.message, message);
  }
});

test('typecast converts strings and creates select choices', async () => {
  const res = await req('POST', T, {
    fields: { Count: '1,234', Done: 'true', Status: 'Blocked', Tags: 'red, green', Due: '3/4/2024', Name: 12 },
    typecast: true,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const f = res.body.fields;
  assert.equal(f.Count, 1234);
  assert.equal(f.Done, true);
  assert.equal(f.Status, 'Blocked');
  assert.deepEqual(f.Tags, ['red', 'green']);
  assert.equal(f.Due, '2024-03-04');
  assert.equal(f.Name, '12');
  const schema = await req('GET', `/v0/meta/bases/${base.id}/tables`);
  const status = schema.body.tables[0].fields.find((x) => x.name === 'Status');
  assert.deepEqual(status.options.choices.map((c) => c.name), ['Todo', 'Doing', 'Done', 'Blocked']);
  for (const c of status.options.choices) assert.match(c.id, /^sel[A-Za-z0-9]{14}$/);
});

test('batch create keeps request order; more than 10 is refused', async () => {
  const records = Array.from({ length: 10 }, (_, i) => ({ fields: { Name: `b${i}` } }));
  const res = await req('POST', T + '/', { records });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.records.map((r) => r.fields.Name), records.map((r) => r.fields.Name));
  const tooMany = await req('POST', T, { records: [...records, { fields: {} }] });
  assert.equal(tooMany.status, 422);
  assert.deepEqual(tooMany.body, { error: { type: 'INVALID_RECORDS', message: 'A maximum of 10 records can be created per request but you have provided 11.' } });
  const missing = await req('POST', T, { typecast: true });
  assert.equal(missing.status, 422);
  assert.equal(missing.body.error.type, 'INVALID_REQUEST_MISSING_FIELDS');
  const badJson = await server.req('POST', T, { token: owner.token, body: '{"fields": ' });
  assert.equal(badJson.status, 400);
});

test('PATCH changes only given fields, PUT clears the rest but not computed fields', async () => {
  const created = await req('POST', T, { fields: { Name: 'P', Count: 1, Notes: 'keep?' } });
  const id = created.body.id;
  const patched = await req('PATCH', `${T}/${id}`, { fields: { Count: 2 } });
  assert.equal(patched.status, 200);
  assert.equal(patched.body.fields.Name, 'P');
  assert.equal(patched.body.fields.Count, 2);
  assert.equal(patched.body.fields.Notes, 'keep?');
  const put = await req('PUT', `${T}/${id}`, { fields: { Count: 3 } });
  assert.equal(put.status, 200);
  assert.equal(put.body.fields.Name, undefined);
  assert.equal(put.body.fields.Notes, undefined);
  assert.equal(put.body.fields.Count, 3);
  assert.equal(put.body.fields.Number, created.body.fields.Number);
  assert.equal(put.body.fields.Created, created.body.fields.Created);
  const cleared = await req('PATCH', `${T}/${id}`, { fields: { Count: null } });
  assert.equal(cleared.body.fields.Count, undefined);
});

test('batch update, missing records and malformed batches', async () => {
  const c = await req('POST', T, { records: [{ fields: { Name: 'u1' } }, { fields: { Name: 'u2' } }] });
  const [a, b] = c.body.records.map((r) => r.id);
  const res = await req('PATCH', T + '/', { records: [{ id: b, fields: { Count: 2 } }, { id: a, fields: { Count: 1 } }] });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.records.map((r) => [r.id, r.fields.Count, r.fields.Name]), [[b, 2, 'u2'], [a, 1, 'u1']]);
  const ghost = await req('PATCH', T, { records: [{ id: 'recAAAAAAAAAAAAAA', fields: { Count: 1 } }] });
  assert.equal(ghost.status, 422);
  assert.equal(ghost.body.error.type, 'ROW_DOES_NOT_EXIST');
  const noId = await req('PATCH', T, { records: [{ fields: { Count: 1 } }] });
  assert.equal(noId.status, 422);
  assert.equal(noId.body.error.type, 'INVALID_RECORDS');
  const single404 = await req('PATCH', `${T}/recAAAAAAAAAAAAAA`, { fields: { Count: 1 } });
  assert.equal(single404.status, 404);
  // The whole batch is atomic: a bad second record leaves the first unchanged.
  const atomic = await req('PATCH', T, { records: [{ id: a, fields: { Count: 100 } }, { id: 'recAAAAAAAAAAAAAA', fields: {} }] });
  assert.equal(atomic.status, 422);
  const after = await req('GET', `${T}/${a}`);
  assert.equal(after.body.fields.Count, 1);
});

test('upsert creates, updates, and refuses ambiguous matches', async () => {
  const first = await req('PATCH', T, {
    performUpsert: { fieldsToMergeOn: ['Email'] },
    records: [{ fields: { Email: 'up1@example.com', Name: 'Up one' } }, { fields: { Email: 'up2@example.com', Name: 'Up two' } }],
  });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.createdRecords.length, 2);
  assert.deepEqual(first.body.updatedRecords, []);
  const second = await req('PATCH', T, {
    performUpsert: { fieldsToMergeOn: ['Email'] },
    records: [{ fields: { Email: 'up1@example.com', Name: 'Up one again' } }, { fields: { Email: 'up3@example.com' } }],
  });
  assert.equal(second.status, 200);
  assert.deepEqual(second.body.updatedRecords, [first.body.createdRecords[0]]);
  assert.equal(second.body.createdRecords.length, 1);
  assert.equal(second.body.records[0].fields.Name, 'Up one again');
  assert.deepEqual(Object.keys(second.body), ['createdRecords', 'updatedRecords', 'records']);
  await req('POST', T, { fields: { Email: 'up1@example.com' } });
  const ambiguous = await req('PATCH', T, { performUpsert: { fieldsToMergeOn: ['Email'] }, records: [{ fields: { Email: 'up1@example.com' } }] });
  assert.equal(ambiguous.status, 422);
  const computed = await req('PATCH', T, { performUpsert: { fieldsToMergeOn: ['Number'] }, records: [{ fields: {} }] });
  assert.equal(computed.status, 422);
});

test('delete one and a batch; deleted records are gone', async () => {
  const c = await req('POST', T, { records: [{ fields: { Name: 'd1' } }, { fields: { Name: 'd2' } }, { fields: { Name: 'd3' } }] });
  const ids = c.body.records.map((r) => r.id);
  const one = await req('DELETE', `${T}/${ids[0]}`);
  assert.deepEqual(one.body, { id: ids[0], deleted: true });
  const batch = await req('DELETE', `${T}?records%5B%5D=${ids[1]}&records[]=${ids[2]}`);
  assert.deepEqual(batch.body, { records: [{ id: ids[1], deleted: true }, { id: ids[2], deleted: true }] });
  const gone = await req('GET', `${T}/${ids[0]}`);
  assert.equal(gone.status, 404);
  const again = await req('DELETE', `${T}/${ids[0]}`);
  assert.equal(again.status, 404);
  const eleven = await req('DELETE', `${T}?` + Array.from({ length: 11 }, () => `records[]=${ids[0]}`).join('&'));
  assert.equal(eleven.status, 422);
  assert.equal(eleven.body.error.type, 'INVALID_RECORDS');
});

test('get record falls back to other tables of the base; fields[] is refused there', async () => {
  const big = base.tables[1];
  const c = await req('POST', `/v0/${base.id}/${big.id}`, { fields: { Name: 'elsewhere' } });
  const viaOther = await req('GET', `${T}/${c.body.id}`);
  assert.equal(viaOther.status, 200);
  assert.equal(viaOther.body.fields.Name, 'elsewhere');
  const withFields = await req('GET', `${T}/${c.body.id}?fields%5B%5D=Name`);
  assert.equal(withFields.status, 422);
  assert.equal(withFields.body.error.type, 'INVALID_REQUEST_UNKNOWN');
});

test('table names with slash, percent and unicode are addressed by encoded name', async () => {
  const name = encodeURIComponent('Odd/Name % é');
  const c = await req('POST', `/v0/${base.id}/${name}/`, { fields: { Name: 'odd' } });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  const list = await req('GET', `/v0/${base.id}/${name}`);
  assert.deepEqual(list.body.records.map((r) => r.fields.Name), ['odd']);
});

test('pagination through 1,050 records with sort, fields, maxRecords and POST listRecords', async () => {
  const big = base.tables[1];
  const B = `/v0/${base.id}/${big.id}`;
  let n = 0;
  const writes = [];
  for (let i = 0; i < 105; i++) {
    const records = Array.from({ length: 10 }, () => ({ fields: { Name: `r${String(n).padStart(4, '0')}`, N: n++ } }));
    writes.push(req('POST', B, { records }));
  }
  for (const w of await Promise.all(writes)) assert.equal(w.status, 200);
  const total = 1050 + 1; // plus "elsewhere" from the fallback test, which may run first
  const seen = [];
  let offset;
  let pages = 0;
  do {
    const q = offset ? `&offset=${encodeURIComponent(offset)}` : '';
    const res = await req('GET', `${B}?pageSize=100${q}`);
    assert.equal(res.status, 200);
    seen.push(...res.body.records.map((r) => r.id));
    offset = res.body.offset;
    if (offset) assert.match(offset, /^itr[0-9a-f]+\/rec[A-Za-z0-9]{14}$/);
    pages++;
  } while (offset);
  assert.ok(seen.length === 1050 || seen.length === total, `saw ${seen.length}`);
  assert.equal(new Set(seen).size, seen.length);
  assert.ok(pages >= 11);

  // Sorted descending by N, only N returned, capped by maxRecords across pages.
  const got = [];
  offset = undefined;
  do {
    const q = offset ? `&offset=${encodeURIComponent(offset)}` : '';
    const res = await req('GET', `${B}?fields%5B%5D=N&sort%5B0%5D%5Bfield%5D=N&sort%5B0%5D%5Bdirection%5D=desc&maxRecords=250&pageSize=100${q}`);
    assert.equal(res.status, 200);
    for (const r of res.body.records) {
      assert.deepEqual(Object.keys(r.fields), ['N']);
      got.push(r.fields.N);
    }
    offset = res.body.offset;
  } while (offset);
  assert.equal(got.length, 250);
  assert.deepEqual(got, Array.from({ length: 250 }, (_, i) => 1049 - i));

  // POST listRecords carries parameters and the offset in the body.
  const p1 = await req('POST', `${B}/listRecords`, { pageSize: 3, sort: [{ field: 'N', direction: 'asc' }], fields: ['Name'], method: 'post' });
  assert.equal(p1.status, 200);
  assert.equal(p1.body.records.length, 3);
  const p2 = await req('POST', `${B}/listRecords`, { pageSize: 3, sort: [{ field: 'N', direction: 'asc' }], fields: ['Name'], offset: p1.body.offset });
  // Blank N sorts first ascending, so the pages hold the first six in order, whatever they are.
  const firstSix = await req('POST', `${B}/listRecords`, { pageSize: 6, sort: [{ field: 'N', direction: 'asc' }], fields: ['Name'] });
  assert.deepEqual([...p1.body.records, ...p2.body.records].map((r) => r.id), firstSix.body.records.map((r) => r.id));

  // An offset from a different query, a forged one, and garbage are all unavailable iterators.
  const other = await req('GET', `${B}?pageSize=3&offset=${encodeURIComponent(p1.body.offset)}`);
  assert.equal(other.status, 422);
  assert.equal(other.body.error.type, 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE');
  const forged = p1.body.offset.replace(/^itr(.)/, (m, c) => 'itr' + (c === '0' ? '1' : '0'));
  const f = await req('POST', `${B}/listRecords`, { pageSize: 3, sort: [{ field: 'N', direction: 'asc' }], fields: ['Name'], offset: forged });
  assert.equal(f.body.error.type, 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE');
  const garbage = await req('GET', `${B}?offset=hello`);
  assert.equal(garbage.body.error.type, 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE');
});

test('list parameter validation', async () => {
  for (const [q, type] of [
    ['pageSize=101', 'INVALID_REQUEST_UNKNOWN'],
    ['pageSize=0', 'INVALID_REQUEST_UNKNOWN'],
    ['pageSize=abc', 'INVALID_REQUEST_UNKNOWN'],
    ['fields%5B%5D=Nope', 'UNKNOWN_FIELD_NAME'],
    ['sort%5B0%5D%5Bfield%5D=Nope', 'UNKNOWN_FIELD_NAME'],
    ['sort%5B0%5D%5Bfield%5D=Name&sort%5B0%5D%5Bdirection%5D=up', 'INVALID_REQUEST_UNKNOWN'],
    ['view=Nope', 'VIEW_NAME_NOT_FOUND'],
    ['filterByFormula=%7BNope%7D%3D%27x%27', 'INVALID_FILTER_BY_FORMULA'],
    ['filterByFormula=AND(', 'INVALID_FILTER_BY_FORMULA'],
    ['cellFormat=string', 'INVALID_REQUEST_UNKNOWN'],
    ['returnFieldsByFieldId=maybe', 'INVALID_REQUEST_UNKNOWN'],
  ]) {
    const res = await req('GET', `${T}?${q}`);
    assert.equal(res.status, 422, q);
    assert.equal(res.body.error.type, type, q);
  }
  const view = await req('GET', `${T}?view=Grid+view&pageSize=1&method=get&limit=1`);
  assert.equal(view.status, 200);
  assert.equal(view.body.records.length, 1);
  const viewById = await req('GET', `${T}?view=${table.views[0].id}&pageSize=1`);
  assert.equal(viewById.status, 200);
  const meta = await req('GET', `${T}?pageSize=1&recordMetadata%5B%5D=commentCount`);
  assert.equal(meta.body.records[0].commentCount, 0);
});

test('sorting by a single select follows choice order', async () => {
  const t = await req('POST', `/v0/meta/bases/${base.id}/tables`, {
    name: 'Sorts', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'S', type: 'singleSelect', options: { choices: [{ name: 'zeta' }, { name: 'alpha' }] } }],
  });
  const S = `/v0/${base.id}/${t.body.id}`;
  await req('POST', S, { records: [{ fields: { Name: 'a', S: 'alpha' } }, { fields: { Name: 'z', S: 'zeta' } }, { fields: { Name: 'B' } }] });
  const res = await req('GET', `${S}?sort%5B0%5D%5Bfield%5D=S`);
  assert.deepEqual(res.body.records.map((r) => r.fields.Name), ['B', 'z', 'a']);
  const byName = await req('GET', `${S}?sort%5B0%5D%5Bfield%5D=Name&sort%5B0%5D%5Bdirection%5D=asc`);
  assert.deepEqual(byName.body.records.map((r) => r.fields.Name), ['a', 'B', 'z']);
});

test('cellFormat=string renders cells as text in the given time zone and locale', async () => {
  const c = await req('POST', T, { fields: {
    Name: 'Fmt', Count: 1234567, Price: 1234.5, Share: 0.125, Stars: 3, Done: true, Status: 'Doing',
    Tags: ['red', 'blue'], Due: '2024-02-29', At: '2024-03-01T12:30:00.000Z',
  } });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  const q = `?cellFormat=string&timeZone=America%2FNew_York&userLocale=en-us`;
  const got = await req('GET', `${T}/${c.body.id}${q}`);
  assert.equal(got.status, 200, JSON.stringify(got.body));
  const f = got.body.fields;
  assert.equal(f.Name, 'Fmt');
  assert.equal(f.Count, '1,234,567');
  assert.equal(f.Price, '€1,234.50');
  assert.equal(f.Share, '12.5%');
  assert.equal(f.Stars, '3');
  assert.equal(f.Done, 'checked');
  assert.equal(f.Status, 'Doing');
  assert.equal(f.Tags, 'red, blue');
  assert.equal(f.Due, '2024-02-29');
  assert.equal(f.At, '2024-03-01 07:30');
  for (const v of Object.values(f)) assert.equal(typeof v, 'string');
  const list = await req('GET', `${T}${q}&pageSize=1&fields%5B%5D=Count`);
  assert.equal(list.status, 200);
  assert.equal(typeof list.body.records[0].fields.Count, 'string');
  const post = await req('POST', `${T}/listRecords?timeZone=utc&userLocale=en`, { cellFormat: 'string', pageSize: 1 });
  assert.equal(post.status, 200, JSON.stringify(post.body));
  const missing = await req('GET', `${T}?cellFormat=string&timeZone=utc`);
  assert.equal(missing.status, 422);
  const badZone = await req('GET', `${T}?cellFormat=string&timeZone=Nowhere%2FLand&userLocale=en`);
  assert.equal(badZone.status, 422);
});
