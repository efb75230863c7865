// Three airbase servers on one PostgreSQL database behind a real haproxy (Debian's package,
// started here on free ports): any server answers any request, what one server writes or changes
// the others see on their very next request, a webhook is pinged once, and a server killed with
// SIGKILL under load loses no acknowledged write and duplicates none while the other two serve.
// Runs with AIRBASE_TEST_STORE=postgres (scripts/test.sh's second pass); skipped on SQLite, whose
// data directory belongs to one server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Server, STORE, makeOwner, createBase, cli, signIn, AUTH_401 } from './harness.mjs';

const skip = STORE !== 'postgres' && 'a fleet shares a PostgreSQL store (AIRBASE_TEST_STORE=postgres)';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

// haproxy in front of `servers`: round robin per request, health checks every 100 ms, a
// connection refused by a dead server retried on another (never a request already sent).
async function startBalancer(servers) {
  const dir = mkdtempSync(path.join(tmpdir(), 'airbase-haproxy-'));
  const port = await freePort();
  const config = [
    'global', '  maxconn 2000',
    'defaults', '  mode http', '  timeout connect 2s', '  timeout client 30s', '  timeout server 30s',
    '  retries 3', '  option redispatch', '  option http-server-close',
    'frontend airbase', `  bind 127.0.0.1:${port}`, '  default_backend fleet',
    'backend fleet', '  balance roundrobin', '  option httpchk GET /healthz',
    '  default-server inter 100ms fall 1 rise 2',
    ...servers.map((s, i) => `  server s${i} 127.0.0.1:${s.port} check`),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'haproxy.cfg'), config);
  const proc = spawn('haproxy', ['-db', '-f', path.join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url + '/healthz')).status === 200) break;
    } catch { /* not listening yet */ }
    if (proc.exitCode !== null) throw new Error('haproxy exited: ' + log);
    await sleep(50);
  }
  return { url, port, stop: () => { proc.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); } };
}

let dir, owner, servers, lb, base;

before(async () => {
  if (skip) return;
  dir = Server.freshDataDir();
  owner = makeOwner(dir);
  servers = [];
  for (let i = 0; i < 3; i++) servers.push(await new Server(dir).start());
  lb = await startBalancer(servers);
  base = await createBase(servers[0], owner.token, owner.workspaceId, 'Fleet', [
    { name: 'Items', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'N', type: 'number', options: { precision: 0 } }] },
  ]);
});

after(async () => {
  if (skip) return;
  lb?.stop();
  for (const s of servers) await s.stop();
  servers[0].cleanup();
});

const via = (url) => async (method, p, body, token = owner.token) => {
  const res = await fetch(url + p, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, body: json };
};

