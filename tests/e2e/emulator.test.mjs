// airbase as Airtable in a test suite: `serve --ephemeral` (its own data directory, removed at
// exit; fixtures with their ids; a given or written token) and the control API of `--control`
// (reset, the request log, injected faults), observed through real clients: airtable.js retries
// a 429 storm and surfaces a 503; the README's JavaScript recipe runs as written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { BIN } from './harness.mjs';

const require = createRequire(import.meta.url);
const Airtable = require('airtable');

const dir = mkdtempSync(path.join(tmpdir(), 'airbase-emulator-'));
const BASE = 'appEmulated000001';
const TASKS = 'tblEmulTasks00001';
const fixture = {
  format: 'airbase.base', version: 1,
  base: { id: BASE, name: 'Emulated' },
  tables: [{
    id: TASKS, name: 'Tasks', primaryFieldId: 'fldEmulName000001',
    fields: [{ id: 'fldEmulName000001', name: 'Name', type: 'singleLineText' }, { id: 'fldEmulDone000001', name: 'Done', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } }],
    views: [{ id: 'viwEmulGrid000001', name: 'Grid view', type: 'grid' }],
    records: [
      { id: 'recEmulFirst00001', createdTime: '2026-01-01T00:00:00.000Z', fields: { Name: 'first', Done: true },
        comments: [{ id: 'comEmulFirst00001', authorId: 'usrEmulAuthor0001', text: 'a fixture comment', createdTime: '2026-01-01T00:00:01.000Z' }] },
      { id: 'recEmulSecond0001', createdTime: '2026-01-01T00:00:02.000Z', fields: { Name: 'second' } },
    ],
  }],
};
const fixturePath = path.join(dir, 'base.json');
writeFileSync(fixturePath, JSON.stringify(fixture));
const FIXED = 'patEmulatedToken0.' + 'ab'.repeat(32);

// Starts `airbase serve --ephemeral ...`: {proc, url, lines, dataDir, readyMs, stop()}.
async function start(args) {
  const t0 = performance.now();
  const proc = spawn(BIN, ['serve', '--ephemeral', '--listen', '127.0.0.1:0', '--threads', '2', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  const url = await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on (http:\S+)/.exec(out);
      if (m && /ready in/.test(out)) { clearInterval(timer); resolve(m[1]); }
    }, 5);
    exited.then(() => { clearInterval(timer); reject(new Error('exited: ' + out)); });
  });
  const readyMs = performance.now() - t0;
  return {
    proc, url, readyMs, output: () => out,
    dataDir: /\(data: (\S+),/.exec(out)[1],
    stop: async () => { proc.kill('SIGTERM'); return exited; },
  };
}

let emu, token;
const req = async (method, p, body, tok = token) => {
  const res = await fetch(emu.url + p, {
    method, headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
};
const control = (method, what, body) => req(method, `/_airbase/${what}`, body, '');
const client = (opts = {}) => new Airtable({ apiKey: token, endpointUrl: emu.url, ...opts }).base(BASE)('Tasks');

before(async () => {
  emu = await start(['--control', '--fixture', fixturePath, '--token-file', path.join(dir, 'token.txt')]);
  token = readFileSync(path.join(dir, 'token.txt'), 'utf8').trim();
});
after(async () => { await emu?.stop(); rmSync(dir, { recursive: true, force: true }); });

test('an ephemeral server holds the fixture with its ids, the written token, in a data directory of its own', async (t) => {
  t.diagnostic(`ready in ${Math.round(emu.readyMs)} ms from spawn (the server says: ${/ready in (\d+) ms/.exec(emu.output())[1]} ms)`);
  assert.match(token, /^pat[A-Za-z0-9]{14}\.[0-9a-f]{64}$/, 'a new token written to the token file');
  assert.match(emu.dataDir, /airbase-ephemeral-\w+\/data$/);
  const rec = await req('GET', `/v0/${BASE}/Tasks/recEmulFirst00001`);
  assert.equal(rec.status, 200, JSON.stringify(rec.body));
  assert.deepEqual(rec.body, { id: 'recEmulFirst00001', createdTime: '2026-01-01T00:00:00.000Z', fields: { Name: 'first', Done: true } });
  const who = await req('GET', '/v0/meta/whoami');
  assert.equal(who.body.email, 'test@airbase.local');
});

test('a token file that holds a token is the token accepted; the directory goes at exit', async () => {
  const file = path.join(dir, 'fixed.txt');
  writeFileSync(file, FIXED + '\n');
  const other = await start(['--fixture', fixturePath, '--token-file', file]);
  try {
    const res = await fetch(`${other.url}/v0/${BASE}/Tasks`, { headers: { Authorization: `Bearer ${FIXED}` } });
    assert.equal(res.status, 200);
    assert.equal(readFileSync(file, 'utf8'), FIXED + '\n', 'the file is left as it was');
    const noControl = await fetch(`${other.url}/_airbase/reset`, { method: 'POST' });
    assert.equal(noControl.status, 404, 'no control API without --control');
    assert.ok(existsSync(other.dataDir));
  } finally {
    assert.equal(await other.stop(), 0);
  }
  assert.ok(!existsSync(path.dirname(other.dataDir)), 'the ephemeral directory is removed at exit');
});

test('--control, --fixture and --token-file need --ephemeral; --ephemeral takes no --data', () => {
  for (const [args, re] of [
    [['serve', '--control', '--data', dir], /need --ephemeral/],
    [['serve', '--fixture', fixturePath, '--data', dir], /need --ephemeral/],
    [['serve', '--ephemeral', '--data', dir], /drop --data and --store/],
    [['serve', '--ephemeral', '--fixture', path.join(dir, 'missing.json'), '--listen', '127.0.0.1:0'], /fixture .*missing.json: cannot open/],
  ]) {
    const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 10000 });
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, re);
  }
});

