// The web app's internal API: first-run setup, sessions in HttpOnly SameSite cookies, CSRF on
// every state change, sign-in throttling, and the token life cycle a signed-in user drives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, AUTH_401, cli } from './harness.mjs';

let server;
before(async () => { server = await new Server(Server.freshDataDir()).start(); });
after(async () => { await server.stop(); server.cleanup(); });

async function api(method, path, { body, cookie, csrf, contentType = 'application/json' } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = contentType;
  if (cookie) headers.Cookie = cookie;
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(server.url + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, setCookie: res.headers.get('set-cookie') };
}
const cookieOf = (setCookie) => setCookie.split(';')[0];

test('first run, sessions, CSRF, tokens, sign-out and throttling', async () => {
  const fresh = await api('GET', '/api/state');
  assert.deepEqual(fresh.body, { setupNeeded: true, user: null });

  const weak = await api('POST', '/api/setup', { body: { email: 'me@example.com', name: 'Me', password: 'short' } });
  assert.equal(weak.status, 422);
  const setup = await api('POST', '/api/setup', { body: { email: 'me@example.com', name: 'Me', password: 'a long password' } });
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
  assert.match(setup.setCookie, /^airbase_session=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=\//);
  const cookie = cookieOf(setup.setCookie);
  const { csrf } = setup.body;
  assert.match(csrf, /^[0-9a-f]{32}$/);
  const again = await api('POST', '/api/setup', { body: { email: 'x@example.com', name: 'X', password: 'another password' } });
  assert.equal(again.status, 403);

  const state = await api('GET', '/api/state', { cookie });
  assert.equal(state.body.setupNeeded, false);
  assert.equal(state.body.user.email, 'me@example.com');
  assert.equal(state.body.csrf, csrf);

  const ws = await api('GET', '/api/workspaces', { cookie });
  assert.equal(ws.body.workspaces.length, 1);
  const scopes = await api('GET', '/api/scopes');
  assert.ok(scopes.body.scopes.some((s) => s.name === 'data.records:read' && s.description));

  // A state change without the CSRF token is refused, with it accepted.
  const spec = { name: 'Data Import Token', scopes: ['data.records:read', 'schema.bases:read', 'schema.bases:write'], workspaceIds: [ws.body.workspaces[0].id] };
  const forged = await api('POST', '/api/tokens', { cookie, body: spec });
  assert.equal(forged.status, 403);
  const wrong = await api('POST', '/api/tokens', { cookie, csrf: '0'.repeat(32), body: spec });
  assert.equal(wrong.status, 403);
  const created = await api('POST', '/api/tokens', { cookie, csrf, body: spec });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const { token, id } = created.body;
  assert.match(token, /^pat[A-Za-z0-9]{14}\.[0-9a-f]{64}$/);

  // The token works on the public API and reaches the workspace's bases.
  const base = await server.req('POST', '/v0/meta/bases', { token, body: { name: 'From the web', workspaceId: ws.body.workspaces[0].id, tables: [{ name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }] }] } });
  assert.equal(base.status, 200, JSON.stringify(base.body));
  assert.equal((await server.req('GET', `/v0/${base.body.id}/T`, { token })).status, 200);
  const schema = await api('GET', `/api/bases/${base.body.id}/schema`, { cookie });
  assert.equal(schema.status, 200);
  assert.deepEqual(schema.body.tables.map((t) => t.name), ['T']);
  assert.equal((await api('GET', '/api/bases/appAAAAAAAAAAAAAA/schema', { cookie })).status, 403);
  assert.equal((await api('GET', `/api/bases/${base.body.id}/schema`)).status, 401);
  // The public API through the session (the web app's grid): reads with the cookie, writes also
  // need the CSRF token; without a session it is 401.
  const viaSession = await api('GET', `/api/v0/${base.body.id}/T`, { cookie });
  assert.equal(viaSession.status, 200);
  assert.deepEqual(viaSession.body, { records: [] });
  assert.equal((await api('POST', `/api/v0/${base.body.id}/T`, { cookie, body: { fields: { Name: 'x' } } })).status, 403);
  const made = await api('POST', `/api/v0/${base.body.id}/T`, { cookie, csrf, body: { fields: { Name: 'x' } } });
  assert.equal(made.status, 200);
  assert.equal(made.body.fields.Name, 'x');
  assert.equal((await api('GET', `/api/v0/${base.body.id}/T`)).status, 401);

  // Listing never shows a secret.
  const list = await api('GET', '/api/tokens', { cookie });
  assert.equal(list.body.tokens.length, 1);
  assert.equal(list.body.tokens[0].id, id);
  assert.equal(list.body.tokens[0].name, 'Data Import Token');
  assert.ok(!JSON.stringify(list.body).includes(token.split('.')[1]));

  const edited = await api('PATCH', `/api/tokens/${id}`, { cookie, csrf, body: { ...spec, name: 'Renamed', scopes: ['data.records:read'] } });
  assert.equal(edited.status, 200);
  const regen = await api('POST', `/api/tokens/${id}/regenerate`, { cookie, csrf });
  assert.equal(regen.status, 200);
  assert.deepEqual((await server.req('GET', '/v0/meta/whoami', { token })).body, AUTH_401);
  assert.equal((await server.req('GET', '/v0/meta/whoami', { token: regen.body.token })).status, 200);
  const audit = await api('GET', '/api/audit', { cookie });
  assert.deepEqual(audit.body.events.map((e) => e.event).filter((e) => e !== 'token.used').reverse(), ['token.created', 'token.edited', 'token.regenerated']);
  const del = await api('DELETE', `/api/tokens/${id}`, { cookie, csrf });
  assert.equal(del.status, 200);
  assert.equal((await server.req('GET', '/v0/meta/whoami', { token: regen.body.token })).status, 401);

  // Sign out ends the session.
  const out = await api('POST', '/api/signout', { cookie, csrf });
  assert.equal(out.status, 200);
  assert.match(out.setCookie, /Max-Age=0/);
  assert.equal((await api('GET', '/api/tokens', { cookie })).status, 401);
  assert.equal((await api('GET', '/api/state', { cookie })).body.user, null);

  // Sign in: a form post is refused (CSRF), wrong passwords are slowed down after five tries.
  const form = await api('POST', '/api/signin', { body: 'email=me%40example.com&password=x', contentType: 'application/x-www-form-urlencoded' });
  assert.equal(form.status, 400);
  const ok = await api('POST', '/api/signin', { body: { email: 'me@example.com', password: 'a long password' } });
  assert.equal(ok.status, 200);
  assert.notEqual(cookieOf(ok.setCookie), cookie);
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await api('POST', '/api/signin', { body: { email: 'me@example.com', password: 'nope' } })).status);
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
  const locked = await api('POST', '/api/signin', { body: { email: 'me@example.com', password: 'a long password' } });
  assert.equal(locked.status, 429);
  assert.ok(!server.log.includes(cookieOf(ok.setCookie).split('=')[1]), 'no session secret in the log');
});