test('a write through one server is read through the others at once, and through the balancer', { skip }, async () => {
  const T = `/v0/${base.id}/Items`;
  const made = await servers[0].req('POST', T, { token: owner.token, body: { fields: { Name: 'from s0', N: 1 } } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  for (const s of servers.slice(1)) {
    const got = await s.req('GET', `${T}/${made.body.id}`, { token: owner.token });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.fields, { Name: 'from s0', N: 1 });
  }
  const edit = await servers[1].req('PATCH', `${T}/${made.body.id}`, { token: owner.token, body: { fields: { N: 2 } } });
  assert.equal(edit.status, 200);
  // Through the balancer every request lands on some server; all of them answer the same.
  const r = via(lb.url);
  for (let i = 0; i < 6; i++) {
    const got = await r('GET', `${T}/${made.body.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.fields.N, 2);
  }
  // List offsets are signed with the key in the database: a page from one server continues on another.
  for (let i = 0; i < 5; i++) assert.equal((await servers[2].req('POST', T, { token: owner.token, body: { fields: { Name: `p${i}` } } })).status, 200);
  const first = await servers[0].req('GET', `${T}?pageSize=2`, { token: owner.token });
  assert.ok(first.body.offset, JSON.stringify(first.body));
  const next = await servers[1].req('GET', `${T}?pageSize=2&offset=${encodeURIComponent(first.body.offset)}`, { token: owner.token });
  assert.equal(next.status, 200, JSON.stringify(next.body));
  assert.equal(next.body.records.length, 2);
  assert.notDeepEqual(next.body.records.map((x) => x.id), first.body.records.map((x) => x.id));
});

test('a schema change through one server is seen by the next request to another', { skip }, async () => {
  const t = await servers[0].req('POST', `/v0/meta/bases/${base.id}/tables`, { token: owner.token, body: {
    name: 'Later', fields: [{ name: 'Title', type: 'singleLineText' }],
  } });
  assert.equal(t.status, 200, JSON.stringify(t.body));
  const f = await servers[0].req('POST', `/v0/meta/bases/${base.id}/tables/${t.body.id}/fields`, { token: owner.token, body: { name: 'Due', type: 'date', options: { dateFormat: { name: 'iso' } } } });
  assert.equal(f.status, 200, JSON.stringify(f.body));
  const w = await servers[1].req('POST', `/v0/${base.id}/Later`, { token: owner.token, body: { fields: { Title: 'x', Due: '2026-12-03' } } });
  assert.equal(w.status, 200, JSON.stringify(w.body));
  const schema = await servers[2].req('GET', `/v0/meta/bases/${base.id}/tables`, { token: owner.token });
  const later = schema.body.tables.find((x) => x.id === t.body.id);
  assert.deepEqual(later.fields.map((x) => x.name), ['Title', 'Due']);
  const rename = await servers[2].req('PATCH', `/v0/meta/bases/${base.id}/tables/${t.body.id}/fields/${f.body.id}`, { token: owner.token, body: { name: 'Deadline' } });
  assert.equal(rename.status, 200, JSON.stringify(rename.body));
  const read = await servers[0].req('GET', `/v0/${base.id}/Later/${w.body.id}`, { token: owner.token });
  assert.deepEqual(read.body.fields, { Title: 'x', Deadline: '2026-12-03' });
});

test('a token revoked through one server is refused by every server on its next request', { skip }, async () => {
  const token = cli(dir, ['token', 'create', '--user', owner.email, '--name', 'short-lived', '--scope', 'data.records:read']);
  const T = `/v0/${base.id}/Items`;
  for (const s of servers) assert.equal((await s.req('GET', T, { token })).status, 200);  // cached everywhere
  const session = await signIn(servers[1], owner.email, 'correct horse battery');
  const id = token.split('.')[0];
  const gone = await fetch(`${servers[1].url}/api/tokens/${id}`, { method: 'DELETE', headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf } });
  assert.equal(gone.status, 200, await gone.text());
  for (const s of servers) {
    const res = await s.req('GET', T, { token });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, AUTH_401);
  }
});

test('a webhook is pinged once for a write, whichever server made it', { skip }, async () => {
  cli(dir, ['settings', 'set', '--key', 'outbound.allowPrivateAddresses', '--value', 'true']);
  const pings = [];
  const receiver = http.createServer((req, res) => { pings.push(req.url); res.end(); });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const hooks = cli(dir, ['token', 'create', '--user', owner.email, '--name', 'hooks', '--scope', 'webhook:manage',
    '--scope', 'data.records:read']);
  try {
    const hook = await servers[2].req('POST', `/v0/bases/${base.id}/webhooks`, { token: hooks, body: {
      notificationUrl: `http://127.0.0.1:${receiver.address().port}/hook`,
      specification: { options: { filters: { dataTypes: ['tableData'] } } },
    } });
    assert.equal(hook.status, 200, JSON.stringify(hook.body));
    const made = await servers[0].req('POST', `/v0/${base.id}/Items`, { token: owner.token, body: { fields: { Name: 'hooked' } } });
    assert.equal(made.status, 200);
    const deadline = Date.now() + 10000;
    while (pings.length === 0 && Date.now() < deadline) await sleep(50);
    await sleep(1500);  // time for a second ping, were one coming
    assert.deepEqual(pings, ['/hook']);
    // The payload is there for a client asking any server.
    const payloads = await servers[1].req('GET', `/v0/bases/${base.id}/webhooks/${hook.body.id}/payloads`, { token: hooks });
    assert.equal(payloads.status, 200);
    assert.equal(payloads.body.payloads.length, 1);
  } finally {
    receiver.close();
    cli(dir, ['settings', 'set', '--key', 'outbound.allowPrivateAddresses', '--value', 'false']);
  }
});

