// The golden formula cases through the API: each case becomes a table holding its fields, one
// record, and a formula field with the case's formula (or a filterByFormula request).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Server, makeOwner, createBase } from './harness.mjs';

let server, owner, base;
const req = (method, path, body) => server.req(method, path, { token: owner.token, body });

const TYPES = {
  number: { type: 'number', options: { precision: 8 } },
  rating: { type: 'rating', options: { max: 10 } },
  checkbox: { type: 'checkbox' },
  date: { type: 'date', options: { dateFormat: { name: 'iso' } } },
  dateTime: { type: 'dateTime', options: { dateFormat: { name: 'iso' }, timeFormat: { name: '24hour' }, timeZone: 'utc' } },
  singleLineText: { type: 'singleLineText' },
  email: { type: 'email' },
};

function fieldSpec(name, declared, value) {
  if (declared === 'singleSelect' || declared === 'multipleSelects') {
    const names = Array.isArray(value) ? value : value == null ? [] : [value];
    return { name, type: declared, options: { choices: [...new Set([...names, 'other'])].map((n) => ({ name: n })) } };
  }
  if (declared) return TYPES[declared] ? { name, ...TYPES[declared] } : null;
  if (typeof value === 'number') return { name, ...TYPES.number };
  if (typeof value === 'boolean') return { name, ...TYPES.checkbox };
  if (value === null || typeof value === 'string') return { name, ...TYPES.singleLineText };
  return null;
}

function cases() {
  const out = [];
  for (const file of ['../formula/airtable-cases.jsonl', '../formula/airbase-cases.jsonl']) {
    for (const line of readFileSync(new URL(file, import.meta.url), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const c = JSON.parse(line);
      if (c.unsure || c.now || c.record) continue;
      if (c.formula.includes('NOW()') || c.formula.includes('TODAY()')) continue;
      const specs = Object.entries(c.fields).map(([n, v]) => fieldSpec(n, c.fieldTypes?.[n], v));
      if (specs.some((s) => s === null)) continue;
      out.push({ ...c, specs });
    }
  }
  return out;
}

before(async () => {
  const dir = Server.freshDataDir();
  owner = makeOwner(dir);
  server = await new Server(dir).start();
  base = await createBase(server, owner.token, owner.workspaceId, 'Golden', [
    { name: 'Seed', fields: [{ name: 'Name', type: 'singleLineText' }] },
  ]);
});
after(async () => { await server.stop(); server.cleanup(); });

function check(got, want, c) {
  const label = `${c.formula} -> ${JSON.stringify(got)} (want ${JSON.stringify(want)})`;
  if (want === null || want === '') return assert.ok(got === undefined, label);
  if (typeof want === 'boolean') return assert.equal(got, want ? 1 : 0, label);
  if (typeof want === 'number') return assert.ok(typeof got === 'number' && Math.abs(got - want) <= (c.tolerance ?? 1e-9), label);
  if (typeof want === 'string') return assert.equal(got, want, label);
  if (Array.isArray(want)) {
    // Blank items are dropped from array cells, as Airtable omits empty values.
    return assert.deepEqual(got, want.filter((x) => x !== null && x !== '').map((x) => (typeof x === 'boolean' ? (x ? 1 : 0) : x)), label);
  }
  if (want.error) return assert.deepEqual(got, { error: '#ERROR!' }, label);
  if (want.specialValue) return assert.deepEqual(got, { specialValue: want.specialValue }, label);
  assert.fail(`unknown expectation ${label}`);
}

test('golden cases agree through formula fields and filterByFormula', async () => {
  let n = 0, checked = 0;
  const failures = [];
  for (const c of cases()) {
    n++;
    const t = await req('POST', `/v0/meta/bases/${base.id}/tables`, {
      name: `case ${n}`, fields: [{ name: '__primary', type: 'singleLineText' }, ...c.specs],
    });
    assert.equal(t.status, 200, `${c.formula}: ${JSON.stringify(t.body)}`);
    const T = `/v0/${base.id}/${t.body.id}`;
    const fields = { __primary: 'row' };
    for (const [k, v] of Object.entries(c.fields)) if (v !== null) fields[k] = v;
    const rec = await req('POST', T, { fields });
    assert.equal(rec.status, 200, `${c.formula}: ${JSON.stringify(rec.body)}`);

    const api = c.expected && typeof c.expected === 'object' && c.expected.apiError;
    if (c.context === 'filterByFormula' || api) {
      const res = await req('POST', `${T}/listRecords`, { filterByFormula: c.formula });
      if (api) {
        assert.equal(res.status, 422, c.formula);
        assert.equal(res.body.error.type, 'INVALID_FILTER_BY_FORMULA');
        assert.ok(res.body.error.message.startsWith(c.expected.apiError.messagePrefix), `${c.formula}: ${res.body.error.message}`);
      } else {
        assert.equal(res.status, 200, `${c.formula}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.records.length, c.expected ? 1 : 0, c.formula);
      }
      checked++;
      continue;
    }
    const f = await req('POST', `/v0/meta/bases/${base.id}/tables/${t.body.id}/fields`, {
      name: '__result', type: 'formula', options: { formula: c.formula },
    });
    assert.equal(f.status, 200, `${c.formula}: ${JSON.stringify(f.body)}`);
    const got = await req('GET', `${T}/${rec.body.id}`);
    try {
      check(got.body.fields.__result, c.expected, c);
    } catch (e) {
      failures.push(e.message.split('\n')[0]);
    }
    // The same formula as a filter keeps the record exactly when the value is truthy (§5).
    const w = c.expected;
    const truthy = w === null ? false : typeof w === 'boolean' ? w : typeof w === 'number' ? w !== 0
      : typeof w === 'string' ? (c.expectedType === 'date' || w !== '') : Array.isArray(w) ? w.length > 0
        : w.specialValue ? w.specialValue === 'Infinity' : false;
    const filtered = await req('POST', `${T}/listRecords`, { filterByFormula: c.formula });
    if (filtered.status !== 200 || filtered.body.records.length !== (truthy ? 1 : 0))
      failures.push(`filter ${c.formula}: ${JSON.stringify(filtered.body)}`);
    checked++;
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 200, `only ${checked} cases ran`);
});