test('a user changes their password; other sessions end, this one stays', async () => {
  cli(server.dataDir, ['user', 'create', '--email', 'pat@example.com', '--name', 'Pat', '--password-stdin'], 'first password\n');
  const signin = async (password) => api('POST', '/api/signin', { body: { email: 'pat@example.com', password } });
  const a = await signin('first password');
  const b = await signin('first password');
  assert.equal(a.status, 200);
  const cookieA = cookieOf(a.setCookie), cookieB = cookieOf(b.setCookie);
  const change = (body, csrf = a.body.csrf) => api('POST', '/api/password', { cookie: cookieA, csrf, body });
  assert.equal((await change({ currentPassword: 'first password', newPassword: 'second password' }, '0'.repeat(32))).status, 403);  // CSRF
  const wrong = await change({ currentPassword: 'not it', newPassword: 'second password' });
  assert.equal(wrong.status, 403);
  assert.match(wrong.body.error.message, /current password is wrong/);
  assert.equal((await change({ currentPassword: 'first password', newPassword: 'short' })).status, 422);
  const ok = await change({ currentPassword: 'first password', newPassword: 'second password' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal((await api('GET', '/api/tokens', { cookie: cookieA })).status, 200);
  assert.equal((await api('GET', '/api/tokens', { cookie: cookieB })).status, 401);
  assert.equal((await signin('first password')).status, 401);
  assert.equal((await signin('second password')).status, 200);
});
