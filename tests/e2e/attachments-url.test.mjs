// Attachments by URL (airtable-api.md §5.8): a {"url"} item is answered at once with the URL and
// fetched in the background from a local test server; a 404, more than 3 redirects and a
// private address while the setting forbids it each drop the item; a URL that is no http(s) URL
// is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Server, makeOwner, createBase, cli } from './harness.mjs';
import { png } from './images.mjs';

let server, owner, base, table, url, source, sourceUrl, requests = [];
const image = png(40, 20);
before(async () => {
  source = http.createServer((req, res) => {
    requests.push(req.url);
    const hop = /^\/hop(\d+)$/.exec(req.url);
    if (hop) {  // /hopN redirects N more times, then to the image
      const n = Number(hop[1]);
      res.writeHead(302, { Location: n > 1 ? `/hop${n - 1}` : '/photo.png' });
      return res.end();
    }
    if (req.url === '/photo.png') {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      return res.end(image);
    }
    if (req.url === '/notes') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('hello, airbase');
    }
    if (req.url === '/slow') {
      setTimeout(() => { res.writeHead(200, { 'Content-Type': 'text/csv' }); res.end('a,b\n1,2\n'); }, 1500);
      return;
    }
    res.writeHead(404);
    res.end('not here');
  });
  await new Promise((r) => source.listen(0, '127.0.0.1', r));
  sourceUrl = `http://127.0.0.1:${source.address().port}`;
  server = await new Server(Server.freshDataDir()).start();
  cli(server.dataDir, ['settings', 'set', '--key', 'outbound.allowPrivateAddresses', '--value', 'true']);
  owner = makeOwner(server.dataDir);
  base = await createBase(server, owner.token, owner.workspaceId, 'Fetched', [{
    name: 'Docs',
    fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Files', type: 'multipleAttachments' }],
  }]);
  table = base.tables[0];
  url = `/v0/${base.id}/${table.id}`;
});
after(async () => { await server.stop(); server.cleanup(); source.close(); });

