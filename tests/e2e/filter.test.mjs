// filterByFormula over HTTP: with view, sort, fields, maxRecords, pageSize and offset, on GET and
// POST listRecords, and the 422s of formula.md §9.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase } from './harness.mjs';

let server, owner, base, T;
const req = (method, path, body) => server.req(method, path, { token: owner.token, body });
const names = (res) => res.body.records.map((r) => r.fields.Name ?? '');
const q = (formula, extra = '') => `${T}?filterByFormula=${encodeURIComponent(formula)}${extra}`;

before(async () => {
  const dir = Server.freshDataDir();
  owner = makeOwner(dir);
  server = await new Server(dir).start();
  base = await createBase(server, owner.token, owner.workspaceId, 'Filters', [{
    name: 'People',
    fields: [
      { name: 'Name', type: 'singleLineText' },
      { name: 'Email', type: 'email' },
      { name: 'Age', type: 'number', options: { precision: 0 } },
      { name: 'Active', type: 'checkbox' },
      { name: 'Status', type: 'singleSelect', options: { choices: [{ name: 'New' }, { name: 'Done' }] } },
      { name: 'Tags', type: 'multipleSelects', options: { choices: [{ name: 'vip' }, { name: 'late' }] } },
      { name: 'Joined', type: 'date' },
      { name: 'Seen', type: 'dateTime' },
    ],
  }]);
  T = `/v0/${base.id}/People`;
  const people = [
    { Name: 'Ann', Email: 'ann@example.com', Age: 31, Active: true, Status: 'New', Tags: ['vip'], Joined: '2024-01-05', Seen: '2024-03-01T10:00:00.000Z' },
    { Name: "O'Brien", Email: 'ob@example.com', Age: 45, Status: 'Done', Tags: ['late', 'vip'], Joined: '2023-06-30' },
    { Name: 'Cleo', Email: 'CLEO@example.com', Age: 0, Active: true, Joined: '2024-02-29' },
    { Name: 'Dev', Age: 19, Tags: [] },
    { Name: '', Email: 'nobody@example.com' },
  ];
  const res = await req('POST', T, { records: people.map((fields) => ({ fields })) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
});
after(async () => { await server.stop(); server.cleanup(); });

test('the common client patterns select the right records', async () => {
  const cases = [
    ["{Email} = 'ann@example.com'", ['Ann']],
    ["LOWER({Email}) = 'cleo@example.com'", ['Cleo']],
    ["AND({Age} > 18, {Status} != 'Done')", ['Ann', 'Dev']],
    ["OR({Status} = 'New', {Status} = 'Done')", ['Ann', "O'Brien"]],
    ['{Active}', ['Ann', 'Cleo']],
    ['NOT({Active})', ["O'Brien", 'Dev', '']],
    ['{Active} = TRUE()', ['Ann', 'Cleo']],
    ["NOT({Name} = '')", ['Ann', "O'Brien", 'Cleo', 'Dev']],
    ['{Age} = BLANK()', ['Cleo', '']],
    ["FIND('vip', ARRAYJOIN({Tags})) > 0", ['Ann', "O'Brien"]],
    ['SEARCH("EXAMPLE", {Email})', ['Ann', "O'Brien", 'Cleo', '']],
    ["{Name} = 'O\\'Brien'", ["O'Brien"]],
    ["IS_AFTER({Joined}, '2024-01-31')", ['Cleo']],
    ["IS_BEFORE({Joined}, DATETIME_PARSE('2024-01-01'))", ["O'Brien"]],
    ["DATETIME_FORMAT({Joined}, 'YYYY-MM-DD') = '2024-01-05'", ['Ann']],
    ["{Seen} != BLANK()", ['Ann']],
    ['{Age} * 2 > 60', ['Ann', "O'Brien"]],
    ['REGEX_MATCH({Email}, "^[a-z]+@")', ['Ann', "O'Brien", '']],
    ['1', ['Ann', "O'Brien", 'Cleo', 'Dev', '']],
    ['0/0', []],
  ];
  for (const [formula, want] of cases) {
    const res = await req('GET', q(formula));
    assert.equal(res.status, 200, `${formula}: ${JSON.stringify(res.body)}`);
    assert.deepEqual(names(res), want, formula);
  }
});

test('RECORD_ID and bare single-word field names', async () => {
  const all = await req('GET', T);
  const [a, b] = all.body.records;
  const res = await req('GET', q(`OR(RECORD_ID()='${a.id}', RECORD_ID()="${b.id}")`));
  assert.deepEqual(res.body.records.map((r) => r.id), [a.id, b.id]);
  assert.deepEqual(names(await req('GET', q('Age > 40'))), ["O'Brien"]);
});

test('combined with fields[], sort, maxRecords, pageSize and offset', async () => {
  // The filter may use fields that are not returned.
  const res = await req('GET', q('{Age} > 10', '&fields%5B%5D=Name&sort%5B0%5D%5Bfield%5D=Age&sort%5B0%5D%5Bdirection%5D=desc'));
  assert.deepEqual(res.body.records.map((r) => r.fields), [{ Name: "O'Brien" }, { Name: 'Ann' }, { Name: 'Dev' }]);
  // Paging one by one through the filtered set, in creation order and sorted: a formula the
  // store tests exactly, and the same set through the evaluator (REGEX_MATCH is never pushed
  // down; on SQLite the evaluator runs inside the store's scan), which also reads the record's
  // id and creation time.
  const all = (await req('GET', T)).body.records;
  for (const formula of ["{Email} != ''", "AND(REGEX_MATCH({Email} & '', '@'), RECORD_ID() != '', CREATED_TIME() > '2020-01-01')"]) {
    for (const extra of ['', '&sort%5B0%5D%5Bfield%5D=Name', '&sort%5B0%5D%5Bfield%5D=Age&sort%5B0%5D%5Bdirection%5D=desc']) {
      const seen = [];
      let offset;
      do {
        const r = await req('GET', q(formula, `&pageSize=1${extra}${offset ? `&offset=${encodeURIComponent(offset)}` : ''}`));
        assert.equal(r.status, 200, JSON.stringify(r.body));
        seen.push(...names(r));
        offset = r.body.offset;
      } while (offset);
      const want = extra.includes('Name') ? ['', 'Ann', 'Cleo', "O'Brien"] : extra ? ["O'Brien", 'Ann', 'Cleo', ''] : ['Ann', "O'Brien", 'Cleo', ''];
      assert.deepEqual(seen, want, `${formula} ${extra}`);
    }
    const ids = (await req('GET', q(formula, '&pageSize=2'))).body.records.map((r) => r.id);
    assert.deepEqual(ids, all.filter((r) => r.fields.Email).slice(0, 2).map((r) => r.id), formula);
  }
  const capped = await req('GET', q("{Email} != ''", '&maxRecords=2&pageSize=1'));
  assert.equal(capped.body.records.length, 1);
  const second = await req('GET', q("{Email} != ''", `&maxRecords=2&pageSize=1&offset=${encodeURIComponent(capped.body.offset)}`));
  assert.equal(second.body.records.length, 1);
  assert.equal(second.body.offset, undefined);
  // An offset from one formula is refused for another.
  const other = await req('GET', q('1', `&pageSize=1&offset=${encodeURIComponent(capped.body.offset)}`));
  assert.equal(other.body.error.type, 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE');
  // With a view.
  assert.deepEqual(names(await req('GET', q('{Active}', '&view=Grid%20view'))), ['Ann', 'Cleo']);
});

test('POST listRecords takes the formula in the body', async () => {
  const res = await req('POST', `${T}/listRecords`, { filterByFormula: "AND({Age} >= 19, {Age} <= 31)", sort: [{ field: 'Age', direction: 'asc' }], fields: ['Name'] });
  assert.equal(res.status, 200);
  assert.deepEqual(names(res), ['Dev', 'Ann']);
});

test('invalid formulas are 422 INVALID_FILTER_BY_FORMULA with Airtable messages', async () => {
  const cases = [
    ['{Nope} = 1', 'The formula for filtering records is invalid: Unknown field names: Nope'],
    ['id() = 1', 'The formula for filtering records is invalid: Unknown field names: id()'],
    ['{Story}="He said "no""', 'The formula for filtering records is invalid: Invalid formula. Please check your formula text.'],
    ['AND(', 'The formula for filtering records is invalid: Invalid formula. Please check your formula text.'],
    ['('.repeat(300) + '1' + ')'.repeat(300), 'The formula for filtering records is invalid: Invalid formula. Please check your formula text.'],
  ];
  for (const [formula, prefix] of cases) {
    const res = await req('POST', `${T}/listRecords`, { filterByFormula: formula });
    assert.equal(res.status, 422, formula);
    assert.equal(res.body.error.type, 'INVALID_FILTER_BY_FORMULA');
    assert.ok(res.body.error.message.startsWith(prefix), res.body.error.message);
  }
  // A formula that errors for some records just leaves them out.
  const res = await req('GET', q('VALUE({Name}) = 0'));
  assert.equal(res.status, 200);
  // Work limits keep a pathological formula bounded.
  const big = await req('POST', `${T}/listRecords`, { filterByFormula: 'LEN(REPT("x", 100000000)) > 0' });
  assert.equal(big.status, 200);
  assert.deepEqual(big.body.records, []);
});