test('reset brings back records, schema, comments and webhooks, and clears the log and faults', async (t) => {
  assert.equal((await req('POST', `/v0/${BASE}/Tasks`, { fields: { Name: 'added' } })).status, 200);
  assert.equal((await req('PATCH', `/v0/${BASE}/Tasks/recEmulFirst00001`, { fields: { Name: 'changed' } })).status, 200);
  assert.equal((await req('DELETE', `/v0/${BASE}/Tasks/recEmulSecond0001`)).status, 200);
  assert.equal((await req('POST', `/v0/meta/bases/${BASE}/tables/${TASKS}/fields`, { name: 'Extra', type: 'number', options: { precision: 0 } })).status, 200);
  assert.equal((await req('POST', `/v0/${BASE}/Tasks/recEmulFirst00001/comments`, { text: 'new comment' })).status, 200);
  assert.equal((await req('POST', `/v0/bases/${BASE}/webhooks`, { specification: { options: { filters: { dataTypes: ['tableData'] } } } })).status, 200);
  assert.equal((await control('POST', 'faults', { route: '/nowhere', kind: '500' })).status, 200);

  const r = await control('POST', 'reset');
  assert.equal(r.status, 200);
  assert.equal(r.body.reset, true);
  t.diagnostic(`reset took ${r.body.ms.toFixed(1)} ms`);
  const list = await req('GET', `/v0/${BASE}/Tasks`);
  assert.deepEqual(list.body.records.map((x) => [x.id, x.fields.Name]), [['recEmulFirst00001', 'first'], ['recEmulSecond0001', 'second']]);
  const schema = await req('GET', `/v0/meta/bases/${BASE}/tables`);
  assert.deepEqual(schema.body.tables[0].fields.map((f) => f.name), ['Name', 'Done']);
  const comments = await req('GET', `/v0/${BASE}/Tasks/recEmulFirst00001/comments`);
  assert.deepEqual(comments.body.comments.map((c) => c.text), ['a fixture comment']);
  assert.deepEqual((await req('GET', `/v0/bases/${BASE}/webhooks`)).body.webhooks, []);
  assert.deepEqual((await control('GET', 'faults')).body.faults, []);
  // Only the reads since the reset are in the log.
  const log = (await control('GET', 'requests')).body.requests;
  assert.deepEqual(log.map((e) => `${e.method} ${e.path}`), [
    `GET /v0/${BASE}/Tasks`, `GET /v0/meta/bases/${BASE}/tables`, `GET /v0/${BASE}/Tasks/recEmulFirst00001/comments`, `GET /v0/bases/${BASE}/webhooks`,
  ]);
  // The schema after a reset is the database's, not a cache of the one before it.
  assert.equal((await req('POST', `/v0/meta/bases/${BASE}/tables/${TASKS}/fields`, { name: 'Other', type: 'singleLineText' })).status, 200);
  const again = await req('GET', `/v0/meta/bases/${BASE}/tables`);
  assert.deepEqual(again.body.tables[0].fields.map((f) => f.name), ['Name', 'Done', 'Other']);
  await control('POST', 'reset');
});

test('the request log holds exactly what a client sent, and its answers', async () => {
  await control('POST', 'reset');
  await client().select({ filterByFormula: "{Name} = 'first'", fields: ['Name'], pageSize: 5 }).firstPage();
  await client().create([{ fields: { Name: 'from airtable.js' } }], { typecast: true });
  await req('GET', `/v0/${BASE}/Tasks/recNoSuchRecord00`);
  const log = (await control('GET', 'requests')).body.requests;
  assert.equal(log.length, 3);
  assert.equal(log[0].method, 'GET');
  assert.equal(log[0].path, `/v0/${BASE}/Tasks`);
  assert.equal(log[0].params.filterByFormula, "{Name} = 'first'");
  assert.equal(log[0].params['fields[]'], 'Name');
  assert.equal(log[0].params.pageSize, '5');
  assert.equal(log[0].status, 200);
  assert.equal(log[1].method, 'POST');
  assert.deepEqual(log[1].body, { records: [{ fields: { Name: 'from airtable.js' } }], typecast: true });
  assert.equal(log[2].status, 404);
  assert.ok(!JSON.stringify(log).includes(token.split('.')[1]), 'never a token');
  assert.equal((await control('DELETE', 'requests')).status, 200);
  assert.deepEqual((await control('GET', 'requests')).body.requests, []);
});

