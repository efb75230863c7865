// Moment's locales through the API (issue 15): for every locale Moment ships, formula fields of
// DATETIME_FORMAT(SET_LOCALE(date, locale), format) answer what the real moment printed
// (tests/formula/moment-locales.jsonl, made by tools/moment-locales/gen.mjs), and a date field
// read with cellFormat=string and that userLocale prints its friendly format (LL) the same way;
// then DATETIME_PARSE, zone abbreviations and calendar differences (moment-parsing.jsonl,
// moment-zones.jsonl, moment-diffs.jsonl) through formula fields.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Server, makeOwner, createBase } from './harness.mjs';

let server, owner, base;
const req = (method, path, body) => server.req(method, path, { token: owner.token, body });
const quote = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

// Per locale, one case of each of these formats (the first date that has it).
const SAMPLED = ['LL', 'L', 'LLLL', 'llll', 'MMMM|MMM', 'D MMMM|D MMM', 'dddd|ddd|dd', 'Do', 'A|a|h:mm A', 'w ww gggg e W GGGG'];
const lines = (file) => readFileSync(new URL(`../formula/${file}`, import.meta.url), 'utf8')
  .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const locales = lines('moment-locales.jsonl');

before(async () => {
  const dir = Server.freshDataDir();
  owner = makeOwner(dir);
  server = await new Server(dir).start();
  base = await createBase(server, owner.token, owner.workspaceId, 'Locales', [
    { name: 'Seed', fields: [{ name: 'Name', type: 'singleLineText' }] },
  ]);
});
after(async () => { await server.stop(); server.cleanup(); });

test('every Moment locale formats through formula fields and cellFormat=string', async () => {
  assert.ok(locales.length > 130, `${locales.length} locales`);
  const failures = [];
  let checked = 0;
  for (const { locale, cases } of locales) {
    const picked = SAMPLED.map((f) => cases.find((c) => c[1] === f)).filter(Boolean);
    const fields = picked.map(([date, format], i) => ({
      name: `f${i}`, type: 'formula',
      options: { formula: `DATETIME_FORMAT(SET_LOCALE(${quote(date)}, ${quote(locale)}), ${quote(format)})` },
    }));
    const t = await req('POST', `/v0/meta/bases/${base.id}/tables`, {
      name: `locale ${locale}`,
      fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Day', type: 'date', options: { dateFormat: { name: 'friendly' } } }],
    });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    for (const f of fields) {
      const r = await req('POST', `/v0/meta/bases/${base.id}/tables/${t.body.id}/fields`, f);
      assert.equal(r.status, 200, `${locale} ${f.options.formula}: ${JSON.stringify(r.body)}`);
    }
    const T = `/v0/${base.id}/${t.body.id}`;
    const ll = cases.find((c) => c[1] === 'LL');
    const rec = await req('POST', T, { fields: { Name: locale, Day: ll[0].slice(0, 10) } });
    assert.equal(rec.status, 200, JSON.stringify(rec.body));
    const got = (await req('GET', `${T}/${rec.body.id}`)).body.fields;
    picked.forEach(([date, format, want], i) => {
      checked++;
      if (got[`f${i}`] !== want) failures.push(`${locale} ${date} '${format}': got ${JSON.stringify(got[`f${i}`])}, want ${JSON.stringify(want)}`);
    });
    const text = await req('GET', `${T}/${rec.body.id}?${new URLSearchParams({ cellFormat: 'string', timeZone: 'UTC', userLocale: locale })}`);
    assert.equal(text.status, 200, JSON.stringify(text.body));
    checked++;
    if (text.body.fields.Day !== ll[2]) failures.push(`${locale} cellFormat=string Day: got ${JSON.stringify(text.body.fields.Day)}, want ${JSON.stringify(ll[2])}`);
  }
  assert.deepEqual(failures.slice(0, 30), []);
  assert.ok(checked > 1000, `only ${checked} checked`);
});

// One table of formula fields, one record: each field's value against what Moment answered.
async function formulasAgree(name, cases) {
  const t = await req('POST', `/v0/meta/bases/${base.id}/tables`, { name, fields: [{ name: 'Name', type: 'singleLineText' }] });
  assert.equal(t.status, 200, JSON.stringify(t.body));
  for (const [i, [formula]] of cases.entries()) {
    const r = await req('POST', `/v0/meta/bases/${base.id}/tables/${t.body.id}/fields`, { name: `f${i}`, type: 'formula', options: { formula } });
    assert.equal(r.status, 200, `${formula}: ${JSON.stringify(r.body)}`);
  }
  const T = `/v0/${base.id}/${t.body.id}`;
  const rec = await req('POST', T, { fields: { Name: 'row' } });
  const got = (await req('GET', `${T}/${rec.body.id}`)).body.fields;
  const failures = [];
  cases.forEach(([formula, want], i) => {
    if (JSON.stringify(got[`f${i}`]) !== JSON.stringify(want)) failures.push(`${formula}: got ${JSON.stringify(got[`f${i}`])}, want ${JSON.stringify(want)}`);
  });
  assert.deepEqual(failures, []);
}

test('DATETIME_PARSE, zone abbreviations and month differences through formula fields', async () => {
  const parsing = lines('moment-parsing.jsonl');
  // The parse rules whole, the issue's examples, and one read-back per locale.
  const parse = [];
  for (const { locale, cases } of parsing) {
    const some = cases.length > 20 && locale !== 'en' ? cases.slice(0, 1) : cases;
    for (const [text, format, want] of some)
      parse.push([`DATETIME_PARSE(${quote(text)}, ${quote(format)}, ${quote(locale)})`, want ?? { error: '#ERROR!' }]);
  }
  assert.ok(parse.length > 180, `${parse.length} parse cases`);
  for (let i = 0; i < parse.length; i += 100) await formulasAgree(`parse ${i}`, parse.slice(i, i + 100));
  const zones = lines('moment-zones.jsonl').flatMap(({ zone, cases }) => cases.map(([date, format, want]) => [
    `DATETIME_FORMAT(${zone ? `SET_TIMEZONE(${quote(date)}, ${quote(zone)})` : quote(date)}, ${quote(format)})`, want]));
  await formulasAgree('zones', zones);
  const diffs = lines('moment-diffs.jsonl')[0].cases.filter((_, i) => i % 40 === 0)
    .map(([a, b, unit, want]) => [`DATETIME_DIFF(${quote(a)}, ${quote(b)}, ${quote(unit)})`, want]);
  assert.ok(diffs.length > 50);
  await formulasAgree('diffs', diffs);
});
