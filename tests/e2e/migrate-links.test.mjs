// A data directory from before link cells moved to junction tables (tests/fixtures/links-v5,
// written by the old binary with make.mjs) opens with the current binary: migration 6 converts
// it, every record reads exactly as the old server answered, and links keep working afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Server, STORE } from './harness.mjs';

const fixture = path.resolve('fixtures/links-v5');
const expected = JSON.parse(readFileSync(path.join(fixture, 'expected.json'), 'utf8'));
let server;
const r = (method, p, body) => server.req(method, p, { token: expected.token, body });

before(async () => {
  if (STORE !== 'sqlite') return;  // a SQLite data directory of an older version
  const dir = Server.freshDataDir();
  copyFileSync(path.join(fixture, 'airbase.db'), path.join(dir, 'airbase.db'));
  server = await new Server(dir).start();
});
after(async () => { await server?.stop(); server?.cleanup?.(); });

test('every record of an old data directory reads as the old server answered', { skip: STORE !== 'sqlite' }, async () => {
  for (const table of [expected.people, expected.projects]) {
    const res = await r('GET', `/v0/${expected.baseId}/${table}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.records, expected.answers[table]);
  }
});

test('after the migration, links append, reorder and go with deleted records', { skip: STORE !== 'sqlite' }, async () => {
  const { baseId, people, projects } = expected;
  const byName = {};
  for (const rec of expected.answers[people]) byName[rec.fields.Name] = rec;
  for (const rec of expected.answers[projects]) byName[rec.fields.Title] = rec;
  const { Ann, Ben, Cat, Dan, P1, P2 } = byName;
  const cell = async (table, rec, field) => (await r('GET', `/v0/${baseId}/${table}/${rec.id}`)).body.fields[field];

  // Cat joins P2 from the people side: appended after Ben in P2's Owners.
  const joined = await r('PATCH', `/v0/${baseId}/${people}/${Cat.id}`, { fields: { Projects: [...(Cat.fields.Projects || []), P2.id] } });
  assert.equal(joined.status, 200, JSON.stringify(joined.body));
  assert.deepEqual(await cell(projects, P2, 'Owners'), [Ben.id, Cat.id]);
  // Reordering one side leaves the other side's order alone.
  const before = await cell(people, Ann, 'Projects');
  await r('PATCH', `/v0/${baseId}/${projects}/${P1.id}`, { fields: { Owners: [...P1.fields.Owners].reverse() } });
  assert.deepEqual(await cell(projects, P1, 'Owners'), [...P1.fields.Owners].reverse());
  assert.deepEqual(await cell(people, Ann, 'Projects'), before);
  // Deleting Ann takes her out of P1's Owners and of Dan's Mentors (a link to the own table).
  assert.equal((await r('DELETE', `/v0/${baseId}/${people}/${Ann.id}`)).status, 200);
  assert.ok(!(await cell(projects, P1, 'Owners')).includes(Ann.id));
  assert.deepEqual(await cell(people, Dan, 'Mentors'), Dan.fields.Mentors.filter((id) => id !== Ann.id));
});
