// No request can starve the server (issue 8, items 1-3, 5, 7), over real sockets against the real
// binary: request deadlines, work stopped when the client hangs up, a slow request that does not
// hold up others, accept under descriptor exhaustion, shutdown that answers what it received, and
// one server per port and per data directory. Bounds are generous: these are not timing tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Server, BIN, STORE, storeArgs, makeOwner, createBase } from './harness.mjs';

// A filter that costs milliseconds of text work per record: with a few thousand records a full
// scan takes far longer than the deadlines used here.
const HEAVY = 'LEN(SUBSTITUTE(SUBSTITUTE(REPT({Name},20000),"a","bb"),"b","cc"))=1';

async function seed(server, token, T, n) {
  const batches = [];
  for (let i = 0; i < n; i += 10) {
    batches.push(Array.from({ length: Math.min(10, n - i) }, (_, j) => ({ fields: { Name: `abcdefghij ${i + j}` } })));
  }
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(batches.slice(i, i + 8).map(async (records) => {
      const r = await server.req('POST', T, { token, body: { records } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }));
  }
}

async function setup(extra, records = 0) {
  const dir = Server.freshDataDir();
  const owner = makeOwner(dir);
  const server = await new Server(dir, extra).start();
  const base = await createBase(server, owner.token, owner.workspaceId, 'A', [
    { name: 'Items', fields: [{ name: 'Name', type: 'singleLineText' }] },
  ]);
  const T = `/v0/${base.id}/Items`;
  if (records) await seed(server, owner.token, T, records);
  return { dir, server, owner, T };
}

const heavyUrl = (T) => `${T}?filterByFormula=${encodeURIComponent(HEAVY)}`;

test('a request past its deadline is stopped and answered 503 REQUEST_TIMEOUT', async () => {
  const { server, owner, T } = await setup(['--request-timeout', '1'], 3000);
  try {
    const t0 = Date.now();
    const res = await server.req('GET', heavyUrl(T), { token: owner.token });
    const elapsed = Date.now() - t0;
    assert.equal(res.status, 503, JSON.stringify(res.body));
    assert.equal(res.body.error.type, 'REQUEST_TIMEOUT');
    assert.match(res.body.error.message, /longer than the server allows/);
    assert.ok(elapsed < 10000, `stopped after ${elapsed} ms`);
    // The same filter over a few records is fine.
    const small = await server.req('GET', `${heavyUrl(T)}&maxRecords=1`, { token: owner.token });
    assert.ok(small.status === 200 || small.status === 503);
    assert.equal((await server.req('GET', `${T}?pageSize=1`, { token: owner.token })).status, 200);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('work stops when the client hangs up', async () => {
  const { server, owner, T } = await setup(['--request-timeout', '60'], 3000);
  try {
    const ac = new AbortController();
    const pending = fetch(server.url + heavyUrl(T), { headers: { Authorization: `Bearer ${owner.token}` }, signal: ac.signal }).catch((e) => e);
    await new Promise((r) => setTimeout(r, 300));
    ac.abort();
    assert.ok((await pending) instanceof Error);
    // The access log records the abandoned request (status 499) soon after, long before the
    // scan could have finished or the 60 s deadline passed.
    const deadline = Date.now() + 15000;
    while (!/GET \/v0\/app\w+\/Items 499 /.test(server.log) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(server.log, /GET \/v0\/app\w+\/Items 499 /);
    const ms = Number(/Items 499 \d+ ([\d.]+)ms/.exec(server.log)[1]);
    assert.ok(ms < 10000, `stopped after ${ms} ms`);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('a slow request on a one-thread server does not hold up /healthz', async () => {
  const { server, owner, T } = await setup(['--threads', '1', '--request-timeout', '6'], 3000);
  try {
    const t0 = Date.now();
    const slow = server.req('GET', heavyUrl(T), { token: owner.token });
    await new Promise((r) => setTimeout(r, 300));
    const times = await Promise.all(Array.from({ length: 10 }, async () => {
      const s = Date.now();
      const r = await fetch(server.url + '/healthz', { headers: { Connection: 'close' } });
      assert.equal(r.status, 200);
      await r.text();
      return Date.now() - s;
    }));
    const slowRes = await slow;
    const slowMs = Date.now() - t0;
    assert.equal(slowRes.status, 503);  // it ran into its 6 s deadline
    // Each /healthz answered well before the slow request ended (it ran for about 6 s).
    for (const ms of times) assert.ok(ms < 2500, `healthz took ${ms} ms (slow request: ${slowMs} ms)`);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;  // utime + stime, in clock ticks
}

test('out of file descriptors, the server backs off and answers again afterwards', async () => {
  const dir = Server.freshDataDir();
  makeOwner(dir);
  // ulimit -n sets the hard limit too, so the server cannot raise it; the connection cap is set
  // above it so that accept() itself runs out of descriptors.
  const proc = spawn('bash', ['-c', `ulimit -n 200 && exec "${BIN}" serve --data "${dir}" --listen 127.0.0.1:0 --threads 2 --max-connections 5000 --access-log off`],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no start: ' + log)), 10000);
    proc.stdout.on('data', (d) => { log += d; const m = /:(\d+) \(data/.exec(log); if (m) { clearTimeout(timer); resolve(Number(m[1])); } });
    proc.stderr.on('data', (d) => { log += d; });
  });
  const sockets = [];
  try {
    for (let i = 0; i < 400; i++) {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => {});
      sockets.push(s);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const before = cpuSeconds(proc.pid);
    await new Promise((r) => setTimeout(r, 3000));
    const used = cpuSeconds(proc.pid) - before;
    assert.ok(used < 1.5, `the server burned ${used} s of CPU in 3 s while out of descriptors`);
    assert.match(log, /backing off/);
    for (const s of sockets) s.destroy();
    sockets.length = 0;
    let ok = false;
    const deadline = Date.now() + 15000;
    while (!ok && Date.now() < deadline) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
        ok = r.status === 200;
      } catch { await new Promise((r) => setTimeout(r, 200)); }
    }
    assert.ok(ok, 'the server answers again once connections close');
  } finally {
    for (const s of sockets) s.destroy();
    proc.kill('SIGKILL');
  }
});

test('SIGTERM during a long request: answered, and the process exits after the grace period', async () => {
  const { server, owner, T } = await setup(['--request-timeout', '120', '--shutdown-grace', '2'], 3000);
  try {
    const slow = server.req('GET', heavyUrl(T), { token: owner.token }).catch((e) => e);
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    const exit = server.stop('SIGTERM');
    const res = await slow;
    assert.ok(!(res instanceof Error), 'the request in flight got an answer');
    assert.equal(res.status, 503);
    assert.equal(res.body.error.type, 'RETRIABLE_ERROR');
    const { code } = await exit;
    const took = Date.now() - t0;
    assert.equal(code, 0);
    assert.ok(took < 8000, `exit took ${took} ms with a 2 s grace`);
  } finally {
    server.cleanup();
  }
});

// One keep-alive client over a raw socket: sends a request as soon as the last one is answered,
// and counts requests sent but never answered.
function keepAliveClient(port, request) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    let sent = 0;
    let answered = 0;
    let closing = false;
    const send = () => { sent++; sock.write(request); };
    sock.on('connect', send);
    sock.on('data', (d) => {
      buf += d;
      while (true) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.slice(0, end);
        const len = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        buf = buf.slice(end + 4 + len);
        answered++;
        if (/connection: close/i.test(head)) { closing = true; sock.end(); return; }
        send();
      }
    });
    const done = () => resolve({ sent, answered, closing });
    sock.on('close', done);
    sock.on('error', () => {});
  });
}

test('SIGTERM under load: every request the server received is answered, then it exits', async () => {
  const { server, owner, T } = await setup([], 20);
  try {
    const request = `GET ${T}?pageSize=5 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${owner.token}\r\n\r\n`;
    const clients = Array.from({ length: 8 }, () => keepAliveClient(server.port, request));
    await new Promise((r) => setTimeout(r, 1000));
    const t0 = Date.now();
    const { code } = await server.stop('SIGTERM');
    const results = await Promise.all(clients);
    assert.equal(code, 0);
    assert.ok(Date.now() - t0 < 12000);
    for (const r of results) {
      assert.ok(r.answered > 10, `a client got only ${r.answered} answers before shutdown`);
      assert.equal(r.sent, r.answered, `a request was sent but never answered (${JSON.stringify(r)})`);
      assert.ok(r.closing, 'the last answer said Connection: close');
    }
  } finally {
    server.cleanup();
  }
});

// Runs a `serve` that must refuse to start; its exit code ('hung' if it has not exited within
// 10 s: a refused server must exit promptly, its background threads included) and stderr.
function refusedServe(args) {
  return new Promise((resolve) => {
    const p = spawn(BIN, ['serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => { p.kill('SIGKILL'); resolve({ code: 'hung', err }); }, 10000);
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => { clearTimeout(timer); resolve({ code, err }); });
  });
}

test('a second server on the same data directory or the same port is refused', async () => {
  const dir = Server.freshDataDir();
  const owner = makeOwner(dir);
  const first = await new Server(dir).start();
  const other = Server.freshDataDir();
  try {
    if (STORE === 'sqlite') {
      const sameDir = await refusedServe(['--data', dir, '--listen', '127.0.0.1:0']);
      assert.equal(sameDir.code, 1);
      assert.match(sameDir.err, /another airbase server is already running on the data directory/);
    } else {  // a database server's store is shared by a fleet: a second server joins it
      const second = await new Server(dir).start();
      try {
        const me = await second.req('GET', '/v0/meta/whoami', { token: owner.token });
        assert.equal(me.status, 200, JSON.stringify(me.body));
      } finally {
        await second.stop();
      }
    }

    const samePort = await refusedServe([...storeArgs(other), '--listen', `127.0.0.1:${first.port}`]);
    assert.equal(samePort.code, 1);
    assert.match(samePort.err, /cannot listen on 127\.0\.0\.1:\d+: the address is in use/);
    // The CLI still works beside the running server.
    assert.equal((await first.req('GET', '/healthz')).status, 200);
  } finally {
    await first.stop();
    first.cleanup();
  }
});

test('disk full: writes answer a clear retriable error, reads keep working, health says so', async (t) => {
  if (STORE !== 'sqlite') {
    t.skip('the full disk here is a SQLite data directory\'s; PostgreSQL\'s own (53100) is mapped by the adapter');
    return;
  }
  // A small tmpfs is a real full disk. Mounting needs root (as in CI); elsewhere it is skipped.
  const { mkdtempSync, writeFileSync, rmSync, openSync, writeSync, closeSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  const mnt = mkdtempSync('/tmp/airbase-full-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    rmSync(mnt, { recursive: true, force: true });
    t.skip('cannot mount a tmpfs here (needs root)');
    return;
  }
  const dir = `${mnt}/data`;
  let server;
  try {
    const owner = makeOwner(dir);
    server = await new Server(dir).start();
    const base = await createBase(server, owner.token, owner.workspaceId, 'Full', [
      { name: 'Items', fields: [{ name: 'Name', type: 'singleLineText' }] },
    ]);
    const T = `/v0/${base.id}/Items`;
    await seed(server, owner.token, T, 50);
    // Fill the file system to the last byte.
    const fd = openSync(`${mnt}/filler`, 'w');
    const chunk = Buffer.alloc(1 << 16, 120);
    try { for (;;) writeSync(fd, chunk); } catch { /* ENOSPC */ }
    try { for (;;) writeSync(fd, chunk.subarray(0, 512)); } catch { /* ENOSPC */ }
    closeSync(fd);
    const big = Array.from({ length: 10 }, (_, i) => ({ fields: { Name: `${i}`.padEnd(90000, 'z') } }));
    let write;
    for (let i = 0; i < 20; i++) {
      write = await server.req('POST', T, { token: owner.token, body: { records: big } });
      if (write.status !== 200) break;
    }
    assert.equal(write.status, 503, JSON.stringify(write.body));
    assert.equal(write.body.error.type, 'RETRIABLE_ERROR');
    assert.match(write.body.error.message, /storage is full, so nothing was written/);
    assert.doesNotMatch(JSON.stringify(write.body), /disk is full|step:|sqlite/i);
    const read = await server.req('GET', `${T}?pageSize=5`, { token: owner.token });
    if (read.status !== 200) console.error('SERVER LOG:', server.log.split('\n').slice(-12).join('\n'));
    assert.equal(read.status, 200, JSON.stringify(read.body));
    const sorted = await server.req('GET', `${T}?pageSize=5&sort%5B0%5D%5Bfield%5D=Name`, { token: owner.token });
    assert.equal(sorted.status, 200, JSON.stringify(sorted.body));
    assert.deepEqual((await server.req('GET', '/healthz')).body, { status: 'degraded', storage: 'full' });
    const ready = await server.req('GET', '/readyz');
    assert.equal(ready.status, 503);
    // Space again: healthy, and writes work.
    rmSync(`${mnt}/filler`);
    assert.deepEqual((await server.req('GET', '/healthz')).body, { status: 'ok' });
    assert.equal((await server.req('GET', '/readyz')).status, 200);
    assert.equal((await server.req('POST', T, { token: owner.token, body: { fields: { Name: 'after' } } })).status, 200);
  } finally {
    if (server) await server.stop();
    try { execFileSync('umount', ['-l', mnt], { stdio: 'ignore' }); } catch { /* already gone */ }
    rmSync(mnt, { recursive: true, force: true });
  }
});
