// `airbase base import` (docs/BASE_FORMAT.md): a base document made a base again in one
// transaction, with the document's ids (--keep-ids) or new ones whose references follow; export
// -> import --keep-ids -> export gives the same document; a document that is malformed, of a
// newer version, or that names a taken id or a record it does not hold is refused whole.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { Server, makeOwner, createBase, cli, BIN, storeArgs } from './harness.mjs';

let source, target, owner, targetOwner, base, tasks, people, commentToken, docPath, doc;

const exportOf = (server, id, ...flags) => JSON.parse(cli(server.dataDir, ['base', 'export', '--base', id, '--comments', ...flags]));
const write = (name, value) => {
  const p = path.join(source.dataDir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
};
// {status, stdout (trimmed), stderr}, whether it succeeds or not.
const importInto = (server, ws, file, ...flags) => {
  const r = spawnSync(BIN, ['base', 'import', '--file', file, '--workspace', ws, ...flags, ...storeArgs(server.dataDir)], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
};
const baseIds = async (server, token) => (await server.req('GET', '/v0/meta/bases', { token })).body.bases.map((b) => b.id);
// A record list as a client reads it, attachment URLs (signed per server) left out.
const listOf = async (server, token, baseId, table) => {
  const res = await server.req('GET', `/v0/${baseId}/${table}`, { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return JSON.parse(JSON.stringify(res.body.records, (k, v) => (k === 'url' || k === 'thumbnails' ? undefined : v)));
};

before(async () => {
  source = await new Server(Server.freshDataDir()).start();
  target = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(source.dataDir);
  targetOwner = makeOwner(target.dataDir, 'other@example.com', 'Other');
  base = await createBase(source, owner.token, owner.workspaceId, 'Tracker', [
    { name: 'People', fields: [{ name: 'Name', type: 'singleLineText' }] },
    {
      name: 'Tasks',
      fields: [
        { name: 'Title', type: 'singleLineText' },
        { name: 'N', type: 'number', options: { precision: 1 } },
        { name: 'State', type: 'singleSelect', options: { choices: [{ name: 'Open', color: 'blueLight2' }, { name: 'Done' }] } },
        { name: 'Tags', type: 'multipleSelects', options: { choices: [{ name: 'x' }, { name: 'y' }] } },
        { name: 'Due', type: 'date', options: { dateFormat: { name: 'iso' } } },
        { name: 'Owner', type: 'singleCollaborator' },
        { name: 'Files', type: 'multipleAttachments' },
        { name: 'Seq', type: 'autoNumber' },
        { name: 'Changed', type: 'lastModifiedTime' },
        { name: 'Creator', type: 'createdBy' },
      ],
    },
  ]);
  [people, tasks] = base.tables;
  const meta = (body) => source.req('POST', `/v0/meta/bases/${base.id}/tables/${tasks.id}/fields`, { token: owner.token, body });
  assert.equal((await meta({ name: 'Who', type: 'multipleRecordLinks', options: { linkedTableId: people.id } })).status, 200);
  assert.equal((await meta({ name: 'Twice', type: 'formula', options: { formula: '{N} * 2' } })).status, 200);
  const schema = (await source.req('GET', `/v0/meta/bases/${base.id}/tables`, { token: owner.token })).body.tables;
  const whoCount = await source.req('POST', `/v0/meta/bases/${base.id}/tables/${people.id}/fields`, {
    token: owner.token, body: { name: 'Tasks count', type: 'count', options: { recordLinkFieldId: schema[0].fields.find((f) => f.name === 'Tasks').id } },
  });
  assert.equal(whoCount.status, 200, JSON.stringify(whoCount.body));
  commentToken = cli(source.dataDir, ['token', 'create', '--user', owner.email, '--name', 'c', '--scope', 'data.recordComments:write', '--scope', 'data.recordComments:read', '--scope', 'data.records:read']);

  const ann = await source.req('POST', `/v0/${base.id}/${people.id}`, { token: owner.token, body: { records: [{ fields: { Name: 'Ann' } }, { fields: { Name: 'Bob' } }] } });
  const [a, b] = ann.body.records.map((r) => r.id);
  const rows = [];
  for (let i = 0; i < 30; i += 10) {
    const records = Array.from({ length: 10 }, (_, k) => ({
      fields: { Title: `t${i + k}`, N: (i + k) / 2, State: k % 2 ? 'Open' : 'Done', Tags: ['y', 'x'], Due: '2026-01-0' + ((k % 9) + 1), Who: k % 3 ? [b, a] : [a] },
    }));
    const res = await source.req('POST', `/v0/${base.id}/${tasks.id}`, { token: owner.token, body: { records } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    rows.push(...res.body.records);
  }
  // A deleted record leaves a gap in the autoNumbers; an edited one a later modified time.
  await source.req('DELETE', `/v0/${base.id}/${tasks.id}/${rows[5].id}`, { token: owner.token });
  const first = rows[0].id;
  assert.equal((await source.req('PATCH', `/v0/${base.id}/${tasks.id}/${first}`, { token: owner.token, body: { fields: { Owner: { email: owner.email } } } })).status, 200);
  const up = await source.req('POST', `/v0/${base.id}/${first}/Files/uploadAttachment`, { token: owner.token, body: { contentType: 'text/plain', file: Buffer.from('hello').toString('base64'), filename: 'h.txt' } });
  assert.equal(up.status, 200, JSON.stringify(up.body));
  const cpath = `/v0/${base.id}/${tasks.id}/${first}/comments`;
  const c1 = await source.req('POST', cpath, { token: commentToken, body: { text: 'first' } });
  await source.req('POST', cpath, { token: commentToken, body: { text: 'a reply', parentCommentId: c1.body.id } });
  await source.req('PATCH', `${cpath}/${c1.body.id}`, { token: commentToken, body: { text: 'first, edited' } });
  // A view with config.
  const view = await source.req('POST', `/v0/meta/bases/${base.id}/tables/${tasks.id}/views`, { token: owner.token, body: { name: 'Open ones', type: 'grid' } });
  assert.ok([200, 404].includes(view.status));
  doc = exportOf(source, base.id);
  docPath = write('base.json', doc);
});
after(async () => {
  await source.stop(); source.cleanup();
  await target.stop(); target.cleanup();
});

test('--keep-ids on another server: the same document comes back out, and clients read the same records', async () => {
  // Without --files the bytes stay behind, and the import says so.
  const bare = importInto(target, targetOwner.workspaceId, docPath);
  assert.equal(bare.status, 0, bare.stderr);
  assert.match(bare.stderr, /1 attachment files are not on this server \(export them with --files\)/);
  const withFiles = exportOf(source, base.id, '--files');
  assert.deepEqual(Object.keys(withFiles.files), [doc.tables[1].records[0].fields[doc.tables[1].fields.find((f) => f.name === 'Files').id][0].hash]);
  assert.equal(Buffer.from(Object.values(withFiles.files)[0], 'base64').toString(), 'hello');
  const r = importInto(target, targetOwner.workspaceId, write('with-files.json', withFiles), '--keep-ids');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.split('\n')[0], base.id, 'the base keeps its id');
  assert.doesNotMatch(r.stderr, /not on this server/);
  assert.deepEqual(exportOf(target, base.id, '--files').files, withFiles.files);
  const again = exportOf(target, base.id);
  assert.deepEqual(again.workspace, { id: targetOwner.workspaceId, name: 'Main' });
  assert.deepEqual({ ...again, workspace: null }, { ...doc, workspace: null }, 'export -> import -> export is the same document');
  const readToken = cli(target.dataDir, ['token', 'create', '--user', targetOwner.email, '--name', 'r', '--scope', 'data.records:read', '--scope', 'schema.bases:read']);
  for (const t of [people.id, tasks.id]) {
    const a = await listOf(source, owner.token, base.id, t);
    const b = await listOf(target, readToken, base.id, t);
    // autoNumber is the row's order of insertion (the deleted record's number is not kept).
    const strip = (rs) => rs.map((x) => ({ ...x, fields: { ...x.fields, Seq: undefined } }));
    assert.deepEqual(strip(b), strip(a), `table ${t} reads the same`);
  }
  const tasksB = await listOf(target, readToken, base.id, tasks.id);
  assert.equal(tasksB[0].fields.Twice, 0, 'formulas computed again');
  assert.equal(tasksB[1].fields.Twice, 1);
  const peopleB = await listOf(target, readToken, base.id, people.id);
  assert.deepEqual(peopleB.map((p) => p.fields['Tasks count']), [29, 17], 'links on both sides, counts computed');
  const one = await target.req('GET', `/v0/${base.id}/${tasks.id}/${tasksB[0].id}/comments`, { token: cli(target.dataDir, ['token', 'create', '--user', targetOwner.email, '--name', 'c', '--scope', 'data.recordComments:read']) });
  assert.equal(one.status, 200, JSON.stringify(one.body));
  assert.deepEqual(one.body.comments.map((c) => c.text), ['a reply', 'first, edited']);
  const rec = await target.req('GET', `/v0/${base.id}/${tasks.id}/${tasksB[0].id}`, { token: readToken });
  assert.equal(await (await fetch(rec.body.fields.Files[0].url)).text(), 'hello', 'the file came with the document');
});

test('without --keep-ids: every id is new and every reference follows it', async () => {
  const before = await baseIds(source, owner.token);
  const r = importInto(source, owner.workspaceId, docPath);
  assert.equal(r.status, 0, r.stderr);
  const id = r.stdout;
  assert.notEqual(id, base.id);
  assert.deepEqual(await baseIds(source, owner.token), [...before, id]);
  const copy = exportOf(source, id);
  const ID = /\b(?:app|tbl|fld|viw|rec|att|com)[A-Za-z0-9]{14}\b/g;
  const ids = (d) => JSON.stringify(d).match(ID).filter((x) => x !== 'recordLinkFieldId');
  const old = new Set(ids(doc));
  for (const x of ids(copy)) assert.ok(!old.has(x), `${x} is an id of the original`);
  // The same base, once the ids are put back through a map built in document order.
  const map = new Map();
  const a = ids(doc), b = ids(copy);
  assert.equal(a.length, b.length);
  a.forEach((x, i) => { if (!map.has(x)) map.set(x, b[i]); assert.equal(map.get(x), b[i], `${x} maps to one id`); });
  const renamed = JSON.parse(JSON.stringify(doc).replace(ID, (x) => map.get(x) ?? x));
  assert.deepEqual({ ...copy, workspace: null }, { ...renamed, workspace: null });
  const list = await listOf(source, owner.token, id, 'Tasks');
  assert.equal(list.length, 29);
  assert.equal(list[3].fields.Twice, 3, 'the formula reads the new field id');
  assert.equal(list[0].fields.Files[0].filename, 'h.txt');
  const file = await source.req('GET', `/v0/${id}/Tasks/${list[0].id}`, { token: owner.token });
  const res = await fetch(file.body.fields.Files[0].url);
  assert.equal(await res.text(), 'hello', 'the file is the one this server holds');
});

test('a taken id, a newer version, malformed files and dangling links are refused whole', async () => {
  const before = await baseIds(source, owner.token);
  const refused = (file, re, ...flags) => {
    const r = importInto(source, owner.workspaceId, file, ...flags);
    assert.notEqual(r.status, 0, `refused: ${file}`);
    assert.match(r.stderr, re);
  };
  refused(docPath, new RegExp(`base id ${base.id} is taken`), '--keep-ids');
  const fresh = (mutate) => { const d = structuredClone(doc); d.base.id = 'appFreshBase00000'; mutate(d); return d; };
  refused(write('taken-table.json', fresh(() => {})), new RegExp(`table id ${people.id} is taken`), '--keep-ids');
  refused(write('newer.json', { ...doc, version: 2 }), /version 2 of the base format; this airbase reads versions up to 1/);
  refused(write('not-ours.json', { ...doc, format: 'csv' }), /not an airbase base document/);
  const text = readFileSync(docPath, 'utf8');
  refused(write('cut.json', text.slice(0, text.length / 2)), /is not valid JSON: it ends too early/);
  refused(write('garbage.json', text.replace('"tables":[', '"tables":[,')), /is not valid JSON: .* \(at byte \d+\)/);
  refused(write('twice.json', fresh((d) => { d.tables[1].records[1].id = d.tables[1].records[0].id; })), /the record rec\w+ appears twice/);
  refused(write('dangling.json', fresh((d) => {
    const who = d.tables[1].fields.find((f) => f.name === 'Who').id;
    d.tables[1].records[2].fields[who] = ['recNoSuchRecord00'];
  })), /a link names recNoSuchRecord00, which is not a record of table People/);
  refused(write('bad-cell.json', fresh((d) => {
    const n = d.tables[1].fields.find((f) => f.name === 'N').id;
    d.tables[1].records[28].fields[n] = 'many';
  })), /record rec\w+ of table Tasks, field N: /);
  refused(write('bad-choice.json', fresh((d) => {
    const s = d.tables[1].fields.find((f) => f.name === 'State').id;
    d.tables[1].records[3].fields[s] = 'Nope';
  })), /field State/);
  refused(write('bad-primary.json', fresh((d) => { d.tables[0].primaryFieldId = 'fldNotAFieldHere0'; })), /primaryFieldId/);
  refused(write('bad-link.json', fresh((d) => {
    d.tables[1].fields.find((f) => f.name === 'Who').options.linkedTableId = 'tblNotATableHere0';
  })), /links to a table the document does not hold/);
  refused(write('bad-file.json', fresh((d) => { d.files = { ['a'.repeat(64)]: Buffer.from('not it').toString('base64') }; })), /the bytes of a{64} are not its/);
  refused(write('dup-field.json', fresh((d) => { d.tables[1].fields[1].id = d.tables[1].fields[0].id; })), /appears twice/);
  const nowhere = importInto(source, 'wspNoSuchSpace000', docPath);
  assert.notEqual(nowhere.status, 0);
  assert.match(nowhere.stderr, /no workspace wspNoSuchSpace000/);
  assert.deepEqual(await baseIds(source, owner.token), before, 'nothing was created');
});

test('a hand-written fixture: names for fields, no createdTime, no views', async () => {
  const fixture = {
    format: 'airbase.base', version: 1,
    base: { id: 'appFixture0000001', name: 'Fixture' },
    tables: [{
      id: 'tblFixture0000001', name: 'Items', primaryFieldId: 'fldFixture0000001',
      fields: [{ id: 'fldFixture0000001', name: 'Name', type: 'singleLineText' }, { id: 'fldFixture0000002', name: 'Qty', type: 'number', options: { precision: 0 } }],
      records: [{ id: 'recFixture0000001', fields: { Name: 'bolt', Qty: 3 } }, { id: 'recFixture0000002', fields: { fldFixture0000001: 'nut' } }],
    }],
  };
  const r = importInto(source, owner.workspaceId, write('fixture.json', fixture), '--keep-ids');
  assert.equal(r.status, 0, r.stderr);
  const res = await source.req('GET', '/v0/appFixture0000001/Items/recFixture0000001', { token: owner.token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.fields, { Name: 'bolt', Qty: 3 });
  const schema = await source.req('GET', '/v0/meta/bases/appFixture0000001/tables', { token: owner.token });
  assert.deepEqual(schema.body.tables[0].views.map((v) => [v.name, v.type]), [['Grid view', 'grid']], 'a default view');
});

// The records are read one at a time: importing a document far larger than the memory it may
// use. The anonymous memory (the heap: what holding the document would take; SQLite's page
// cache is 32 MB of it) is sampled from /proc while the import runs.
test('a 100,000-record document of 128 MB streams in, with a progress bar on a terminal', async (t) => {
  const N = 100000;
  const file = path.join(source.dataDir, 'big.json');
  const notes = 'lorem ipsum dolor sit amet '.repeat(44);
  const parts = [JSON.stringify({ format: 'airbase.base', version: 1, base: { id: 'appBigBase0000001', name: 'Big' } }).slice(0, -1),
    ',"tables":[{"id":"tblBigTable000001","name":"Rows","primaryFieldId":"fldBigName0000001","fields":[',
    '{"id":"fldBigName0000001","name":"Name","type":"singleLineText"},{"id":"fldBigNotes000001","name":"Notes","type":"multilineText"},',
    '{"id":"fldBigN0000000001","name":"N","type":"number","options":{"precision":0}}],"records":['];
  const rec = (i) => `{"id":"rec${String(i).padStart(14, '0')}","createdTime":"2026-01-01T00:00:00.000Z","fields":{"fldBigName0000001":"row ${i}","fldBigNotes000001":"${notes}","fldBigN0000000001":${i}}}`;
  for (let i = 0; i < N; ++i) parts.push((i ? ',' : '') + rec(i));
  parts.push(']}]}');
  writeFileSync(file, parts.join(''));
  const size = readFileSync(file).length;
  assert.ok(size > 128e6, `${size} bytes`);

  // `script` gives the import a terminal, so it draws its progress bar.
  const cmd = [BIN, 'base', 'import', '--file', file, '--workspace', owner.workspaceId, '--keep-ids', ...storeArgs(source.dataDir)]
    .map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qefc', cmd, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let peak = 0, samples = 0;
  const sample = () => {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let status;
      try { status = readFileSync(`/proc/${pid}/status`, 'utf8'); } catch { continue; }
      // `script` runs the command through $SHELL, which may or may not exec it: the import is
      // found by its name and command line, not as a child of `script`.
      if (!/^Name:\s+airbase$/m.test(status)) continue;
      let argv;
      try { argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { continue; }
      if (!argv.includes('import') || !argv.includes(file)) continue;
      const anon = status.match(/^RssAnon:\s+(\d+) kB$/m);
      if (anon) { peak = Math.max(peak, Number(anon[1]) * 1024); ++samples; }
    }
  };
  const timer = setInterval(sample, 10);
  const code = await exited;
  clearInterval(timer);
  assert.equal(code, 0, out);
  assert.ok(samples > 0, 'the import was sampled while it ran');
  t.diagnostic(`peak anonymous memory ${Math.round(peak / 1048576)} MiB, ${samples} samples`);
  assert.ok(peak < 64 * 1024 * 1024, `peak anonymous memory ${Math.round(peak / 1048576)} MiB for a ${Math.round(size / 1048576)} MiB document`);
  assert.match(out, /appBigBase0000001/);
  assert.match(out, /\r\x1b\[KRows\s+\[#{5,}\s*\] \d+ \/ 100000 records/, 'a progress bar');
  assert.match(out, /\[#{30}\] 100000 \/ 100000 records/);
  assert.match(out, /imported 1 tables, 100000 records, 0 comments/);
  const count = await source.req('GET', '/v0/appBigBase0000001/Rows?pageSize=1&offset=', { token: owner.token });
  assert.equal(count.status, 200);
  const last = await source.req('GET', `/v0/appBigBase0000001/Rows/rec${String(N - 1).padStart(14, '0')}`, { token: owner.token });
  assert.deepEqual(last.body.fields, { Name: `row ${N - 1}`, Notes: notes, N: N - 1 });
});
