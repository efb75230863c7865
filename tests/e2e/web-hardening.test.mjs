// The web app's side of issue 8: exactly one first-run owner under concurrent setups (item 8),
// sharing checks the caller's role before saying whether an email exists (item 16), and security
// headers plus Secure cookies behind HTTPS (item 17).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, cli, signIn } from './harness.mjs';

const setupBody = (i) => JSON.stringify({ email: `owner${i}@example.com`, name: `Owner ${i}`, password: 'a long password' });

test('eight concurrent first-run setups make exactly one owner', async () => {
  const server = await new Server(Server.freshDataDir()).start();
  try {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      fetch(server.url + '/api/setup', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: setupBody(i) })
        .then(async (r) => ({ status: r.status, body: await r.json() }))));
    const won = results.filter((r) => r.status === 200);
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results.filter((x) => x.status !== 200)) {
      assert.equal(r.status, 403);
      assert.match(r.body.error.message, /already set up/);
    }
    await server.stop();
    // Exactly one user exists (the CLI lists workspaces per owner: only the winner has one).
    const winner = won[0].body.user.email;
    for (let i = 0; i < 8; i++) {
      const email = `owner${i}@example.com`;
      let out;
      try { out = cli(server.dataDir, ['workspace', 'list', '--owner', email]); } catch { out = null; }
      if (email === winner) assert.match(out, /My First Workspace/);
      else assert.equal(out, null, `${email} exists too`);
    }
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('sharing a base the caller cannot share never tells whether an email exists', async () => {
  const server = await new Server(Server.freshDataDir()).start();
  try {
    const setup = await fetch(server.url + '/api/setup', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: setupBody(0) });
    assert.equal(setup.status, 200);
    cli(server.dataDir, ['user', 'create', '--email', 'mallory@example.com', '--name', 'M', '--password-stdin'], 'mallory password\n');
    cli(server.dataDir, ['user', 'create', '--email', 'alice@example.com', '--name', 'A', '--password-stdin'], 'alice password 1\n');
    const ws = cli(server.dataDir, ['workspace', 'list', '--owner', 'owner0@example.com']).split('\t')[0];
    const m = await signIn(server, 'mallory@example.com', 'mallory password');
    const share = (email) => fetch(`${server.url}/api/workspaces/${ws}/members`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: m.cookie, 'X-CSRF-Token': m.csrf },
      body: JSON.stringify({ email, role: 'editor' }),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const existing = await share('alice@example.com');
    const missing = await share('nobody@example.com');
    assert.equal(existing.status, 403);
    assert.deepEqual(missing, existing);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('web answers carry security headers; cookies are Secure behind HTTPS', async () => {
  const server = await new Server(Server.freshDataDir()).start();
  const httpsServer = await new Server(Server.freshDataDir(), ['--public-url', 'https://airbase.example.com']).start();
  try {
    for (const path of ['/', '/app.js', '/style.css', '/appXXXXXXXXXXXXXX', '/api/state']) {
      const r = await fetch(server.url + path);
      assert.equal(r.status, 200, path);
      const csp = r.headers.get('content-security-policy');
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /script-src 'self'/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
      assert.equal(r.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(r.headers.get('referrer-policy'), 'same-origin', path);
    }
    const post = (s, headers = {}) => fetch(s.url + '/api/setup', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: setupBody(1) });
    // Plain HTTP: no Secure flag (the browser would drop the cookie).
    const plain = await post(server);
    assert.doesNotMatch(plain.headers.get('set-cookie'), /Secure/);
    // Behind a TLS proxy that says so, and with an https public URL: Secure.
    const signOut = await fetch(server.url + '/api/signout', {
      method: 'POST', headers: { Cookie: plain.headers.get('set-cookie').split(';')[0], 'X-CSRF-Token': (await plain.json()).csrf, 'X-Forwarded-Proto': 'https' },
    });
    assert.match(signOut.headers.get('set-cookie'), /; Secure$/);
    const secure = await post(httpsServer);
    assert.equal(secure.status, 200);
    assert.match(secure.headers.get('set-cookie'), /^airbase_session=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+; Secure$/);
  } finally {
    await server.stop();
    server.cleanup();
    await httpsServer.stop();
    httpsServer.cleanup();
  }
});
