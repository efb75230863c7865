// The server itself: limits answered with clear errors, CORS preflight, rate limits, access logs
// without tokens, graceful shutdown, and durability of acknowledged writes across SIGKILL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdirSync, existsSync, copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { Server, STORE, BIN, storeArgs, makeOwner, createBase, cliResult } from './harness.mjs';

async function setup(extra = []) {
  const dir = Server.freshDataDir();
  const owner = makeOwner(dir);
  const server = await new Server(dir, extra).start();
  const base = await createBase(server, owner.token, owner.workspaceId, 'S', [
    { name: 'Items', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'N', type: 'number' }] },
  ]);
  return { server, owner, base, T: `/v0/${base.id}/Items` };
}

// Sends raw bytes and returns the raw response text.
function raw(port, data) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let out = '';
    sock.on('data', (d) => { out += d; });
    sock.on('end', () => resolve(out));
    sock.on('error', reject);
    sock.write(data);
    setTimeout(() => { sock.end(); }, 1500);
  });
}

test('limits: body size, URL length, header size, malformed HTTP', async () => {
  const { server, owner, T } = await setup();
  try {
    const big = JSON.stringify({ fields: { Name: 'x'.repeat(17 * 1024 * 1024) } });
    const res = await fetch(server.url + T, { method: 'POST', headers: { Authorization: `Bearer ${owner.token}`, 'Content-Type': 'application/json' }, body: big }).catch((e) => e);
    if (res instanceof Error) {
      // The server may close before the client finishes sending; then the raw answer is checked.
    } else {
      assert.equal(res.status, 413);
      assert.equal((await res.json()).error.type, 'REQUEST_TOO_LARGE');
    }
    const rawBig = await raw(server.port, `POST ${T} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${17 * 1024 * 1024}\r\n\r\n{`);
    assert.match(rawBig, /^HTTP\/1\.1 413/);

    const longUrl = await server.req('GET', `${T}?filterByFormula=${'x'.repeat(16100)}`, { token: owner.token });
    assert.equal(longUrl.status, 422);
    assert.match(longUrl.body.error.message, /16000/);

    const hugeHeader = await raw(server.port, `GET ${T} HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(40000)}\r\n\r\n`);
    assert.match(hugeHeader, /^HTTP\/1\.1 431/);

    const garbage = await raw(server.port, 'THIS IS NOT HTTP\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400/);

    // The server is still healthy afterwards.
    assert.equal((await server.req('GET', T, { token: owner.token })).status, 200);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('CORS preflight and JSON content type', async () => {
  const { server, owner, T } = await setup();
  try {
    const pre = await fetch(server.url + T, { method: 'OPTIONS', headers: { Origin: 'http://x', 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'authorization,content-type' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    assert.match(pre.headers.get('access-control-allow-headers'), /authorization/);
    const res = await fetch(server.url + T, { headers: { Authorization: `Bearer ${owner.token}`, 'Content-Type': 'application/json' } });
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    // A bodiless GET carrying Content-Type: application/json is fine, and keep-alive is the default.
    assert.equal(res.status, 200);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('rate limits, when on: 5 requests/s per base, then 429 with Retry-After', async () => {
  const { server, owner, T } = await setup(['--rate-limits', 'on']);
  try {
    // Wait for the start of a fresh second so the burst falls in one window.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    const statuses = [];
    let limited;
    for (let i = 0; i < 7; i++) {
      const res = await server.req('GET', T, { token: owner.token });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    assert.equal(statuses[5], 429);
    assert.deepEqual(limited.body, { error: { type: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' } });
    assert.equal(limited.headers.get('retry-after'), '30');
    // Other endpoints outside the base are counted per user (50/s), so whoami still works.
    assert.equal((await server.req('GET', '/v0/meta/whoami', { token: owner.token })).status, 200);
    // Every refusal is counted in /metrics.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const refused = /^airbase_rate_limit_refusals_total (\S+)$/m.exec(metrics);
    assert.equal(Number(refused?.[1]), statuses.filter((s) => s === 429).length);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('the access log never contains a token, and SIGTERM drains in-flight requests', async () => {
  const { server, owner, T } = await setup();
  const inflight = Array.from({ length: 20 }, (_, i) => server.req('POST', T, { token: owner.token, body: { fields: { Name: `n${i}` } } }));
  const results = await Promise.all(inflight);
  const slow = server.req('GET', T, { token: owner.token });
  const exit = server.stop('SIGTERM');
  const last = await slow.catch((e) => e);
  const { code } = await exit;
  assert.equal(code, 0, server.log);
  assert.ok(results.every((r) => r.status === 200));
  if (!(last instanceof Error)) assert.equal(last.status, 200);
  assert.ok(server.log.includes('POST /v0/'), 'requests are logged');
  assert.ok(!server.log.includes(owner.token.split('.')[1]), 'no secret in the log');
  assert.ok(!server.log.includes(owner.token.split('.')[0]), 'no token id in the log');
  assert.match(server.log, /shutting down/);
  server.cleanup();
});

test('every acknowledged write survives SIGKILL', async () => {
  const { server, owner, base, T } = await setup();
  const acked = [];
  let stop = false;
  const writer = async (w) => {
    let i = 0;
    while (!stop) {
      const res = await server.req('POST', T, { token: owner.token, body: { records: [{ fields: { Name: `w${w}-${i}`, N: i } }, { fields: { Name: `w${w}-${i}b` } }] } }).catch(() => null);
      if (!res) return;
      if (res.status === 200) acked.push(...res.body.records.map((r) => r.id));
      i++;
    }
  };
  const writers = [0, 1, 2, 3].map(writer);
  await new Promise((r) => setTimeout(r, 1500));
  server.proc.kill('SIGKILL');
  stop = true;
  await Promise.all(writers);
  await server.exited;
  assert.ok(acked.length > 50, `only ${acked.length} writes were acknowledged`);

  const again = await new Server(server.dataDir).start();
  try {
    const seen = new Set();
    let offset;
    do {
      const q = offset ? `?offset=${encodeURIComponent(offset)}` : '';
      const res = await again.req('GET', `/v0/${base.id}/Items${q}`, { token: owner.token });
      assert.equal(res.status, 200);
      res.body.records.forEach((r) => seen.add(r.id));
      offset = res.body.offset;
    } while (offset);
    const lost = acked.filter((id) => !seen.has(id));
    assert.deepEqual(lost, []);
  } finally {
    await again.stop();
    again.cleanup();
  }
});

test('connection limit answers 503 RETRIABLE_ERROR; idle connections time out', async () => {
  const { server, owner, T } = await setup(['--max-connections', '2', '--idle-timeout', '1']);
  try {
    // Let the idle timeout close the set-up's keep-alive connections first.
    await new Promise((r) => setTimeout(r, 1600));
    const open = () => new Promise((resolve) => {
      const s = net.connect(server.port, '127.0.0.1', () => resolve(s));
      s.gone = new Promise((done) => s.on('close', () => done(true)));
      s.on('error', () => {});
    });
    const a = await open();
    const b = await open();
    await new Promise((r) => setTimeout(r, 100));
    const third = await raw(server.port, `GET ${T} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(third, /^HTTP\/1\.1 503/);
    assert.match(third, /RETRIABLE_ERROR/);
    // The idle ones are closed by the server after the idle timeout, which frees the slots.
    const both = await Promise.race([Promise.all([a.gone, b.gone]), new Promise((r) => setTimeout(() => r(false), 4000))]);
    assert.ok(both, 'idle connections were not closed');
    assert.equal((await server.req('GET', T, { token: owner.token })).status, 200);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('GET /healthz answers without a token and tells nothing else', async () => {
  const { server } = await setup();
  try {
    const res = await server.req('GET', '/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
    assert.equal((await server.req('POST', '/healthz')).status, 404);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('on PostgreSQL, airbase backup refuses and names pg_dump', { skip: STORE !== 'postgres' }, async () => {
  const { server } = await setup();
  try {
    const file = path.join(Server.freshDataDir(), 'backup.db');
    const done = cliResult(server.dataDir, ['backup', '--to', file]);
    assert.equal(done.status, 1);
    assert.match(done.stderr, /backed up with pg_dump/);
    assert.ok(!existsSync(file));
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('airbase backup copies a running server\'s data; the copy serves the same records', { skip: STORE !== 'sqlite' }, async () => {
  const { server, owner, base, T } = await setup();
  const copyDir = Server.freshDataDir();
  try {
    const made = await server.req('POST', T, { token: owner.token, body: { records: [{ fields: { Name: 'kept', N: 1 } }, { fields: { Name: 'also kept', N: 2 } }] } });
    assert.equal(made.status, 200);
    const file = path.join(copyDir, 'backup.db');
    // Writes keep going while the backup runs; the copy is one consistent snapshot.
    let stop = false;
    const writer = (async () => { while (!stop) await server.req('POST', T, { token: owner.token, body: { fields: { Name: 'during' } } }); })();
    const done = cliResult(server.dataDir, ['backup', '--to', file]);
    stop = true;
    await writer;
    assert.equal(done.status, 0, done.stderr);
    assert.ok(existsSync(file));
    assert.notEqual(cliResult(server.dataDir, ['backup', '--to', file]).status, 0, 'an existing file is never overwritten');

    const restored = path.join(copyDir, 'restored');
    mkdirSync(restored);
    copyFileSync(file, path.join(restored, 'airbase.db'));
    const again = await new Server(restored).start();
    try {
      const list = await again.req('GET', `/v0/${base.id}/Items?filterByFormula=${encodeURIComponent('{N} > 0')}&sort[0][field]=N`, { token: owner.token });
      assert.equal(list.status, 200, JSON.stringify(list.body));
      assert.deepEqual(list.body.records.map((r) => r.fields.Name), ['kept', 'also kept']);
    } finally {
      await again.stop();
    }
  } finally {
    await server.stop();
    server.cleanup();
    rmSync(copyDir, { recursive: true, force: true });
  }
});

test('--help and --version print and exit 0; every serve flag can come from its AIRBASE_* variable', async () => {
  const version = execFileSync(BIN, ['--version'], { encoding: 'utf8' });
  assert.match(version, /^airbase \d+\.\d+\.\d+ \(stores: sqlite \(SQLite 3\.[\d.]+\), postgres \(libpq \d+\.\d+\)\)\n$/);
  const all = execFileSync(BIN, ['--help'], { encoding: 'utf8' });
  assert.match(all, /^usage: airbase <command>/);
  const token = execFileSync(BIN, ['token', '--help'], { encoding: 'utf8' });
  assert.match(token, /token revoke/);
  assert.doesNotMatch(token, /serve|workspace create/);
  assert.match(execFileSync(BIN, ['serve', '--help'], { encoding: 'utf8' }), /--store-connections N/);

  const dir = Server.freshDataDir();
  makeOwner(dir);
  // The store, address and access log from the environment alone.
  const args = storeArgs(dir);
  const env = { ...process.env, AIRBASE_DATA: dir, AIRBASE_LISTEN: '127.0.0.1:0', AIRBASE_ACCESS_LOG: 'off', AIRBASE_THREADS: '1' };
  if (args.includes('--store')) env.AIRBASE_STORE = args[args.indexOf('--store') + 1];
  const proc = spawn(BIN, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  try {
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no start: ' + out)), 10000);
      proc.stdout.on('data', (d) => {
        out += d;
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+) \((data|store): ([^,]+),/.exec(out);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
      proc.stderr.on('data', (d) => { out += d; });
    });
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    await new Promise((r) => setTimeout(r, 200));
    assert.doesNotMatch(out, /GET \/healthz/, 'AIRBASE_ACCESS_LOG=off was not read');
    if (STORE === 'postgres') assert.match(out, /\(store: postgres:\/\//);
    else assert.ok(out.includes(`(data: ${dir},`), out);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.on('exit', r));
    new Server(dir).cleanup();
  }
});

// GET /metrics in Prometheus' text format (no token), and access logs as JSON lines that name
// the route pattern and base, never the path, the query string or the token.
test('/metrics counts requests by route and status; --access-log json writes one object a line', async () => {
  const { server, owner, base, T } = await setup(['--access-log', 'json']);
  try {
    assert.equal((await server.req('POST', T, { token: owner.token, body: { fields: { Name: 'a' } } })).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await server.req('GET', `${T}?secretQuery=1`, { token: owner.token })).status, 200);
    assert.equal((await server.req('GET', T, { token: 'patNOPE.nope' })).status, 401);
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const text = await res.text();

    const value = (re) => { const m = re.exec(text); return m ? Number(m[1]) : undefined; };
    assert.equal(value(/airbase_http_requests_total\{method="GET",route="\/v0\/\{app\}\/\+",status="200"\} (\S+)/), 3);
    assert.equal(value(/airbase_http_requests_total\{method="GET",route="\/v0\/\{app\}\/\+",status="401"\} (\S+)/), 1);
    assert.equal(value(/airbase_http_requests_total\{method="POST",route="\/v0\/\{app\}\/\+",status="200"\} (\S+)/), 1);
    assert.equal(value(/airbase_http_request_duration_seconds_count\{route="\/v0\/\{app\}\/\+"\} (\S+)/), 5);
    assert.equal(value(/^airbase_http_requests_in_flight (\S+)$/m), 1);  // this scrape
    assert.ok(!text.includes(base.id), 'no base ids or paths in the metrics');
    // Read at the scrape: the store's pool and the webhook ping queue.
    assert.ok(value(/^airbase_store_connections_open (\S+)$/m) >= 1);
    assert.ok(value(/^airbase_store_connections_in_use (\S+)$/m) >= 0);
    assert.equal(value(/^airbase_store_connection_timeouts_total (\S+)$/m), 0);
    assert.ok(value(/^airbase_store_connection_wait_seconds_total (\S+)$/m) >= 0);
    assert.equal(value(/^airbase_webhook_pings_queued (\S+)$/m), 0);
    assert.equal(value(/^airbase_webhook_pings_due (\S+)$/m), 0);

    await server.stop();
    const lines = server.log.split('\n').filter((l) => l.startsWith('{'));
    const logged = lines.map((l) => JSON.parse(l));
    const reads = logged.filter((l) => l.method === 'GET' && l.route === '/v0/{app}/+');
    assert.equal(reads.length, 4);
    for (const l of reads) {
      assert.equal(l.base, base.id);
      assert.ok(Number.isInteger(l.duration_us) && l.bytes > 0 && !Number.isNaN(Date.parse(l.time)));
    }
    assert.ok(!server.log.includes('secretQuery') && !server.log.includes(owner.token) && !server.log.includes('patNOPE'));
  } finally {
    await server.stop();
    server.cleanup();
  }
});

// --metrics-listen moves /metrics to an address of its own (which serves nothing else), and
// --store-connections caps the connections the server opens, whatever the load.
test('--metrics-listen serves /metrics on its own port; --store-connections caps the pool', async () => {
  const { server, owner, T } = await setup(['--metrics-listen', '127.0.0.1:0', '--store-connections', '3']);
  try {
    const m = /airbase metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(server.log);
    assert.ok(m, server.log);
    const metricsUrl = `http://127.0.0.1:${m[1]}`;
    const here = await (await fetch(`${server.url}/metrics`)).text();  // the web app's page, if any
    assert.ok(!here.includes('airbase_http_requests_total'), 'no metrics on the API listener');
    assert.equal((await fetch(`${metricsUrl}${T}`, { headers: { Authorization: `Bearer ${owner.token}` } })).status, 404);
    const lists = await Promise.all(Array.from({ length: 24 }, () => server.req('GET', T, { token: owner.token })));
    assert.deepEqual([...new Set(lists.map((r) => r.status))], [200]);
    const res = await fetch(`${metricsUrl}/metrics?x=1`);
    assert.equal(res.status, 200);
    const text = await res.text();
    const value = (re) => { const v = re.exec(text); return v ? Number(v[1]) : undefined; };
    assert.equal(value(/airbase_http_requests_total\{method="GET",route="\/v0\/\{app\}\/\+",status="200"\} (\S+)/), 24);
    assert.equal(value(/^airbase_store_connections_max (\S+)$/m), 3);
    const open = value(/^airbase_store_connections_open (\S+)$/m);
    assert.ok(open >= 1 && open <= 3, `open connections: ${open}`);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

// --metrics-listen off: no address serves the metrics, and the server says so at start.
test('--metrics-listen off serves /metrics nowhere', async () => {
  const { server, owner, T } = await setup(['--metrics-listen', 'off']);
  try {
    assert.equal((await server.req('GET', T, { token: owner.token })).status, 200);
    assert.ok(!/airbase metrics on/.test(server.log), server.log);
    const here = await (await fetch(`${server.url}/metrics`)).text();
    assert.ok(!here.includes('airbase_http_requests_total'), 'no metrics on the API listener');
  } finally {
    await server.stop();
    server.cleanup();
  }
});