async function create(fields) {
  const r = await server.req('POST', url, { token: owner.token, body: { fields } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

// The record's Files once no item is pending any more (each fetched or dropped).
async function settled(id) {
  for (let i = 0; i < 100; i++) {
    const r = await server.req('GET', `${url}/${id}`, { token: owner.token });
    assert.equal(r.status, 200);
    const items = r.body.fields.Files || [];
    if (items.every((a) => a.size !== undefined)) return items;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('attachments still pending after 10 s');
}

test('a URL item is answered at once with the URL, then fetched: size, type, image size, thumbnails', async () => {
  const rec = await create({ Name: 'photo', Files: [{ url: `${sourceUrl}/photo.png` }, { url: `${sourceUrl}/notes`, filename: 'notes.txt' }] });
  const [a, b] = rec.fields.Files;
  assert.match(a.id, /^att[A-Za-z0-9]{14}$/);
  assert.deepEqual(a, { id: a.id, url: `${sourceUrl}/photo.png`, filename: 'photo.png' });
  assert.deepEqual(b, { id: b.id, url: `${sourceUrl}/notes`, filename: 'notes.txt' });
  const items = await settled(rec.id);
  assert.equal(items.length, 2);
  assert.equal(items[0].id, a.id, 'the id given at once stays the item id');
  assert.equal(items[0].filename, 'photo.png');
  assert.equal(items[0].type, 'image/png');
  assert.equal(items[0].size, image.length);
  assert.equal(items[0].width, 40);
  assert.equal(items[0].height, 20);
  assert.deepEqual(Object.keys(items[0].thumbnails).sort(), ['full', 'large', 'small']);
  const file = await fetch(items[0].url);
  assert.equal(file.status, 200);
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), image);
  assert.equal(items[1].id, b.id);
  assert.equal(items[1].filename, 'notes.txt');
  assert.equal(items[1].type, 'text/plain');
  assert.equal(items[1].size, 14);
  assert.equal(items[1].thumbnails, undefined);
  assert.equal(await (await fetch(items[1].url)).text(), 'hello, airbase');
});

test('a URL that answers 404 drops the item; the others stay', async () => {
  const rec = await create({ Name: 'missing', Files: [{ url: `${sourceUrl}/nothing.pdf` }, { url: `${sourceUrl}/notes` }] });
  assert.equal(rec.fields.Files.length, 2);
  const items = await settled(rec.id);
  assert.deepEqual(items.map((i) => i.filename), ['notes']);
});

test('three redirects are followed, a fourth is not', async () => {
  requests = [];
  const rec = await create({ Name: 'hops', Files: [{ url: `${sourceUrl}/hop3`, filename: 'three.png' }, { url: `${sourceUrl}/hop4`, filename: 'four.png' }] });
  const items = await settled(rec.id);
  assert.deepEqual(items.map((i) => [i.filename, i.size]), [['three.png', image.length]]);
  // The fourth redirect's target was never asked for by the hop4 chain: hop4 hop3 hop2 hop1, stop.
  assert.equal(requests.filter((u) => u === '/photo.png').length, 1);
});

test('an item kept by id while it is pending is fetched once and kept', async () => {
  const rec = await create({ Name: 'slow', Files: [{ url: `${sourceUrl}/slow`, filename: 'table.csv' }] });
  const pending = rec.fields.Files[0];
  const r = await server.req('PATCH', `${url}/${rec.id}`, { token: owner.token, body: { fields: { Files: [{ id: pending.id }, { url: `${sourceUrl}/notes` }] } } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.fields.Files[0], pending);
  const items = await settled(rec.id);
  assert.deepEqual(items.map((i) => [i.id === pending.id, i.filename, i.type]), [[true, 'table.csv', 'text/csv'], [false, 'notes', 'text/plain']]);
});

test('a URL that is not http(s) is refused and nothing is stored', async () => {
  for (const bad of ['ftp://example.com/a.txt', 'not a url', '/relative/path', 42]) {
    const r = await server.req('POST', url, { token: owner.token, body: { fields: { Name: 'bad', Files: [{ url: bad }] } } });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error.type, 'INVALID_VALUE_FOR_COLUMN');
  }
  const list = await server.req('GET', `${url}?filterByFormula=${encodeURIComponent("{Name}='bad'")}`, { token: owner.token });
  assert.deepEqual(list.body.records, []);
});

test('formulas and cellFormat=string see a pending item as filename (url)', async () => {
  const rec = await create({ Name: 'text', Files: [{ url: `${sourceUrl}/slow`, filename: 'later.csv' }] });
  const r = await server.req('GET', `${url}?cellFormat=string&timeZone=UTC&userLocale=en-us&filterByFormula=${encodeURIComponent(`RECORD_ID()='${rec.id}'`)}`, { token: owner.token });
  assert.equal(r.body.records[0].fields.Files, `later.csv (${sourceUrl}/slow)`);
  await settled(rec.id);
});

test('a private address is not fetched while the setting forbids it', async () => {
  cli(server.dataDir, ['settings', 'set', '--key', 'outbound.allowPrivateAddresses', '--value', 'false']);
  try {
    requests = [];
    const rec = await create({ Name: 'private', Files: [{ url: `${sourceUrl}/notes` }, { url: 'http://localhost:1/x' }] });
    assert.equal(rec.fields.Files.length, 2);
    const items = await settled(rec.id);
    assert.deepEqual(items, []);
    assert.deepEqual(requests, [], 'the private server was never asked');
  } finally {
    cli(server.dataDir, ['settings', 'set', '--key', 'outbound.allowPrivateAddresses', '--value', 'true']);
  }
});

test('webhooks hear the fetched item as a change of the cell, with its file', async () => {
  const hooks = `/v0/bases/${base.id}/webhooks`;
  const token = cli(server.dataDir, ['token', 'create', '--user', owner.email, '--name', 'hooks', '--scope', 'webhook:manage', '--scope', 'data.records:read']);
  const files = table.fields.find((f) => f.name === 'Files');
  const made = await server.req('POST', hooks, { token, body: { specification: { options: { filters: { dataTypes: ['tableData'], watchDataInFieldIds: [files.id] }, includes: { includePreviousCellValues: true } } } } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const rec = await create({ Name: 'hooked', Files: [{ url: `${sourceUrl}/notes`, filename: 'n.txt' }] });
  await settled(rec.id);
  const page = await server.req('GET', `${hooks}/${made.body.id}/payloads`, { token });
  assert.equal(page.status, 200);
  const changes = page.body.payloads.map((p) => p.changedTablesById[table.id]);
  assert.equal(changes.length, 2, JSON.stringify(changes));
  assert.deepEqual(Object.keys(changes[0].createdRecordsById), [rec.id]);
  const fetched = changes[1].changedRecordsById[rec.id];
  const [now] = fetched.current.cellValuesByFieldId[files.id];
  const [before] = fetched.previous.cellValuesByFieldId[files.id];
  assert.equal(before.url, `${sourceUrl}/notes`);
  assert.equal(before.size, undefined);
  assert.equal(now.id, before.id);
  assert.equal(now.size, 14);
  assert.equal(now.type, 'text/plain');
  await server.req('DELETE', `${hooks}/${made.body.id}`, { token });
});

// A CSV round trip: cellFormat=string (and the web app's CSV export) writes "filename (url)";
// written back with typecast, this server's own signed URLs are taken from its blob store at once
// (no fetch, so loopback or not does not matter), other URLs are fetched.
test('files written back as "filename (url)" text with typecast come back whole', async () => {
  const rec = await create({ Name: 'orig', Files: [{ url: `${sourceUrl}/notes`, filename: 'notes.txt' }] });
  const [orig] = await settled(rec.id);
  const text = await server.req('GET', `${url}?${new URLSearchParams({ filterByFormula: "{Name}='orig'", cellFormat: 'string', timeZone: 'UTC', userLocale: 'en' })}`, { token: owner.token });
  const cell = text.body.records[0].fields.Files;
  assert.match(cell, /^notes\.txt \(http:\/\/.+\/files\/[0-9a-f]{64}\/notes\.txt\?/);
  const fetchesBefore = requests.length;
  const copy = await server.req('POST', url, { token: owner.token, body: { fields: { Name: 'copy', Files: `${cell}, ${sourceUrl}/photo.png` }, typecast: true } });
  assert.equal(copy.status, 200, JSON.stringify(copy.body));
  const [own, foreign] = copy.body.fields.Files;
  assert.notEqual(own.id, orig.id);
  assert.deepEqual([own.filename, own.size, own.type], ['notes.txt', orig.size, orig.type], 'whole at once');
  assert.equal(foreign.url, `${sourceUrl}/photo.png`, 'pending, to fetch');
  const items = await settled(copy.body.id);
  assert.equal(items[1].width, 40);
  assert.equal(requests.length, fetchesBefore + 1, 'only the foreign URL was fetched');
  const bytes = Buffer.from(await (await fetch(items[0].url)).arrayBuffer());
  assert.equal(bytes.toString(), 'hello, airbase');
  // Without typecast, text is no attachment.
  const plain = await server.req('POST', url, { token: owner.token, body: { fields: { Files: cell } } });
  assert.equal(plain.status, 422);
});

test('text becomes attachments (own files at once, other URLs fetched) and attachments become text', async () => {
  const fields = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${table.id}/fields`, { token: owner.token, body: { name: 'Links', type: 'multilineText' } });
  assert.equal(fields.status, 200, JSON.stringify(fields.body));
  const linksId = fields.body.id;
  const rec = await create({ Name: 'src', Files: [{ url: `${sourceUrl}/notes`, filename: 'n.txt' }] });
  const [file] = await settled(rec.id);
  const rows = [
    await create({ Name: 'own', Links: `n.txt (${file.url})` }),
    await create({ Name: 'foreign', Links: `${sourceUrl}/photo.png` }),
    await create({ Name: 'junk', Links: 'not a file at all' }),
  ];
  const { signIn } = await import('./harness.mjs');
  const { cookie, csrf } = await signIn(server, owner.email, 'correct horse battery');
  const change = (type) => fetch(`${server.url}/api/web/${base.id}/${table.id}/fields/${linksId}`, {
    method: 'PATCH', headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ type }),
  });
  const changed = await change('multipleAttachments');
  assert.equal(changed.status, 200, await changed.text());
  const read = async (id) => (await server.req('GET', `${url}/${id}`, { token: owner.token })).body.fields.Links;
  const own = await read(rows[0].id);
  assert.deepEqual([own[0].filename, own[0].size], ['n.txt', file.size]);
  for (let i = 0; i < 100 && !(await read(rows[1].id))?.[0]?.width; i++) await new Promise((r) => setTimeout(r, 100));
  const foreign = await read(rows[1].id);
  assert.deepEqual([foreign[0].filename, foreign[0].width, foreign[0].height], ['photo.png', 40, 20]);
  assert.equal(await read(rows[2].id), undefined, 'what is no file is cleared');

  const back = await change('singleLineText');
  assert.equal(back.status, 200, await back.text());
  assert.match(await read(rows[0].id), /^n\.txt \(http:\/\/.+\/files\/[0-9a-f]{64}\/n\.txt\?/);
});
