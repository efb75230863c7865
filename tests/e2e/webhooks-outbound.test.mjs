// Webhook pings against hostile or broken receivers (issue 8, items 4 and 15): private and
// loopback destinations refused unless a setting allows them, a receiver that never answers
// holds up only its own pings and times out within the budget, and errors name no library paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { Server, makeOwner, createBase, cli } from './harness.mjs';

async function setup() {
  const server = await new Server(Server.freshDataDir()).start();
  const owner = makeOwner(server.dataDir);
  const base = await createBase(server, owner.token, owner.workspaceId, 'Out', [
    { name: 'Tasks', fields: [{ name: 'Name', type: 'singleLineText' }] },
  ]);
  const token = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'hooks', '--scope', 'webhook:manage',
    '--scope', 'data.records:read', '--scope', 'data.records:write']);
  const create = (url) => server.req('POST', `/v0/bases/${base.id}/webhooks`, {
    token, body: { notificationUrl: url, specification: { options: { filters: { dataTypes: ['tableData'] } } } },
  });
  return { server, owner, base, token, create };
}

const PRIVATE = [
  'http://127.0.0.1/hook',
  'http://127.1.2.3:8080/',
  'http://localhost:22/',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::1]/',
  'http://[::ffff:127.0.0.1]/',
  'http://0.0.0.0/',
  'http://10.1.2.3/',
  'http://172.16.0.1/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'https://[fe80::1]/',
  'http://[fd00::1]/',
];

test('notification URLs on loopback, private, link-local or unspecified addresses are refused', async (t) => {
  const { server, base, token, create } = await setup();
  try {
    for (const url of PRIVATE) {
      await t.test(url, async () => {
        const res = await create(url);
        assert.equal(res.status, 422, JSON.stringify(res.body));
        assert.equal(res.body.error.type, 'INVALID_REQUEST_UNKNOWN');
        assert.match(res.body.error.message, /must not point to a loopback, private, link-local/);
      });
    }
    const list = await server.req('GET', `/v0/bases/${base.id}/webhooks`, { token });
    assert.deepEqual(list.body.webhooks, []);
    // A public address is accepted (it is never pinged here: no record changes).
    const ok = await create('https://203.0.114.7/hook');
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    // With the setting, loopback is allowed (how the tests and a local setup reach a receiver).
    cli(server.dataDir, ['settings', 'set', '--key', 'outbound.allowPrivateAddresses', '--value', 'true']);
    assert.equal((await create('http://127.0.0.1:9/hook')).status, 200);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('a ping to a loopback hook made while allowed is not sent once the setting is off', async () => {
  const { server, base, token, create } = await setup();
  const pings = [];
  const receiver = http.createServer((req, res) => { pings.push(req.url); res.end(); });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  try {
    cli(server.dataDir, ['settings', 'set', '--key', 'outbound.allowPrivateAddresses', '--value', 'true']);
    const hook = await create(`http://127.0.0.1:${receiver.address().port}/p`);
    assert.equal(hook.status, 200);
    cli(server.dataDir, ['settings', 'set', '--key', 'outbound.allowPrivateAddresses', '--value', 'false']);
    await server.req('POST', `/v0/${base.id}/Tasks`, { token, body: { fields: { Name: 'x' } } });
    let result;
    const deadline = Date.now() + 10000;
    while (!result && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const list = await server.req('GET', `/v0/bases/${base.id}/webhooks`, { token });
      result = list.body.webhooks[0].lastNotificationResult;
    }
    assert.equal(result.success, false);
    assert.match(result.error.message, /not sent: notificationUrl must not point to a loopback/);
    assert.equal(pings.length, 0);
  } finally {
    receiver.close();
    await server.stop();
    server.cleanup();
  }
});

test('a receiver that never answers delays only its own pings and times out within the budget', async () => {
  const { server, base, token, create } = await setup();
  cli(server.dataDir, ['settings', 'set', '--key', 'outbound.allowPrivateAddresses', '--value', 'true']);
  const held = [];
  const tarpit = net.createServer((sock) => { held.push(sock); sock.on('error', () => {}); });  // reads, never answers
  await new Promise((r) => tarpit.listen(0, '127.0.0.1', r));
  const pings = [];
  const normal = http.createServer((req, res) => { pings.push(Date.now()); res.end(); });
  await new Promise((r) => normal.listen(0, '127.0.0.1', r));
  const closed = net.createServer();
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  const closedPort = closed.address().port;
  await new Promise((r) => closed.close(r));
  try {
    // The tarpit's hooks come first, so they are pinged first.
    for (let i = 0; i < 3; i++) assert.equal((await create(`http://127.0.0.1:${tarpit.address().port}/t${i}`)).status, 200);
    const good = await create(`http://127.0.0.1:${normal.address().port}/ok`);
    assert.equal(good.status, 200);
    const refused = await create(`http://127.0.0.1:${closedPort}/gone`);
    assert.equal(refused.status, 200);
    const t0 = Date.now();
    await server.req('POST', `/v0/${base.id}/Tasks`, { token, body: { fields: { Name: 'x' } } });
    const deadline = Date.now() + 10000;
    while (pings.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(pings.length, 1, 'the normal receiver was not pinged while the tarpit held its pings');
    assert.ok(pings[0] - t0 < 5000, `the normal receiver waited ${pings[0] - t0} ms`);

    const hooks = async () => (await server.req('GET', `/v0/bases/${base.id}/webhooks`, { token })).body.webhooks;
    // A refused connection is reported in our words, without library source paths.
    let gone;
    while (!gone && Date.now() < deadline) {
      gone = (await hooks()).find((h) => h.notificationUrl.endsWith('/gone')).lastNotificationResult;
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(gone.success, false);
    assert.match(gone.error.message, /^The HTTP request failed while connecting: /);
    assert.doesNotMatch(gone.error.message, /\/usr\/|\.hpp|asio\./);

    // The tarpit's pings end at the 25 s budget, while waiting for the answer; at most two are
    // sent to one destination at a time, so the third waits for one of them.
    let tarpitResults = [];
    const budgetDeadline = Date.now() + 40000;
    while (tarpitResults.length < 2 && Date.now() < budgetDeadline) {
      await new Promise((r) => setTimeout(r, 500));
      tarpitResults = (await hooks()).filter((h) => /\/t\d$/.test(h.notificationUrl) && h.lastNotificationResult).map((h) => h.lastNotificationResult);
    }
    assert.equal(tarpitResults.length, 2, 'the tarpit pings did not time out');
    assert.ok(held.length <= 3, `${held.length} connections to one destination`);
    for (const r of tarpitResults) {
      assert.equal(r.success, false);
      assert.equal(r.willBeRetried, true);
      assert.match(r.error.message, /timed out after 25 s while waiting for the answer/);
      assert.ok(r.durationMs >= 24000 && r.durationMs < 30000, `a ping lasted ${r.durationMs} ms`);
    }
  } finally {
    for (const s of held) s.destroy();
    tarpit.close();
    normal.close();
    await server.stop();
    server.cleanup();
  }
});