test('a server killed under load loses no acknowledged write and duplicates none; the others serve on', { skip }, async () => {
  const t = await servers[0].req('POST', `/v0/meta/bases/${base.id}/tables`, { token: owner.token, body: {
    name: 'Load', fields: [{ name: 'Key', type: 'singleLineText' }],
  } });
  assert.equal(t.status, 200, JSON.stringify(t.body));
  const T = `/v0/${base.id}/Load`;
  const r = via(lb.url);
  const acked = new Set();
  const sent = [];
  let failed = 0;
  let n = 0;
  let killed = false;
  const writer = async () => {
    while (n < 600) {
      const key = `k${n++}`;
      sent.push(key);
      try {
        const res = await r('POST', T, { records: [{ fields: { Key: key } }] });
        if (res.status === 200) acked.add(key); else failed++;
      } catch { failed++; }
      if (n >= 200 && !killed) {
        killed = true;
        servers[1].proc.kill('SIGKILL');
      }
    }
  };
  await Promise.all([writer(), writer(), writer(), writer()]);
  await servers[1].exited;
  assert.match(servers[1].log, /POST \/v0\/app\w+\/Load/, 'the killed server was not taking writes');
  // Every acknowledged key is stored exactly once; nothing unknown was stored.
  const seen = new Map();
  let offset;
  do {
    const page = await servers[0].req('GET', `${T}?pageSize=100${offset ? `&offset=${encodeURIComponent(offset)}` : ''}`, { token: owner.token });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    for (const rec of page.body.records) seen.set(rec.fields.Key, (seen.get(rec.fields.Key) || 0) + 1);
    offset = page.body.offset;
  } while (offset);
  for (const key of acked) assert.equal(seen.get(key), 1, `acknowledged ${key} stored ${seen.get(key) || 0} times`);
  for (const [key, count] of seen) {
    assert.equal(count, 1, `${key} stored ${count} times`);
    assert.ok(sent.includes(key));
  }
  assert.ok(acked.size >= 590, `only ${acked.size} of 600 writes were acknowledged (${failed} failed)`);
  // The two left keep serving through the balancer.
  for (let i = 0; i < 10; i++) assert.equal((await r('GET', `${T}?pageSize=1`)).status, 200);
  servers.splice(1, 1);
});

test('rate limits count across the fleet: 5 requests/s per base whichever server each reaches', { skip }, async () => {
  const other = await createBase(servers[0], owner.token, owner.workspaceId, 'Limited', [
    { name: 'Items', fields: [{ name: 'Name', type: 'singleLineText' }] },
  ]);
  const limited = [];
  try {
    for (let i = 0; i < 3; i++) limited.push(await new Server(dir, ['--rate-limits', 'on']).start());
    const T = `/v0/${other.id}/Items`;
    const statuses = [];
    // 12 requests, each server getting every third: 4 apiece, so only a shared count reaches 6.
    for (let i = 0; i < 12; i++) {
      const res = await limited[i % 3].req('GET', T, { token: owner.token });
      statuses.push(res.status);
      if (res.status === 429) {
        assert.equal(res.body.error.type, 'RATE_LIMIT_REACHED');
        assert.ok(Number(res.headers.get('retry-after')) > 0);
      }
    }
    assert.ok(statuses.includes(429), `no server refused: ${statuses}`);
    assert.equal(statuses.slice(0, 5).filter((s) => s === 200).length, 5, `${statuses}`);
    // The penalty is the base's, on every server.
    for (const s of limited) assert.equal((await s.req('GET', T, { token: owner.token })).status, 429);
    // Another base is not limited by it.
    assert.equal((await limited[0].req('GET', `/v0/${base.id}/Items?pageSize=1`, { token: owner.token })).status, 200);
  } finally {
    for (const s of limited) await s.stop();
  }
});
