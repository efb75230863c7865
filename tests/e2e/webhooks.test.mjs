// Webhooks (airtable-api.md §9): create (secret once), list, payloads by cursor with V2 cell values,
// filters, pings signed with X-Airtable-Content-MAC (verified here the way pyairtable does),
// failed pings recorded, notifications toggled, refresh, delete, limits, scopes and roles.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { Server, makeOwner, createBase, cli, signIn, PERM_403 } from './harness.mjs';

let server, owner, base, tasks, other, token, receiver, receiverUrl;
const pings = [];
let receiverStatus = 200;

before(async () => {
  receiver = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      pings.push({ path: req.url, raw, mac: req.headers['x-airtable-content-mac'] });
      // /flaky fails its first ping only.
      const flakyFirst = req.url === '/flaky' && pings.filter((p) => p.path === '/flaky').length === 1;
      res.writeHead(req.url === '/fail' || flakyFirst ? 500 : receiverStatus);
      res.end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${receiver.address().port}`;
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  // The receivers here listen on loopback, which a server refuses to ping unless allowed.
  cli(server.dataDir, ['settings', 'set', '--key', 'outbound.allowPrivateAddresses', '--value', 'true']);
  base = await createBase(server, owner.token, owner.workspaceId, 'Hooks', [
    { name: 'Tasks', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Status', type: 'singleSelect', options: { choices: [{ name: 'Open', color: 'blueLight2' }, { name: 'Done' }] } }, { name: 'N', type: 'number', options: { precision: 0 } }] },
    { name: 'Other', fields: [{ name: 'Name', type: 'singleLineText' }] },
  ]);
  [tasks, other] = base.tables;
  token = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'hooks', '--scope', 'webhook:manage',
    '--scope', 'data.records:read', '--scope', 'data.records:write', '--scope', 'schema.bases:read']);
});
after(async () => { await server.stop(); server.cleanup(); receiver.close(); });

const hooksPath = () => `/v0/bases/${base.id}/webhooks`;
const req = (method, path, body, t = token) => server.req(method, path, { token: t, body });
const fid = (name) => tasks.fields.find((f) => f.name === name).id;
const until = async (cond, what) => {
  for (let i = 0; i < 100; i++) { if (await cond()) return; await new Promise((r) => setTimeout(r, 50)); }
  throw new Error('timed out waiting for ' + what);
};

test('a hook sees creates, updates and deletes as V2 payloads, and is pinged with a valid MAC', async () => {
  const made = await req('POST', hooksPath(), {
    notificationUrl: `${receiverUrl}/ping`,
    specification: { options: { filters: { dataTypes: ['tableData'], recordChangeScope: tasks.id }, includes: { includePreviousCellValues: true, includeCellValuesInFieldIds: 'all' } } },
  });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  assert.match(made.body.id, /^ach[A-Za-z0-9]{14}$/);
  const secret = Buffer.from(made.body.macSecretBase64, 'base64');
  assert.equal(secret.length, 32);
  const expires = Date.parse(made.body.expirationTime) - Date.now();
  assert.ok(Math.abs(expires - 7 * 24 * 3600 * 1000) < 60000, made.body.expirationTime);

  const created = await req('POST', `/v0/${base.id}/${tasks.id}`, { records: [{ fields: { Name: 'a', Status: 'Open', N: 1 } }] }, owner.token);
  const rec = created.body.records[0].id;
  await req('PATCH', `/v0/${base.id}/${tasks.id}/${rec}`, { fields: { N: 2, Name: 'a' } }, owner.token);
  await req('DELETE', `/v0/${base.id}/${tasks.id}/${rec}`, undefined, owner.token);
  await req('POST', `/v0/${base.id}/${other.id}`, { fields: { Name: 'elsewhere' } }, owner.token);  // out of scope

  await until(() => pings.some((p) => p.path === '/ping'), 'a ping');
  const ping = pings.find((p) => p.path === '/ping');
  assert.deepEqual(Object.keys(JSON.parse(ping.raw)).sort(), ['base', 'timestamp', 'webhook']);
  assert.deepEqual(JSON.parse(ping.raw).webhook, { id: made.body.id });
  assert.equal(ping.mac, 'hmac-sha256=' + crypto.createHmac('sha256', secret).update(ping.raw).digest('hex'));

  const page = await req('GET', `${hooksPath()}/${made.body.id}/payloads`);
  assert.equal(page.status, 200, JSON.stringify(page.body));
  assert.equal(page.body.payloads.length, 3);
  assert.equal(page.body.cursor, 4);
  assert.equal(page.body.mightHaveMore, false);
  const [add, change, remove] = page.body.payloads;
  assert.equal(add.payloadFormat, 'v0');
  assert.ok(add.baseTransactionNumber < change.baseTransactionNumber && change.baseTransactionNumber < remove.baseTransactionNumber);
  assert.equal(add.actionMetadata.source, 'publicApi');
  assert.deepEqual(add.actionMetadata.sourceMetadata.user, { id: owner.userId, email: owner.email, permissionLevel: 'create', name: 'Owner' });
  const openChoice = tasks.fields[1].options.choices[0];
  assert.deepEqual(add.changedTablesById[tasks.id].createdRecordsById[rec].cellValuesByFieldId, {
    [fid('Name')]: 'a', [fid('Status')]: { id: openChoice.id, name: 'Open', color: 'blueLight2' }, [fid('N')]: 1,
  });
  // Only N changed ("Name" was written with its old value); previous and unchanged as asked.
  assert.deepEqual(change.changedTablesById[tasks.id].changedRecordsById[rec], {
    current: { cellValuesByFieldId: { [fid('N')]: 2 } },
    previous: { cellValuesByFieldId: { [fid('N')]: 1 } },
    unchanged: { cellValuesByFieldId: { [fid('Name')]: 'a', [fid('Status')]: { id: openChoice.id, name: 'Open', color: 'blueLight2' } } },
  });
  assert.deepEqual(remove.changedTablesById, { [tasks.id]: { destroyedRecordIds: [rec] } });

  const one = await req('GET', `${hooksPath()}/${made.body.id}/payloads?cursor=2&limit=1`);
  assert.equal(one.body.payloads[0].baseTransactionNumber, change.baseTransactionNumber);
  assert.equal(one.body.cursor, 3);
  assert.equal(one.body.mightHaveMore, true);
  const none = await req('GET', `${hooksPath()}/${made.body.id}/payloads?cursor=4`);
  assert.deepEqual([none.body.cursor, none.body.payloads.length, none.body.mightHaveMore], [4, 0, false]);
  for (const q of ['limit=51', 'limit=0', 'cursor=0', 'cursor=x']) assert.equal((await req('GET', `${hooksPath()}/${made.body.id}/payloads?${q}`)).status, 422, q);

  await until(async () => (await req('GET', hooksPath())).body.webhooks[0].lastNotificationResult?.success === true, 'a recorded success');
  const listed = (await req('GET', hooksPath())).body.webhooks[0];
  assert.equal(listed.id, made.body.id);
  assert.equal(listed.areNotificationsEnabled, true);
  assert.equal(listed.isHookEnabled, true);
  assert.equal(listed.cursorForNextPayload, 4);
  assert.equal(listed.notificationUrl, `${receiverUrl}/ping`);
  assert.match(listed.lastSuccessfulNotificationTime, /Z$/);
  assert.equal(listed.lastNotificationResult.retryNumber, 0);
  assert.deepEqual(listed.specification.options.filters.dataTypes, ['tableData']);
  assert.ok(!('macSecretBase64' in listed));
});

test('filters narrow what a hook records: change types, watched fields, sources', async () => {
  const removes = await req('POST', hooksPath(), { specification: { options: { filters: { dataTypes: ['tableData'], changeTypes: ['remove'] } } } });
  const watchN = await req('POST', hooksPath(), { specification: { options: { filters: { dataTypes: ['tableData'], watchDataInFieldIds: [fid('N')], changeTypes: ['update'] } } } });
  const clientOnly = await req('POST', hooksPath(), { specification: { options: { filters: { dataTypes: ['tableData'], fromSources: ['client'] } } } });
  for (const r of [removes, watchN, clientOnly]) assert.equal(r.status, 200, JSON.stringify(r.body));
  const rec = (await req('POST', `/v0/${base.id}/${tasks.id}`, { fields: { Name: 'b', N: 1 } }, owner.token)).body.id;
  await req('PATCH', `/v0/${base.id}/${tasks.id}/${rec}`, { fields: { Name: 'b2' } }, owner.token);
  await req('PATCH', `/v0/${base.id}/${tasks.id}/${rec}`, { fields: { N: 5 } }, owner.token);
  // The web app's writes come from the "client" source.
  const session = await signIn(server, owner.email, 'correct horse battery');
  const viaApp = await fetch(`${server.url}/api/v0/${base.id}/${tasks.id}/${rec}`, { method: 'PATCH', headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ fields: { Name: 'from the app' } }) });
  assert.equal(viaApp.status, 200);
  await req('DELETE', `/v0/${base.id}/${tasks.id}/${rec}`, undefined, owner.token);
  const payloads = async (hook) => (await req('GET', `${hooksPath()}/${hook.body.id}/payloads`)).body.payloads;
  const r = await payloads(removes);
  assert.deepEqual(r.map((p) => Object.keys(p.changedTablesById[tasks.id])), [['destroyedRecordIds']]);
  const w = await payloads(watchN);
  assert.deepEqual(w.map((p) => p.changedTablesById[tasks.id].changedRecordsById[rec].current.cellValuesByFieldId), [{ [fid('N')]: 5 }]);
  const c = await payloads(clientOnly);
  assert.equal(c.length, 1);
  assert.equal(c[0].actionMetadata.source, 'client');
  assert.deepEqual(c[0].changedTablesById[tasks.id].changedRecordsById[rec].current.cellValuesByFieldId, { [fid('Name')]: 'from the app' });
  for (const h of [removes, watchN, clientOnly]) assert.deepEqual((await req('DELETE', `${hooksPath()}/${h.body.id}`)).body, {});
});

test('a failing receiver is recorded; notifications toggle; refresh extends; delete removes', async () => {
  const hook = (await req('POST', hooksPath(), { notificationUrl: `${receiverUrl}/fail`, specification: { options: { filters: { dataTypes: ['tableData'] } } } })).body;
  await req('POST', `/v0/${base.id}/${tasks.id}`, { fields: { Name: 'c' } }, owner.token);
  const mine = async () => (await req('GET', hooksPath())).body.webhooks.find((w) => w.id === hook.id);
  await until(async () => (await mine()).lastNotificationResult, 'a failure result');
  const failed = (await mine()).lastNotificationResult;
  assert.equal(failed.success, false);
  assert.equal(failed.willBeRetried, true);
  assert.match(failed.error.message, /500 status code instead of 200 or 204/);
  assert.equal((await mine()).lastSuccessfulNotificationTime, null);

  assert.deepEqual((await req('POST', `${hooksPath()}/${hook.id}/enableNotifications`, { enable: false })).body, {});
  assert.equal((await mine()).areNotificationsEnabled, false);
  assert.equal((await req('POST', `${hooksPath()}/${hook.id}/enableNotifications`, { enable: 'yes' })).status, 422);
  const before = Date.parse((await mine()).expirationTime);
  await new Promise((r) => setTimeout(r, 20));
  const refreshed = await req('POST', `${hooksPath()}/${hook.id}/refresh`);
  assert.equal(refreshed.status, 200);
  assert.ok(Date.parse(refreshed.body.expirationTime) > before);
  assert.deepEqual((await req('DELETE', `${hooksPath()}/${hook.id}`)).body, {});
  assert.equal(await mine(), undefined);
  assert.equal((await req('GET', `${hooksPath()}/${hook.id}/payloads`)).status, 403);
});

test('bad specifications, missing scopes, low roles and the limit of 10 are refused', async () => {
  for (const [body, re] of [
    [{}, /specification is required/],
    [{ specification: { options: { filters: { dataTypes: [] } } } }, /dataTypes/],
    [{ specification: { options: { filters: { dataTypes: ['cells'] } } } }, /dataTypes/],
    [{ specification: { options: { filters: { dataTypes: ['tableData'], recordChangeScope: 'tblAAAAAAAAAAAAAA' } } } }, /recordChangeScope/],
    [{ specification: { options: { filters: { dataTypes: ['tableData'], changeTypes: ['edit'] } } } }, /changeTypes/],
    [{ specification: { options: { filters: { dataTypes: ['tableData'], watchDataInFieldIds: ['fldAAAAAAAAAAAAAA'] } } } }, /unknown field/],
    [{ notificationUrl: 'ftp://example.com', specification: { options: { filters: { dataTypes: ['tableData'] } } } }, /http or https/],
  ]) {
    const res = await req('POST', hooksPath(), body);
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.match(res.body.error.message, re);
  }
  const spec = { specification: { options: { filters: { dataTypes: ['tableData'] } } } };
  assert.deepEqual((await req('POST', hooksPath(), spec, owner.token)).body, PERM_403);  // no webhook:manage
  const noRead = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'w', '--scope', 'webhook:manage']);
  assert.equal((await req('POST', hooksPath(), spec, noRead)).status, 403);  // tableData needs data.records:read
  cli(server.dataDir, ['user', 'create', '--email', 'ed@example.com', '--name', 'Ed', '--password-stdin'], 'ed password 123\n');
  cli(server.dataDir, ['base', 'share', '--base', base.id, '--user', 'ed@example.com', '--role', 'editor']);
  const editor = cli(server.dataDir, ['token', 'create', '--user', 'ed@example.com', '--name', 'e', '--scope', 'webhook:manage', '--scope', 'data.records:read']);
  const low = await req('POST', hooksPath(), spec, editor);
  assert.equal(low.status, 403);
  assert.equal(low.body.error.type, 'INVALID_PERMISSIONS');

  const existing = (await req('GET', hooksPath())).body.webhooks.length;
  for (let i = existing; i < 10; i++) assert.equal((await req('POST', hooksPath(), spec)).status, 200);
  const eleventh = await req('POST', hooksPath(), spec);
  assert.equal(eleventh.status, 422);
  assert.match(eleventh.body.error.message, /at most 10/);
});

test('schema hooks see fields and tables created, changed and destroyed', async () => {
  const existing = (await req('GET', hooksPath())).body.webhooks;
  for (const w of existing) await req('DELETE', `${hooksPath()}/${w.id}`);
  const schemaToken = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 's', '--scope', 'webhook:manage', '--scope', 'schema.bases:read', '--scope', 'schema.bases:write']);
  const fieldsHook = (await req('POST', hooksPath(), { specification: { options: { filters: { dataTypes: ['tableFields'], recordChangeScope: tasks.id }, includes: { includePreviousFieldDefinitions: true } } } }, schemaToken)).body;
  const metaHook = (await req('POST', hooksPath(), { specification: { options: { filters: { dataTypes: ['tableMetadata'] } } } }, schemaToken)).body;
  assert.match(fieldsHook.id, /^ach/);
  const meta = (p, body) => server.req(p === 'PATCH' ? 'PATCH' : 'POST', body.path, { token: schemaToken, body: body.body });
  const made = await meta('POST', { path: `/v0/meta/bases/${base.id}/tables/${tasks.id}/fields`, body: { name: 'Due', type: 'date' } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  await meta('PATCH', { path: `/v0/meta/bases/${base.id}/tables/${tasks.id}/fields/${made.body.id}`, body: { name: 'Due date' } });
  await meta('PATCH', { path: `/v0/meta/bases/${base.id}/tables/${tasks.id}`, body: { name: 'Tasks!', description: 'all of them' } });
  const table = await meta('POST', { path: `/v0/meta/bases/${base.id}/tables`, body: { name: 'Fresh', fields: [{ name: 'Title', type: 'singleLineText' }] } });
  const session = await signIn(server, owner.email, 'correct horse battery');
  const del = await fetch(`${server.url}/api/web/${base.id}/${tasks.id}/fields/${made.body.id}`, { method: 'DELETE', headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf } });
  assert.equal(del.status, 200);
  const gone = await fetch(`${server.url}/api/web/${base.id}/${table.body.id}`, { method: 'DELETE', headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf } });
  assert.equal(gone.status, 200);

  const fp = (await req('GET', `${hooksPath()}/${fieldsHook.id}/payloads`, undefined, schemaToken)).body.payloads;
  assert.deepEqual(fp.map((p) => p.changedTablesById?.[tasks.id] ?? p), [
    { createdFieldsById: { [made.body.id]: { name: 'Due', type: 'date' } } },
    { changedFieldsById: { [made.body.id]: { current: { name: 'Due date' }, previous: { name: 'Due' } } } },
    { destroyedFieldIds: [made.body.id] },
  ]);
  assert.equal(fp[2].actionMetadata.source, 'client');
  const mp = (await req('GET', `${hooksPath()}/${metaHook.id}/payloads`, undefined, schemaToken)).body.payloads;
  assert.deepEqual(mp[0].changedTablesById[tasks.id].changedMetadata, { current: { name: 'Tasks!', description: 'all of them' }, previous: { name: 'Tasks', description: '' } });
  assert.deepEqual(mp[1].createdTablesById[table.body.id].metadata, { name: 'Fresh', description: '' });
  assert.deepEqual(Object.values(mp[1].createdTablesById[table.body.id].fieldsById), [{ name: 'Title', type: 'singleLineText' }]);
  assert.deepEqual(mp[2].destroyedTableIds, [table.body.id]);
  assert.equal(mp.length, 3);
});

// The retry of a failed ping waits in the store's queue, not in the server's memory: a server
// killed before the retry is due leaves it to the next server on the same store, which sends it
// (Airtable's first retry comes 10 s after the failure).
test('a retry pending when its server is killed is sent by the next server', async () => {
  const retryBase = await createBase(server, owner.token, owner.workspaceId, 'Retries', [
    { name: 'Jobs', fields: [{ name: 'Name', type: 'singleLineText' }] }]);
  const hooks = `/v0/bases/${retryBase.id}/webhooks`;
  const hook = (await req('POST', hooks, { notificationUrl: `${receiverUrl}/flaky`, specification: { options: { filters: { dataTypes: ['tableData'] } } } })).body;
  assert.equal((await req('POST', `/v0/${retryBase.id}/${retryBase.tables[0].id}`, { fields: { Name: 'x' } }, owner.token)).status, 200);
  const mine = async () => (await req('GET', hooks)).body.webhooks.find((w) => w.id === hook.id);
  await until(async () => (await mine()).lastNotificationResult, 'the first ping to fail');
  const failed = (await mine()).lastNotificationResult;
  assert.equal(failed.success, false);
  assert.equal(failed.willBeRetried, true);
  assert.equal(failed.retryNumber, 0);

  await server.stop('SIGKILL');
  server = await new Server(server.dataDir).start();
  const flaky = () => pings.filter((p) => p.path === '/flaky');
  for (let i = 0; i < 300 && flaky().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(flaky().length, 2, 'the retry arrives from the restarted server');
  assert.equal(JSON.parse(flaky()[1].raw).webhook.id, hook.id);
  await until(async () => (await mine()).lastNotificationResult?.success, 'the retry recorded');
  const retried = (await mine()).lastNotificationResult;
  assert.equal(retried.retryNumber, 1);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.ok(Number(/^airbase_webhook_pings_total\{result="success"\} (\S+)$/m.exec(metrics)?.[1]) >= 1,
    'the restarted server counts the ping it sent');
  await new Promise((r) => setTimeout(r, 1500));  // one more poll: nothing is sent twice
  assert.equal(flaky().length, 2);
});