test('airtable.js survives a storm of 429s (it retries), and a 503 surfaces as its error', async () => {
  await control('POST', 'reset');
  const storm = await control('POST', 'faults', { route: `GET /v0/${BASE}/Tasks`, kind: '429', count: 5, retryAfter: 1 });
  assert.equal(storm.status, 200, JSON.stringify(storm.body));
  const pages = await Promise.all(Array.from({ length: 5 }, () => client().select().firstPage()));
  for (const page of pages) assert.deepEqual(page.map((r) => r.id), ['recEmulFirst00001', 'recEmulSecond0001']);
  const log = (await control('GET', 'requests')).body.requests;
  assert.deepEqual(log.map((e) => e.status).sort(), [200, 200, 200, 200, 200, 429, 429, 429, 429, 429]);
  assert.equal((await control('GET', 'faults')).body.faults[0].fired, 5);

  const raw = await req('GET', `/v0/${BASE}/Tasks`);
  assert.equal(raw.status, 200, 'the storm has passed');
  await control('POST', 'faults', { route: `GET /v0/${BASE}/Tasks`, kind: '429', count: 1, retryAfter: 7 });
  const limited = await req('GET', `/v0/${BASE}/Tasks`);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '7');
  assert.deepEqual(limited.body, { error: { type: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' } }, 'the body of airbase\'s own rate limit');

  await control('POST', 'faults', { route: `POST /v0/${BASE}/*`, kind: '503', count: 1 });
  await assert.rejects(client().create({ Name: 'x' }), (e) => e.statusCode === 503);
  const after503 = await client().create({ Name: 'y' });
  assert.equal(after503.get('Name'), 'y', 'the next request is answered');
  await control('POST', 'faults', { route: '*', kind: '500', count: 1 });
  await assert.rejects(client().find('recEmulFirst00001'), (e) => e.statusCode === 500);
});

test('latency delays, drop closes the connection, and a seeded rate repeats', async () => {
  await control('POST', 'reset');
  await control('POST', 'faults', { route: `GET /v0/${BASE}/Tasks/*`, kind: 'latency', latencyMs: 300, count: 1 });
  const t0 = performance.now();
  assert.equal((await req('GET', `/v0/${BASE}/Tasks/recEmulFirst00001`)).status, 200);
  assert.ok(performance.now() - t0 >= 290, 'the answer waited for the latency');
  await control('POST', 'faults', { route: `GET /v0/${BASE}/Tasks`, kind: 'drop', count: 1 });
  await assert.rejects(fetch(`${emu.url}/v0/${BASE}/Tasks`, { headers: { Authorization: `Bearer ${token}` } }), /fetch failed/);
  assert.equal((await req('GET', `/v0/${BASE}/Tasks`)).status, 200);
  const run = async () => {
    await control('POST', 'reset');
    await control('POST', 'faults', { route: `GET /v0/${BASE}/Tasks`, kind: '503', rate: 0.5, seed: 42 });
    const statuses = [];
    for (let i = 0; i < 20; ++i) statuses.push((await req('GET', `/v0/${BASE}/Tasks`)).status);
    return statuses;
  };
  const a = await run(), b = await run();
  assert.deepEqual(a, b, 'the same seed, the same faults');
  assert.ok(a.includes(200) && a.includes(503), a.join(','));
  const bad = await control('POST', 'faults', { route: 'GET /x', kind: 'explode' });
  assert.equal(bad.status, 422);
  assert.match(bad.body.error.message, /latency, 429, 500, 503 or drop/);
  assert.equal((await control('POST', 'faults', { route: 'x', kind: '500' })).status, 422);
  assert.equal((await control('POST', 'faults', { route: '/x', kind: '500', rate: 2 })).status, 422);
  await control('POST', 'reset');
});

test('the README recipe for a JavaScript suite runs as written', async () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## airbase in a test suite'));
  let code = /```js\n([\s\S]*?)```/.exec(section)[1];
  const suite = path.join(dir, 'suite');
  mkdirSync(path.join(suite, 'test', 'fixtures'), { recursive: true });
  symlinkSync(path.resolve('node_modules'), path.join(suite, 'node_modules'));
  writeFileSync(path.join(suite, 'test', 'fixtures', 'base.json'), JSON.stringify(fixture));
  code = code.replace("const BASE_ID = 'appXXXXXXXXXXXXXX';", `const BASE_ID = '${BASE}';`)
    .replace("spawn('airbase',", `spawn(${JSON.stringify(BIN)},`);
  assert.ok(code.includes(BASE) && code.includes(BIN), 'the recipe has the lines this test fills in');
  writeFileSync(path.join(suite, 'test', 'airtable.test.mjs'), code);
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;  // a test run of its own, not a subtest of this one
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'test/airtable.test.mjs'], { cwd: suite, env, encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /# pass 2/);
});
