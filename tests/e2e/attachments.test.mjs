// multipleAttachments through the API: uploadAttachment (airtable-api.md §4.9) and its limits,
// the signed file URLs (ranges, forged URLs, headers), thumbnails of images made by libvips,
// keeping items by id, and attachment cells in formulas and cellFormat=string.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase, cli } from './harness.mjs';
import { png } from './images.mjs';

let server, owner, base, table, files, url;
before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  base = await createBase(server, owner.token, owner.workspaceId, 'Files', [{
    name: 'Docs',
    fields: [
      { name: 'Name', type: 'singleLineText' },
      { name: 'Files', type: 'multipleAttachments' },
      { name: 'Notes', type: 'multilineText' },
    ],
  }]);
  table = base.tables[0];
  files = table.fields.find((f) => f.name === 'Files');
  url = `/v0/${base.id}/${table.id}`;
});
after(async () => { await server.stop(); server.cleanup(); });

async function newRecord(name) {
  const r = await server.req('POST', url, { token: owner.token, body: { fields: { Name: name } } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.id;
}

function upload(recordId, field, { contentType = 'text/plain', bytes, filename = 'sample.txt', token = owner.token } = {}) {
  return server.req('POST', `/v0/${base.id}/${recordId}/${encodeURIComponent(field)}/uploadAttachment`,
    { token, body: { contentType, file: Buffer.from(bytes).toString('base64'), filename } });
}

// fetch of an absolute attachment URL: {status, bytes, headers}.
async function get(u, headers = {}) {
  const res = await fetch(u, { headers });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

test('field options: isReversed, read back as Airtable has them', async () => {
  assert.deepEqual(files.options, { isReversed: false });
  const bad = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${table.id}/fields`,
    { token: owner.token, body: { name: 'X', type: 'multipleAttachments', options: { isReversed: 'yes' } } });
  assert.equal(bad.status, 422);
});

test('uploadAttachment stores the file and answers the record with the field by id', async () => {
  const rec = await newRecord('upload');
  const res = await upload(rec, 'Files', { bytes: 'Hello world' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.id, rec);
  assert.match(res.body.createdTime, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(Object.keys(res.body.fields), [files.id]);
  const [att] = res.body.fields[files.id];
  assert.match(att.id, /^att[A-Za-z0-9]{14}$/);
  assert.equal(att.filename, 'sample.txt');
  assert.equal(att.size, 11);
  assert.equal(att.type, 'text/plain');
  assert.equal(att.thumbnails, undefined);
  assert.ok(att.url.startsWith(server.url + '/files/'), att.url);

  // The record reads back with it; a second upload (by field id) is added after it.
  const second = await upload(rec, files.id, { bytes: 'second', filename: 'b.txt' });
  assert.equal(second.status, 200);
  const read = await server.req('GET', `${url}/${rec}`, { token: owner.token });
  assert.deepEqual(read.body.fields.Files.map((a) => [a.id, a.filename, a.size]),
    [[att.id, 'sample.txt', 11], [second.body.fields[files.id][1].id, 'b.txt', 6]]);

  // The file, with its headers; no token needed.
  const f = await get(att.url);
  assert.equal(f.status, 200);
  assert.equal(f.bytes.toString(), 'Hello world');
  assert.equal(f.headers.get('content-type'), 'text/plain');
  assert.equal(f.headers.get('content-length'), '11');
  assert.equal(f.headers.get('accept-ranges'), 'bytes');
  assert.equal(f.headers.get('content-disposition'), `inline; filename="sample.txt"; filename*=UTF-8''sample.txt`);
  assert.match(f.headers.get('content-security-policy'), /sandbox/);
  const head = await fetch(att.url, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '11');
  assert.equal((await head.arrayBuffer()).byteLength, 0);

  // Ranges.
  const part = await get(att.url, { Range: 'bytes=1-3' });
  assert.equal(part.status, 206);
  assert.equal(part.bytes.toString(), 'ell');
  assert.equal(part.headers.get('content-range'), 'bytes 1-3/11');
  const tail = await get(att.url, { Range: 'bytes=-5' });
  assert.equal(tail.status, 206);
  assert.equal(tail.bytes.toString(), 'world');
  const open = await get(att.url, { Range: 'bytes=6-' });
  assert.equal(open.bytes.toString(), 'world');
  const beyond = await get(att.url, { Range: 'bytes=11-' });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers.get('content-range'), 'bytes */11');

  // A forged signature, another file's key under this signature, a changed name or type: refused.
  const u = new URL(att.url);
  const forged = new URL(u); forged.searchParams.set('sig', '0'.repeat(32));
  assert.equal((await get(forged.href)).status, 404);
  const renamed = new URL(u); renamed.pathname = renamed.pathname.replace('sample.txt', 'other.txt');
  assert.equal((await get(renamed.href)).status, 404);
  const retyped = new URL(u); retyped.searchParams.set('type', 'text/html');
  assert.equal((await get(retyped.href)).status, 404);
  const later = new URL(u); later.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600));
  assert.equal((await get(later.href)).status, 404);
  const expires = Number(u.searchParams.get('expires')) * 1000;
  assert.ok(Math.abs(expires - (Date.now() + 2 * 3600 * 1000)) < 60000, 'URLs live 2 hours');
});

test('images get width, height and thumbnails, made once by libvips', async () => {
  const rec = await newRecord('image');
  const res = await upload(rec, 'Files', { contentType: 'image/png', bytes: png(600, 401), filename: 'photo.png' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const [att] = res.body.fields[files.id];
  assert.equal(att.width, 600);
  assert.equal(att.height, 401);
  assert.deepEqual(Object.fromEntries(Object.entries(att.thumbnails).map(([k, t]) => [k, [t.width, t.height]])),
    { small: [53, 36], large: [600, 401], full: [600, 401] });
  for (const [name, t] of Object.entries(att.thumbnails)) {
    const f = await get(t.url);
    assert.equal(f.status, 200, name);
    assert.equal(f.headers.get('content-type'), 'image/png');
    assert.equal(f.bytes.readUInt32BE(16), t.width, name);  // the PNG's IHDR
    assert.equal(f.bytes.readUInt32BE(20), t.height, name);
  }
  // A file that is no image has none, even when it says it is one.
  const fake = await upload(rec, 'Files', { contentType: 'image/png', bytes: 'not a png', filename: 'fake.png' });
  const item = fake.body.fields[files.id][1];
  assert.equal(item.width, undefined);
  assert.equal(item.thumbnails, undefined);
});

test('writes keep items by id and refuse unknown ids', async () => {
  const rec = await newRecord('keep');
  await upload(rec, 'Files', { bytes: 'one', filename: 'one.txt' });
  const two = await upload(rec, 'Files', { bytes: 'two', filename: 'two.txt' });
  const [a, b] = two.body.fields[files.id];
  // Reordered, one dropped, extra keys ignored.
  const kept = await server.req('PATCH', `${url}/${rec}`, { token: owner.token, body: { fields: { Files: [{ id: b.id, filename: 'ignored.txt', size: 1 }] } } });
  assert.equal(kept.status, 200, JSON.stringify(kept.body));
  assert.deepEqual(kept.body.fields.Files.map((x) => [x.id, x.filename, x.size]), [[b.id, 'two.txt', 3]]);
  const unknown = await server.req('PATCH', `${url}/${rec}`, { token: owner.token, body: { fields: { Files: [{ id: a.id }] } } });
  assert.equal(unknown.status, 422);
  assert.equal(unknown.body.error.type, 'INVALID_VALUE_FOR_COLUMN');
  const elsewhere = await server.req('POST', url, { token: owner.token, body: { fields: { Files: [{ id: b.id }] } } });
  assert.equal(elsewhere.status, 422, 'an id names an item of this record only');
  const bad = await server.req('PATCH', `${url}/${rec}`, { token: owner.token, body: { fields: { Files: 'x' } } });
  assert.equal(bad.status, 422);
  const cleared = await server.req('PATCH', `${url}/${rec}`, { token: owner.token, body: { fields: { Files: [] } } });
  assert.equal(cleared.status, 200);
  assert.equal(cleared.body.fields.Files, undefined);
});

test('upload limits: 0 bytes and 5 MB are taken, 5 MB + 1 is refused', async () => {
  const rec = await newRecord('sizes');
  const empty = await upload(rec, 'Files', { bytes: Buffer.alloc(0), filename: 'empty.bin', contentType: 'application/octet-stream' });
  assert.equal(empty.status, 200, JSON.stringify(empty.body));
  const e = empty.body.fields[files.id][0];
  assert.equal(e.size, 0);
  const got = await get(e.url);
  assert.equal(got.status, 200);
  assert.equal(got.bytes.length, 0);
  assert.match(got.headers.get('content-disposition'), /^attachment;/);  // not a type shown inline

  const five = Buffer.alloc(5 * 1024 * 1024, 7);
  const ok = await upload(rec, 'Files', { bytes: five, filename: 'five.bin', contentType: 'application/octet-stream' });
  assert.equal(ok.status, 200);
  const big = ok.body.fields[files.id][1];
  assert.equal(big.size, 5 * 1024 * 1024);
  const back = await get(big.url);
  assert.ok(back.bytes.equals(five));
  const over = await upload(rec, 'Files', { bytes: Buffer.alloc(5 * 1024 * 1024 + 1, 7), filename: 'over.bin' });
  assert.equal(over.status, 413);
  assert.equal(over.body.error.type, 'REQUEST_TOO_LARGE');
  const read = await server.req('GET', `${url}/${rec}`, { token: owner.token });
  assert.equal(read.body.fields.Files.length, 2, 'the refused file was not added');
});

test('upload errors: bad body, wrong field, unknown record, missing scope', async () => {
  const rec = await newRecord('errors');
  const path = `/v0/${base.id}/${rec}/Files/uploadAttachment`;
  const noFile = await server.req('POST', path, { token: owner.token, body: { contentType: 'text/plain', filename: 'a.txt' } });
  assert.equal(noFile.status, 422);
  assert.equal(noFile.body.error.type, 'INVALID_REQUEST_UNKNOWN');
  const notBase64 = await server.req('POST', path, { token: owner.token, body: { contentType: 'text/plain', filename: 'a.txt', file: '***' } });
  assert.equal(notBase64.status, 422);
  const text = await upload(rec, 'Notes', { bytes: 'x' });
  assert.equal(text.status, 422);
  assert.equal(text.body.error.type, 'INVALID_VALUE_FOR_COLUMN');
  const noField = await upload(rec, 'Nope', { bytes: 'x' });
  assert.equal(noField.status, 422);
  assert.equal(noField.body.error.type, 'UNKNOWN_FIELD_NAME');
  const noRecord = await upload('recAAAAAAAAAAAAAA', 'Files', { bytes: 'x' });
  assert.equal(noRecord.status, 404);
  const reader = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'r', '--scope', 'data.records:read']);
  const refused = await upload(rec, 'Files', { bytes: 'x', token: reader });
  assert.equal(refused.status, 403);
});

test('formulas and cellFormat=string see "filename (url)"', async () => {
  const rec = await newRecord('formula');
  await upload(rec, 'Files', { bytes: 'a', filename: 'fa.txt' });
  await upload(rec, 'Files', { bytes: 'b', filename: 'fb.txt' });
  const f = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${table.id}/fields`,
    { token: owner.token, body: { name: 'Count', type: 'formula', options: { formula: 'COUNTA({Files})' } } });
  assert.equal(f.status, 200, JSON.stringify(f.body));
  const g = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${table.id}/fields`,
    { token: owner.token, body: { name: 'Text', type: 'formula', options: { formula: 'ARRAYJOIN({Files}, "|")' } } });
  assert.equal(g.status, 200, JSON.stringify(g.body));
  const read = await server.req('GET', `${url}/${rec}`, { token: owner.token });
  assert.equal(read.body.fields.Count, 2);
  assert.match(read.body.fields.Text, /^fa\.txt \(.*\/files\/[0-9a-f]{64}\/fa\.txt\)\|fb\.txt \(.*\/fb\.txt\)$/);
  const found = await server.req('GET', `${url}?filterByFormula=${encodeURIComponent('FIND("fb.txt", {Files})')}`, { token: owner.token });
  assert.deepEqual(found.body.records.map((r) => r.id), [rec]);
  const text = await server.req('GET', `${url}/${rec}?cellFormat=string&timeZone=UTC&userLocale=en`, { token: owner.token });
  assert.match(text.body.fields.Files, /^fa\.txt \(http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]{64}\/fa\.txt\?type=text%2Fplain&expires=\d+&sig=[0-9a-f]{32}\), fb\.txt \(.*\)$/);
});

// pyairtable's upload_attachment, byte for byte: it sends the upload to content.airtable.com
// whatever its endpoint_url (only the host replaced), with base64.encodebytes (a newline every 76
// characters). With HTTP_PROXY pointing at airbase, the request arrives in absolute form.
test("pyairtable's upload reaches airbase as its HTTP proxy, with line-wrapped base64", async () => {
  const http = await import('node:http');
  const id = await newRecord('via proxy');
  const bytes = Buffer.from('x'.repeat(200) + '\n' + 'é'.repeat(50));
  const wrapped = bytes.toString('base64').replace(/.{76}/g, '$&\n') + '\n';
  const body = JSON.stringify({ contentType: 'text/plain', filename: 'notes.txt', file: wrapped });
  const { port } = new URL(server.url);
  const answer = await new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method: 'POST',
      path: `http://content.airtable.com/v0/${base.id}/${id}/Files/uploadAttachment`,
      headers: { Host: 'content.airtable.com', Authorization: `Bearer ${owner.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      let raw = '';
      res.on('data', (c) => { raw += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(raw) }));
    });
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const item = answer.body.fields[files.id][0];
  assert.equal(item.filename, 'notes.txt');
  assert.equal(item.size, bytes.length);
  // The file URL names the host the request named; fetched here directly, it serves the bytes.
  const direct = new URL(item.url);
  const got = await get(server.url + direct.pathname + direct.search);
  assert.equal(got.status, 200);
  assert.deepEqual(got.bytes, bytes);
});
