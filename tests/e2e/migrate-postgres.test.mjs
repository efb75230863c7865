// airbase migrate: a SQLite data directory holding every kind of object is copied into an empty
// PostgreSQL database, and the API answers from PostgreSQL exactly as it answered from SQLite:
// the same ids, records, cells, links, computed fields, comments, webhooks and their payloads,
// views, tokens (the same secrets work), sessions (the same cookie works), list offsets (signed
// with the copied key). Runs in the SQLite pass when a PostgreSQL server is at hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  Server, STORE, BIN, HAVE_POSTGRES, makeOwner, createBase, cli, signIn, postgresDatabase, dropDatabase,
} from './harness.mjs';

const skip = (STORE !== 'sqlite' || !HAVE_POSTGRES) && 'needs the SQLite pass and a PostgreSQL server';

function migrate(from, to) {
  try {
    return { status: 0, stdout: execFileSync(BIN, ['migrate', '--from', from, '--to', to], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), stderr: '' };
  } catch (e) {
    return { status: e.status, stdout: String(e.stdout), stderr: String(e.stderr) };
  }
}

// Every answer a client could compare, from one server.
async function snapshot(server, { token, hooksToken, commentsToken, session, base, tables, hookId }) {
  const get = async (p, t = token) => {
    const r = await server.req('GET', p, { token: t });
    assert.equal(r.status, 200, `${p}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const out = { whoami: await get('/v0/meta/whoami'), schema: await get(`/v0/meta/bases/${base.id}/tables`) };
  out.bases = await get('/v0/meta/bases');
  for (const t of tables) {
    const records = [];
    let offset;
    do {
      const page = await get(`/v0/${base.id}/${t}?pageSize=40${offset ? `&offset=${encodeURIComponent(offset)}` : ''}`);
      records.push(...page.records);
      offset = page.offset;
    } while (offset);
    out[t] = records;
    out[`${t} sorted`] = (await get(`/v0/${base.id}/${t}?sort%5B0%5D%5Bfield%5D=Name&sort%5B0%5D%5Bdirection%5D=desc&cellFormat=string&timeZone=UTC&userLocale=en-us`)).records;
  }
  const first = out[tables[0]][0];
  out.comments = await get(`/v0/${base.id}/${tables[0]}/${first.id}/comments`, commentsToken);
  out.webhooks = await get(`/v0/bases/${base.id}/webhooks`, hooksToken);
  out.payloads = await get(`/v0/bases/${base.id}/webhooks/${hookId}/payloads`, hooksToken);
  const web = await fetch(`${server.url}/api/tokens`, { headers: { Cookie: session.cookie } });
  assert.equal(web.status, 200, 'the session did not survive');
  out.tokens = (await web.json()).tokens;
  // What reading moves on its own: a token's last use (this very snapshot used it) and a
  // webhook's expiry (reading payloads extends it by 7 days).
  for (const t of out.tokens) delete t.lastUsedTime;
  for (const h of out.webhooks.webhooks) {
    assert.ok(Date.parse(h.expirationTime) > Date.now());
    delete h.expirationTime;
  }
  return out;
}

test('a SQLite data directory migrates into PostgreSQL and answers exactly the same', { skip }, async () => {
  const dir = Server.freshDataDir();
  const owner = makeOwner(dir);
  cli(dir, ['user', 'create', '--email', 'second@example.com', '--name', 'Second', '--password-stdin'], 'another password\n');
  cli(dir, ['workspace', 'share', '--workspace', owner.workspaceId, '--user', 'second@example.com', '--role', 'editor']);
  const hooksToken = cli(dir, ['token', 'create', '--user', owner.email, '--name', 'hooks', '--scope', 'webhook:manage', '--scope', 'data.records:read']);
  const commentsToken = cli(dir, ['token', 'create', '--user', owner.email, '--name', 'comments', '--scope', 'data.recordComments:read', '--scope', 'data.recordComments:write']);
  const gone = cli(dir, ['token', 'create', '--user', owner.email, '--name', 'revoked', '--scope', 'data.records:read']);
  cli(dir, ['token', 'revoke', '--user', owner.email, '--token', gone.split('.')[0]]);
  cli(dir, ['settings', 'set', '--key', 'token.defaultExpiryDays', '--value', '30']);
  const source = await new Server(dir).start();
  const url = postgresDatabase(dir + '-target');
  let target;
  try {
    const base = await createBase(source, owner.token, owner.workspaceId, 'Everything', [
      { name: 'Projects', fields: [
        { name: 'Name', type: 'singleLineText' },
        { name: 'Budget', type: 'currency', options: { precision: 2, symbol: '$' } },
        { name: 'Status', type: 'singleSelect', options: { choices: [{ name: 'Todo' }, { name: 'Done' }] } },
        { name: 'Tags', type: 'multipleSelects', options: { choices: [{ name: 'a' }, { name: 'b' }] } },
        { name: 'Active', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } },
        { name: 'Due', type: 'date', options: { dateFormat: { name: 'iso' } } },
        { name: 'Notes', type: 'multilineText' },
      ] },
      { name: 'Tasks', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Hours', type: 'number', options: { precision: 1 } }] },
    ]);
    const [projects, tasks] = base.tables;
    const meta = `/v0/meta/bases/${base.id}/tables`;
    const link = await source.req('POST', `${meta}/${tasks.id}/fields`, { token: owner.token, body: { name: 'Project', type: 'multipleRecordLinks', options: { linkedTableId: projects.id } } });
    assert.equal(link.status, 200, JSON.stringify(link.body));
    for (const [name, type, options] of [
      ['Number', 'autoNumber', undefined],
      ['Label', 'formula', { formula: 'UPPER({Name}) & " " & {Budget}' }],
    ]) {
      const f = await source.req('POST', `${meta}/${projects.id}/fields`, { token: owner.token, body: { name, type, ...(options ? { options } : {}) } });
      assert.equal(f.status, 200, JSON.stringify(f.body));
    }
    const hook = await source.req('POST', `/v0/bases/${base.id}/webhooks`, { token: hooksToken, body: { specification: { options: { filters: { dataTypes: ['tableData'] } } } } });
    assert.equal(hook.status, 200, JSON.stringify(hook.body));

    const P = `/v0/${base.id}/Projects`;
    const made = [];
    for (let i = 0; i < 9; i++) {
      const batch = Array.from({ length: 10 }, (_, j) => ({ fields: {
        Name: `Project ${i * 10 + j}`, Budget: (i * 10 + j) * 12.5, Status: j % 2 ? 'Done' : 'Todo',
        Tags: j % 3 ? ['a'] : ['a', 'b'], Active: j % 2 === 0, Due: `2026-0${1 + (j % 9)}-1${j}`, Notes: `line 1\nline ${j} — ünïcode ✓`,
      } }));
      const r = await source.req('POST', P, { token: owner.token, body: { records: batch } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      made.push(...r.body.records);
    }
    const deleted = await source.req('DELETE', `${P}/${made[3].id}`, { token: owner.token });
    assert.equal(deleted.status, 200);  // a gap in the row ids and autoNumbers
    for (let i = 0; i < 30; i++) {
      const r = await source.req('POST', `/v0/${base.id}/Tasks`, { token: owner.token, body: { fields: { Name: `Task ${i}`, Hours: i / 2, Project: [made[i % 3].id, made[(i + 1) % 7 + 10].id] } } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    for (const text of ['First comment', 'Second, with @nobody']) {
      assert.equal((await source.req('POST', `${P}/${made[0].id}/comments`, { token: commentsToken, body: { text } })).status, 200);
    }
    const view = await source.req('GET', `${meta}`, { token: owner.token });
    assert.equal(view.status, 200);
    const session = await signIn(source, owner.email, 'correct horse battery');
    const offsetBefore = (await source.req('GET', `${P}?pageSize=7`, { token: owner.token })).body.offset;
    const ctx = { token: owner.token, hooksToken, commentsToken, session, base, tables: ['Projects', 'Tasks'], hookId: hook.body.id };
    const before = await snapshot(source, ctx);
    await source.stop();

    // An attachment file, as the SQLite store keeps one (files/<2 hex>/<sha256>), goes along.
    const fileKey = createHash('sha256').update('file bytes').digest('hex');
    mkdirSync(`${dir}/files/${fileKey.slice(0, 2)}`, { recursive: true });
    writeFileSync(`${dir}/files/${fileKey.slice(0, 2)}/${fileKey}`, 'file bytes');
    const done = migrate(dir, url);
    assert.equal(done.status, 0, done.stderr);
    assert.match(done.stdout, /^files\t1$/m);
    assert.match(done.stdout, /^users\t2$/m);
    assert.match(done.stdout, new RegExp(`^t_${projects.id}\\t89$`, 'm'));
    assert.match(done.stdout, /^copied \d+ tables, \d+ rows; every table's rows counted again/m);

    target = await new Server(dir, ['--store', url]).start();
    const after = await snapshot(target, ctx);
    assert.deepEqual(after, before);
    // The offset signed by the SQLite server continues on PostgreSQL.
    const next = await target.req('GET', `${P}?pageSize=7&offset=${encodeURIComponent(offsetBefore)}`, { token: owner.token });
    assert.equal(next.status, 200, JSON.stringify(next.body));
    assert.deepEqual(next.body.records.map((r) => r.id), before.Projects.slice(7, 14).map((r) => r.id));
    // The revoked token stays revoked; the second user still signs in with their password.
    assert.equal((await target.req('GET', '/v0/meta/whoami', { token: gone })).status, 401);
    await signIn(target, 'second@example.com', 'another password');
    // New writes continue the sequences: autoNumber after the largest, a new comment, a payload.
    const more = await target.req('POST', P, { token: owner.token, body: { fields: { Name: 'After the move' } } });
    assert.equal(more.status, 200, JSON.stringify(more.body));
    assert.equal(more.body.fields.Number, 91);
    assert.equal((await target.req('POST', `${P}/${made[0].id}/comments`, { token: commentsToken, body: { text: 'Third' } })).status, 200);
    const payloads = await target.req('GET', `/v0/bases/${base.id}/webhooks/${hook.body.id}/payloads`, { token: hooksToken });
    assert.equal(payloads.body.payloads.length, before.payloads.payloads.length + 1);
    assert.equal(payloads.body.cursor, before.payloads.cursor + 1);

    // A second migration into a database that holds data is refused and changes nothing.
    const again = migrate(dir, url);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /the destination already holds data/);
  } finally {
    await source.stop();
    await target?.stop();
    source.cleanup();
    dropDatabase(url);
  }
});

test('migrate refuses what is not a data directory, and a store it cannot reach', { skip }, async () => {
  const missing = migrate('/nonexistent/airbase-data', 'postgres://nobody@127.0.0.1:1/none');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no airbase data directory at \/nonexistent\/airbase-data/);
  const dir = Server.freshDataDir();
  makeOwner(dir);
  try {
    const unreachable = migrate(dir, 'postgres://nobody@127.0.0.1:1/none');
    assert.equal(unreachable.status, 1);
    assert.match(unreachable.stderr, /cannot connect to PostgreSQL/);
  } finally {
    new Server(dir).cleanup();
  }
});
