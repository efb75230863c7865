// `airbase clone` (issue 12) with a second airbase as the source: a base with every field type
// airbase has, 10,000 records, comments and attachments, read through the public API with the
// source's rate limits on; the clone interrupted half-way and resumed; then `--again` after edits,
// creations and deletions on the source. Both bases are compared record by record (their base
// documents, which hold every stored cell, comment and file hash).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Server, makeOwner, createBase, cli, BIN, storeArgs, dropStore } from './harness.mjs';

const N = 10000;
let source, owner, base, tasks, people, targetDir, target;

const exportOf = (dataDir, id) => {
  const r = spawnSync(BIN, ['base', 'export', '--base', id, '--comments', '--files', ...storeArgs(dataDir)], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};
// The document without what legitimately differs: the workspace it sits in.
const comparable = (doc) => ({ ...doc, workspace: null });
let reader;  // the clone's token: records, schema and comments read
const cloneArgs = (...more) => ['clone', '--from', source.url, '--token', reader, '--base', base.id, ...more, ...storeArgs(targetDir)];
const run = (args) => spawnSync(BIN, args, { encoding: 'utf8', timeout: 600000 });

before(async () => {
  // The source is built with its rate limits off, then restarted with them on.
  let s = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(s.dataDir);
  const select = { choices: [{ name: 'Open', color: 'blueLight2' }, { name: 'Done', color: 'greenLight2' }] };
  base = await createBase(s, owner.token, owner.workspaceId, 'Everything', [
    { name: 'People', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Mail', type: 'email' }] },
    {
      name: 'Tasks',
      fields: [
        { name: 'Title', type: 'singleLineText' },
        { name: 'Notes', type: 'multilineText' },
        { name: 'Rich', type: 'richText' },
        { name: 'Mail', type: 'email' },
        { name: 'Site', type: 'url' },
        { name: 'Phone', type: 'phoneNumber' },
        { name: 'N', type: 'number', options: { precision: 2 } },
        { name: 'Price', type: 'currency', options: { precision: 2, symbol: '€' } },
        { name: 'Share', type: 'percent', options: { precision: 1 } },
        { name: 'Stars', type: 'rating', options: { max: 5, icon: 'star', color: 'yellowBright' } },
        { name: 'Ok', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } },
        { name: 'State', type: 'singleSelect', options: select },
        { name: 'Tags', type: 'multipleSelects', options: { choices: [{ name: 'x' }, { name: 'y' }, { name: 'z' }] } },
        { name: 'Day', type: 'date', options: { dateFormat: { name: 'iso' } } },
        { name: 'At', type: 'dateTime', options: { dateFormat: { name: 'iso' }, timeFormat: { name: '24hour' }, timeZone: 'utc' } },
        { name: 'Took', type: 'duration', options: { durationFormat: 'h:mm' } },
        { name: 'Owner', type: 'singleCollaborator' },
        { name: 'Team', type: 'multipleCollaborators' },
        { name: 'Code', type: 'barcode' },
        { name: 'Files', type: 'multipleAttachments' },
        { name: 'Seq', type: 'autoNumber' },
        { name: 'Made', type: 'createdTime' },
        { name: 'Changed', type: 'lastModifiedTime' },
        { name: 'Maker', type: 'createdBy' },
        { name: 'Editor', type: 'lastModifiedBy' },
      ],
    },
  ]);
  [people, tasks] = base.tables;
  const field = async (table, body) => {
    const r = await s.req('POST', `/v0/meta/bases/${base.id}/tables/${table}/fields`, { token: owner.token, body });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const who = await field(tasks.id, { name: 'Who', type: 'multipleRecordLinks', options: { linkedTableId: people.id } });
  await field(tasks.id, { name: 'Who names', type: 'multipleLookupValues', options: { recordLinkFieldId: who.id, fieldIdInLinkedTable: people.fields[0].id } });
  await field(tasks.id, { name: 'Who count', type: 'count', options: { recordLinkFieldId: who.id } });
  await field(tasks.id, { name: 'Who list', type: 'rollup', options: { recordLinkFieldId: who.id, fieldIdInLinkedTable: people.fields[0].id, formula: 'ARRAYJOIN(values)' } });
  await field(tasks.id, { name: 'Twice', type: 'formula', options: { formula: '{N} * 2' } });
  await field(tasks.id, { name: 'Go', type: 'button', options: { label: 'Open', urlFormula: "'https://example.com/' & {Title}" } });

  const ppl = await s.req('POST', `/v0/${base.id}/${people.id}`, { token: owner.token, body: { records: [{ fields: { Name: 'Ann', Mail: 'ann@example.com' } }, { fields: { Name: 'Bob' } }] } });
  const [ann, bob] = ppl.body.records.map((r) => r.id);
  const me = { email: owner.email };
  for (let i = 0; i < N; i += 10) {
    const records = Array.from({ length: 10 }, (_, k) => {
      const n = i + k;
      return {
        fields: {
          Title: `task ${n}`, Notes: n % 7 ? undefined : `line one\nline two ${n}`, Rich: n % 11 ? undefined : `**bold** ${n}`,
          Mail: `t${n}@example.com`, Site: n % 3 ? undefined : `https://example.com/${n}`, Phone: n % 5 ? undefined : '+1 555 0100',
          N: n / 4, Price: n % 2 ? 9.99 : undefined, Share: 0.25, Stars: (n % 5) + 1, Ok: n % 2 === 0, State: n % 3 ? 'Open' : 'Done',
          Tags: n % 4 ? ['z', 'x'] : [], Day: `2026-0${(n % 9) + 1}-1${n % 10}`, At: '2026-03-04T05:06:07.000Z', Took: 3600 + n,
          Owner: n % 9 ? undefined : me, Team: n % 13 ? undefined : [me], Code: n % 17 ? undefined : { text: `code-${n}`, type: 'code128' },
          Who: n % 2 ? [bob, ann] : [ann],
        },
      };
    });
    const r = await s.req('POST', `/v0/${base.id}/${tasks.id}`, { token: owner.token, body: { records, typecast: true } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const list = await s.req('GET', `/v0/${base.id}/${tasks.id}?pageSize=30`, { token: owner.token });
  const commenter = cli(s.dataDir, ['token', 'create', '--user', owner.email, '--name', 'c', '--scope', 'data.recordComments:write']);
  for (const [i, r] of list.body.records.slice(0, 20).entries()) {
    const p = `/v0/${base.id}/${tasks.id}/${r.id}/comments`;
    const c = await s.req('POST', p, { token: commenter, body: { text: `comment on ${i}` } });
    if (i % 4 === 0) await s.req('POST', p, { token: commenter, body: { text: 'a reply', parentCommentId: c.body.id } });
  }
  for (const [i, r] of list.body.records.slice(20, 23).entries()) {
    const up = await s.req('POST', `/v0/${base.id}/${r.id}/Files/uploadAttachment`, { token: owner.token, body: { contentType: 'text/plain', file: Buffer.from(`file ${i}`).toString('base64'), filename: `f${i}.txt` } });
    assert.equal(up.status, 200, JSON.stringify(up.body));
  }
  reader = cli(s.dataDir, ['token', 'create', '--user', owner.email, '--name', 'clone', '--scope', 'data.records:read', '--scope', 'schema.bases:read', '--scope', 'data.recordComments:read']);
  await s.stop();
  source = await new Server(s.dataDir, ['--rate-limits', 'on']).start();
  // The clone's own data directory, with a workspace for it.
  targetDir = Server.freshDataDir();
  target = makeOwner(targetDir, 'cloner@example.com', 'Cloner');
});
after(async () => {
  await source?.stop(); source?.cleanup();
  dropStore(targetDir);
});

test('a clone interrupted half-way resumes, and ends equal to its source record by record', async (t) => {
  const args = cloneArgs('--workspace', target.workspaceId);
  const state = path.join(targetDir, 'clones', base.id, 'state.json');
  // Interrupted: killed once part of Tasks is in.
  const first = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let firstErr = '', gone = false;
  first.stderr.on('data', (d) => { firstErr += d; });
  const exited = new Promise((resolve) => first.on('exit', (code) => { gone = true; resolve(code); }));
  let seen = 0;
  while (seen < 3000) {
    assert.ok(!gone, `the clone ended before it was interrupted: ${firstErr}`);
    await new Promise((r) => setTimeout(r, 100));
    try { seen = JSON.parse(readFileSync(state, 'utf8')).tables[tasks.id]?.records ?? 0; } catch { /* being written */ }
  }
  first.kill('SIGKILL');
  await exited;
  assert.ok(existsSync(state), 'the pages fetched are kept');
  const half = JSON.parse(readFileSync(state, 'utf8')).tables[tasks.id];
  assert.ok(half.records >= 3000 && half.records < N && !half.done, JSON.stringify(half));
  const t0 = performance.now();
  const r = run(args);
  assert.equal(r.status, 0, r.stderr);
  t.diagnostic(`resumed clone: ${Math.round(performance.now() - t0)} ms; ${r.stderr.replace(/\n/g, ' | ')}`);
  assert.equal(r.stdout.trim(), base.id, 'the clone has the source\'s id');
  assert.match(r.stderr, /, resumed/);
  assert.match(r.stderr, /Tasks: 10000 records/);
  assert.match(r.stderr, /\b25 comments, 3 files\b/);
  assert.match(r.stderr, /not carried over:\n(.|\n)*the filters, sorts and hidden fields of its 1 views/);
  assert.ok(!existsSync(path.dirname(state)), 'the work directory goes once the clone is made');
  assert.deepEqual(comparable(exportOf(targetDir, base.id)), comparable(exportOf(source.dataDir, base.id)));
  // And the same through the API: a record read from each, files included.
  const server = await new Server(targetDir).start();
  try {
    const rec = (await source.req('GET', `/v0/${base.id}/${tasks.id}?pageSize=30`, { token: owner.token })).body.records[21];
    const there = await server.req('GET', `/v0/${base.id}/${tasks.id}/${rec.id}`, { token: target.token });
    const strip = (x) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'url' || k === 'thumbnails' ? undefined : v)));
    assert.deepEqual(strip(there.body), strip(rec));
    assert.equal(await (await fetch(there.body.fields.Files[0].url)).text(), 'file 1');
  } finally {
    await server.stop();
  }
  const again = run(cloneArgs('--workspace', target.workspaceId));
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /is here already; --again brings it up to date/);
});

test('--again brings the clone up to date: edits, new records and deletions', async () => {
  const page = (await source.req('GET', `/v0/${base.id}/${tasks.id}?pageSize=40`, { token: owner.token })).body.records;
  const list = page.slice(0, 10);
  const edit = await source.req('PATCH', `/v0/${base.id}/${tasks.id}`, { token: owner.token, body: { records: list.slice(0, 5).map((r, i) => ({ id: r.id, fields: { Title: `edited ${i}`, Notes: null, Tags: ['y'] } })) } });
  assert.equal(edit.status, 200, JSON.stringify(edit.body));
  const del = await source.req('DELETE', `/v0/${base.id}/${tasks.id}?${list.slice(5, 8).map((r) => `records[]=${r.id}`).join('&')}`, { token: owner.token });
  assert.equal(del.status, 200, JSON.stringify(del.body));
  const add = await source.req('POST', `/v0/${base.id}/${tasks.id}`, { token: owner.token, body: { records: [{ fields: { Title: 'new one', Who: [] } }, { fields: { Title: 'new two', N: 2 } }] } });
  assert.equal(add.status, 200, JSON.stringify(add.body));
  // Comments change no record's modified time: added to a record that had some and to one that
  // had none, both otherwise unchanged, they come over too.
  const commenter = cli(source.dataDir, ['token', 'create', '--user', owner.email, '--name', 'c2', '--scope', 'data.recordComments:write']);
  await new Promise((r) => setTimeout(r, 1100));  // the source's rate limit: 5 requests a second
  for (const r of [list[9], page[35]]) {
    const c = await source.req('POST', `/v0/${base.id}/${tasks.id}/${r.id}/comments`, { token: commenter, body: { text: 'said later' } });
    assert.equal(c.status, 200, JSON.stringify(c.body));
  }
  const r = run(cloneArgs('--again'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Tasks: 2 added, 5 changed, 3 deleted/);
  assert.match(r.stderr, /People: 0 added, \d+ changed, 0 deleted/);
  assert.deepEqual(comparable(exportOf(targetDir, base.id)), comparable(exportOf(source.dataDir, base.id)));
});
