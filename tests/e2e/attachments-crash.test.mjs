// A SIGKILL in the middle of uploads leaves no record pointing at a missing file: the file is
// durable before the cell that names it is committed. Every acknowledged upload is still there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Server, makeOwner, createBase } from './harness.mjs';

test('kill -9 during uploads: every item of every record serves its whole file', async () => {
  const server = await new Server(Server.freshDataDir()).start();
  const owner = makeOwner(server.dataDir);
  const base = await createBase(server, owner.token, owner.workspaceId, 'Crash', [{
    name: 'Docs', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Files', type: 'multipleAttachments' }],
  }]);
  const url = `/v0/${base.id}/${base.tables[0].id}`;
  const made = await server.req('POST', url, { token: owner.token, body: { records: [1, 2, 3, 4].map((i) => ({ fields: { Name: `r${i}` } })) } });
  assert.equal(made.status, 200);
  const acked = [];  // [record id, attachment id, sha256]
  let stop = false;
  const uploader = async (recordId) => {
    while (!stop) {
      const bytes = crypto.randomBytes(256 * 1024 + crypto.randomInt(1024));
      const res = await server.req('POST', `/v0/${base.id}/${recordId}/Files/uploadAttachment`, {
        token: owner.token, body: { contentType: 'application/octet-stream', file: bytes.toString('base64'), filename: 'blob.bin' },
      }).catch(() => null);
      if (!res) return;
      if (res.status === 200) {
        const items = Object.values(res.body.fields)[0];
        acked.push([recordId, items[items.length - 1].id, crypto.createHash('sha256').update(bytes).digest('hex')]);
      }
    }
  };
  const uploaders = made.body.records.map((r) => uploader(r.id));
  await new Promise((r) => setTimeout(r, 1500));
  server.proc.kill('SIGKILL');
  stop = true;
  await Promise.all(uploaders);
  await server.exited;
  assert.ok(acked.length >= 4, `only ${acked.length} uploads were acknowledged`);

  const again = await new Server(server.dataDir).start();
  try {
    const list = await again.req('GET', url, { token: owner.token });
    assert.equal(list.status, 200);
    const held = new Map();
    let items = 0;
    for (const r of list.body.records) {
      for (const a of r.fields.Files || []) {
        items++;
        const res = await fetch(a.url);
        assert.equal(res.status, 200, `${r.id} names ${a.id}, whose file is missing`);
        const bytes = Buffer.from(await res.arrayBuffer());
        assert.equal(bytes.length, a.size);
        held.set(a.id, crypto.createHash('sha256').update(bytes).digest('hex'));
      }
    }
    assert.ok(items >= acked.length);
    for (const [, id, sha] of acked) assert.equal(held.get(id), sha, `acknowledged upload ${id} is lost or changed`);
  } finally {
    await again.stop();
    again.cleanup();
  }
});
