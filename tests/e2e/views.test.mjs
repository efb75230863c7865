// Views saved from the web app (sorts, filter conditions, hidden fields) and the grid's id/record
// endpoints: the public API applies a view's saved sort and filter when a request names it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase, cli, signIn } from './harness.mjs';

let server, owner, base, table, view, cookie, csrf;
const recs = {};

async function web(method, path, body, { session = true } = {}) {
  const headers = {};
  if (session) { headers.Cookie = cookie; headers['X-CSRF-Token'] = csrf; }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(server.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, body: json };
}


before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  base = await createBase(server, owner.token, owner.workspaceId, 'Views', [{
    name: 'Tasks',
    fields: [
      { name: 'Name', type: 'singleLineText' },
      { name: 'Count', type: 'number', options: { precision: 0 } },
      { name: 'Status', type: 'singleSelect', options: { choices: [{ name: 'Open' }, { name: 'Closed, done' }] } },
      { name: 'Done', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } },
      { name: 'Due', type: 'date', options: { dateFormat: { name: 'iso' } } },
      { name: 'Tags', type: 'multipleSelects', options: { choices: [{ name: 'a' }, { name: 'b,c' }] } },
    ],
  }]);
  table = base.tables[0];
  view = table.views[0];
  const rows = [
    { Name: 'Alpha', Count: 5, Status: 'Open', Due: '2024-03-01', Tags: ['a'] },
    { Name: 'beta', Count: 1, Status: 'Closed, done', Done: true, Due: '2024-04-01', Tags: ['b,c'] },
    { Name: 'Gamma', Count: 9, Status: 'Open', Due: '2024-05-01', Tags: ['a', 'b,c'] },
    { Name: 'Delta', Status: 'Open' },
    { Name: 'Alphabet', Count: 3 },
  ];
  const res = await server.req('POST', `/v0/${base.id}/${table.id}`, { token: owner.token, body: { records: rows.map((fields) => ({ fields })) } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  for (const r of res.body.records) recs[r.fields.Name] = r.id;
  ({ cookie, csrf } = await signIn(server, owner.email, 'correct horse battery'));
});
after(async () => { await server.stop(); server.cleanup(); });

const fieldId = (name) => table.fields.find((f) => f.name === name).id;
const names = (res) => res.body.records.map((r) => r.fields.Name);
const list = (q = '') => server.req('GET', `/v0/${base.id}/${table.id}?view=${view.id}${q}`, { token: owner.token });
const setView = (body) => web('PATCH', `/api/web/${base.id}/${table.id}/views/${view.id}`, body);
const cond = (name, operator, value) => ({ fieldId: fieldId(name), operator, value });

test('a saved sort orders the view; the API sort parameter overrides it', async () => {
  const saved = await setView({ sorts: [{ fieldId: fieldId('Count'), direction: 'desc' }] });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.deepEqual(saved.body.sorts, [{ fieldId: fieldId('Count'), direction: 'desc' }]);
  assert.deepEqual(names(await list()), ['Gamma', 'Alpha', 'Alphabet', 'beta', 'Delta']);
  assert.deepEqual(names(await list('&sort[0][field]=Name')), ['Alpha', 'Alphabet', 'beta', 'Delta', 'Gamma']);
  // Without the view the order is creation order.
  const plain = await server.req('GET', `/v0/${base.id}/${table.id}`, { token: owner.token });
  assert.deepEqual(names(plain), ['Alpha', 'beta', 'Gamma', 'Delta', 'Alphabet']);
  await setView({ sorts: [] });
});

test('each filter operator selects the records Airtable would', async () => {
  const cases = [
    [[cond('Name', 'contains', 'ALPH')], ['Alpha', 'Alphabet']],
    [[cond('Name', 'doesNotContain', 'alph')], ['beta', 'Gamma', 'Delta']],
    [[cond('Name', '=', 'beta')], ['beta']],
    [[cond('Name', '!=', 'beta')], ['Alpha', 'Gamma', 'Delta', 'Alphabet']],
    [[cond('Count', '>', 3)], ['Alpha', 'Gamma']],
    [[cond('Count', '<=', '3')], ['beta', 'Alphabet']],
    [[cond('Count', '=', 0)], []],
    [[cond('Count', 'isEmpty', null)], ['Delta']],
    [[cond('Count', 'isNotEmpty', null)], ['Alpha', 'beta', 'Gamma', 'Alphabet']],
    [[cond('Status', '=', 'Closed, done')], ['beta']],
    [[cond('Status', 'isAnyOf', ['Open', 'Closed, done'])], ['Alpha', 'beta', 'Gamma', 'Delta']],
    [[cond('Status', 'isNoneOf', ['Open'])], ['beta', 'Alphabet']],
    [[cond('Status', 'isEmpty', null)], ['Alphabet']],
    [[cond('Done', '=', true)], ['beta']],
    [[cond('Done', '=', false)], ['Alpha', 'Gamma', 'Delta', 'Alphabet']],
    [[cond('Due', '<', '2024-04-01')], ['Alpha']],
    [[cond('Due', '>=', '2024-04-01')], ['beta', 'Gamma']],
    [[cond('Due', '=', '2024-05-01')], ['Gamma']],
    [[cond('Tags', 'hasAnyOf', ['b,c'])], ['beta', 'Gamma']],
    [[cond('Tags', 'hasAllOf', ['a', 'b,c'])], ['Gamma']],
    [[cond('Tags', 'isEmpty', null)], ['Delta', 'Alphabet']],
    // Conditions with nothing typed yet are inactive, as in Airtable.
    [[cond('Name', 'contains', '')], ['Alpha', 'beta', 'Gamma', 'Delta', 'Alphabet']],
  ];
  for (const [conditions, want] of cases) {
    const saved = await setView({ filters: { conjunction: 'and', conditions } });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual(names(await list()), want, JSON.stringify(conditions));
  }
  await setView({ filters: { conjunction: 'or', conditions: [cond('Count', '>', 8), cond('Name', '=', 'Delta')] } });
  assert.deepEqual(names(await list()), ['Gamma', 'Delta']);
  await setView({ filters: { conjunction: 'and', conditions: [cond('Status', '=', 'Open')] } });
  // filterByFormula narrows the view further; a bad formula is still the caller's error.
  assert.deepEqual(names(await list('&filterByFormula=' + encodeURIComponent('{Count} > 4'))), ['Alpha', 'Gamma']);
  const bad = await list('&filterByFormula=' + encodeURIComponent('{Nope} > 4'));
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.type, 'INVALID_FILTER_BY_FORMULA');
  // Pages of a filtered, sorted view follow on.
  await setView({ sorts: [{ fieldId: fieldId('Name'), direction: 'asc' }] });
  const p1 = await list('&pageSize=2');
  assert.deepEqual(names(p1), ['Alpha', 'Delta']);
  const p2 = await list('&pageSize=2&offset=' + encodeURIComponent(p1.body.offset));
  assert.deepEqual(names(p2), ['Gamma']);
  await setView({ sorts: [], filters: { conjunction: 'and', conditions: [] } });
});

test('bad view settings are refused with a clear error', async () => {
  for (const [body, pattern] of [
    [{ filters: { conditions: [cond('Count', 'contains', 'x')] } }, /does not apply/],
    [{ filters: { conditions: [{ fieldId: 'fldNope', operator: '=', value: 'x' }] } }, /Unknown field/],
    [{ filters: { conditions: [cond('Count', '>', 'abc')] } }, /Invalid value/],
    [{ filters: { conditions: [cond('Due', '>', 'tomorrow')] } }, /Invalid value/],
    [{ sorts: [{ fieldId: 'fldNope', direction: 'asc' }] }, /Unknown field/],
    [{ hiddenFieldIds: [table.primaryFieldId] }, /primary field/],
    [{ name: '' }, /needs a name/],
    [{ filters: { conditions: [cond('Name', 'contains', 'x'.repeat(1001))] } }, /longer than 1000/],
    [{ filters: { conditions: Array.from({ length: 51 }, () => cond('Name', '=', 'x')) } }, /At most 50/],
    [{ filters: { conditions: Array.from({ length: 50 }, () => cond('Name', 'contains', 'x'.repeat(1000))) } }, /too long/],
  ]) {
    const res = await setView(body);
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.equal(res.body.error.type, 'INVALID_REQUEST_UNKNOWN');
    assert.match(res.body.error.message, pattern);
  }
  const missing = await web('PATCH', `/api/web/${base.id}/${table.id}/views/viwAAAAAAAAAAAAAA`, { name: 'x' });
  assert.equal(missing.status, 422);
  assert.equal(missing.body.error.type, 'VIEW_NAME_NOT_FOUND');
});

test('views are created, renamed, hide fields and are deleted; the last one stays', async () => {
  const made = await web('POST', `/api/web/${base.id}/${table.id}/views`, { name: 'Open tasks', filters: { conditions: [cond('Status', '=', 'Open')] } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  assert.match(made.body.id, /^viw[A-Za-z0-9]{14}$/);
  const dup = await web('POST', `/api/web/${base.id}/${table.id}/views`, { name: 'open TASKS' });
  assert.equal(dup.status, 422);
  const byName = await server.req('GET', `/v0/${base.id}/${table.id}?view=${encodeURIComponent('Open tasks')}`, { token: owner.token });
  assert.deepEqual(byName.body.records.map((r) => r.fields.Name), ['Alpha', 'Gamma', 'Delta']);

  const hidden = await web('PATCH', `/api/web/${base.id}/${table.id}/views/${made.body.id}`, { name: 'Open', hiddenFieldIds: [fieldId('Tags')] });
  assert.equal(hidden.status, 200, JSON.stringify(hidden.body));
  const schema = await server.req('GET', `/v0/meta/bases/${base.id}/tables?include=visibleFieldIds`, { token: owner.token });
  const v = schema.body.tables[0].views.find((x) => x.id === made.body.id);
  assert.equal(v.name, 'Open');
  assert.deepEqual(v.visibleFieldIds, table.fields.filter((f) => f.name !== 'Tags').map((f) => f.id));
  // Hidden fields still come back from the API, as on Airtable.
  const rec = await server.req('GET', `/v0/${base.id}/${table.id}?view=${made.body.id}&maxRecords=1`, { token: owner.token });
  assert.deepEqual(rec.body.records[0].fields.Tags, ['a']);

  const del = await web('DELETE', `/api/web/${base.id}/${table.id}/views/${made.body.id}`);
  assert.equal(del.status, 200);
  const gone = await server.req('GET', `/v0/${base.id}/${table.id}?view=${made.body.id}`, { token: owner.token });
  assert.equal(gone.status, 422);
  assert.equal(gone.body.error.type, 'VIEW_NAME_NOT_FOUND');
  const last = await web('DELETE', `/api/web/${base.id}/${table.id}/views/${view.id}`);
  assert.equal(last.status, 422);
});

test('the grid endpoints: every id of a view in order, then records by id', async () => {
  await setView({ sorts: [{ fieldId: fieldId('Count'), direction: 'asc' }], filters: { conditions: [cond('Name', 'contains', 'a')] } });
  const ids = await web('GET', `/api/web/${base.id}/${table.id}/ids?view=${view.id}`);
  assert.equal(ids.status, 200, JSON.stringify(ids.body));
  assert.deepEqual(ids.body.recordIds, [recs.Delta, recs.beta, recs.Alphabet, recs.Alpha, recs.Gamma]);
  // With a formula only the evaluator decides (on SQLite inside the store's scan), in view order.
  const capitals = await web('GET', `/api/web/${base.id}/${table.id}/ids?view=${view.id}&filterByFormula=${encodeURIComponent("REGEX_MATCH({Name}, '^[A-Z]')")}`);
  assert.equal(capitals.status, 200, JSON.stringify(capitals.body));
  assert.deepEqual(capitals.body.recordIds, [recs.Delta, recs.Alphabet, recs.Alpha, recs.Gamma]);
  const some = await web('GET', `/api/web/${base.id}/${table.id}/records?ids[]=${recs.Gamma}&ids[]=${recs.beta}&ids[]=recAAAAAAAAAAAAAA`);
  assert.equal(some.status, 200);
  assert.deepEqual(some.body.records.map((r) => r.id), [recs.Gamma, recs.beta]);
  assert.equal(some.body.records[0].fields.Count, 9);
  const tooMany = await web('GET', `/api/web/${base.id}/${table.id}/records?` + Array.from({ length: 501 }, () => `ids[]=${recs.Gamma}`).join('&'));
  assert.equal(tooMany.status, 422);
  // With the browser's zone and language, dates come also as text: what cellFormat=string says.
  const seen = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${table.id}/fields`, { token: owner.token, body: { name: 'Seen', type: 'dateTime', options: { dateFormat: { name: 'friendly' }, timeFormat: { name: '12hour' }, timeZone: 'client' } } });
  assert.equal(seen.status, 200, JSON.stringify(seen.body));
  assert.equal((await server.req('PATCH', `/v0/${base.id}/${table.id}/${recs.Gamma}`, { token: owner.token, body: { fields: { Seen: '2024-05-01T18:30:00.000Z' } } })).status, 200);
  const zone = 'timeZone=America%2FLos_Angeles&userLocale=en-us';
  const dated = await web('GET', `/api/web/${base.id}/${table.id}/records?ids[]=${recs.Gamma}&ids[]=${recs.beta}&${zone}`);
  assert.equal(dated.status, 200, JSON.stringify(dated.body));
  const asText = await server.req('GET', `/v0/${base.id}/${table.id}/${recs.Gamma}?cellFormat=string&${zone}`, { token: owner.token });
  assert.deepEqual(dated.body.dateText[recs.Gamma], { Due: asText.body.fields.Due, Seen: asText.body.fields.Seen });
  assert.equal(dated.body.dateText[recs.Gamma].Due, '2024-05-01');  // iso
  assert.match(dated.body.dateText[recs.Gamma].Seen, /^May 1, 2024 11:30\s?am$/i);  // friendly, 12-hour, in Los Angeles
  assert.deepEqual(dated.body.dateText[recs.beta], { Due: '2024-04-01' });  // empty cells are left out
  assert.equal((await web('GET', `/api/web/${base.id}/${table.id}/records?ids[]=${recs.Gamma}&timeZone=Mars%2FOlympus&userLocale=en`)).status, 422);
  await setView({ sorts: [], filters: { conditions: [] } });

  // Only a session reaches them: not a token, not without a cookie.
  const anon = await web('GET', `/api/web/${base.id}/${table.id}/ids`, undefined, { session: false });
  assert.equal(anon.status, 401);
  const byToken = await fetch(`${server.url}/_web/${base.id}/${table.id}/ids`, { headers: { Authorization: `Bearer ${owner.token}` } });
  assert.notEqual(byToken.headers.get('content-type'), 'application/json; charset=utf-8');
});

test('a read-only member reads a view but cannot change it', async () => {
  cli(server.dataDir, ['user', 'create', '--email', 'reader@example.com', '--name', 'Reader', '--password-stdin'], 'reader password 1\n');
  cli(server.dataDir, ['base', 'share', '--base', base.id, '--user', 'reader@example.com', '--role', 'read']);
  const reader = await signIn(server, 'reader@example.com', 'reader password 1');
  const h = { Cookie: reader.cookie, 'X-CSRF-Token': reader.csrf, 'Content-Type': 'application/json' };
  const ids = await fetch(`${server.url}/api/web/${base.id}/${table.id}/ids`, { headers: h });
  assert.equal(ids.status, 200);
  const change = await fetch(`${server.url}/api/web/${base.id}/${table.id}/views/${view.id}`, { method: 'PATCH', headers: h, body: JSON.stringify({ name: 'Mine' }) });
  assert.equal(change.status, 403);
  assert.equal((await change.json()).error.type, 'INVALID_PERMISSIONS');
});

// Issue 13: views of other types keep the field their layout needs, checked against the table;
// the grid's layout (field order, widths, row height, groups) is saved the same way. Records are
// listed the same whatever the type.
test('kanban, calendar and gallery views keep their layout field; a grid its column layout', async () => {
  const V = `/api/web/${base.id}/${table.id}/views`;
  const bad = async (body, message) => {
    const r = await web('POST', V, body);
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.match(r.body.error.message, message);
  };
  await bad({ name: 'Nope', type: 'timeline' }, /grid, kanban, gallery, calendar or form/);
  // A form: only fields a record can be given; its link's secret is the server's.
  await bad({ name: 'Nope', type: 'form', form: { fieldIds: [fieldId('Name'), 'fldAAAAAAAAAAAAAA'] } }, /fields a record can be given/);
  const form = await web('POST', V, { name: 'Ask', type: 'form', form: { fieldIds: [fieldId('Name')], public: true, secret: 'mine' } });
  assert.equal(form.status, 200, JSON.stringify(form.body));
  assert.match(form.body.form.secret, /^[0-9a-f]{32}$/);
  const kept = await web('PATCH', `${V}/${form.body.id}`, { form: { ...form.body.form, title: 'Ask us', secret: 'other' } });
  assert.equal(kept.body.form.secret, form.body.form.secret, 'the secret stays while the form is public');
  const shut = await web('PATCH', `${V}/${form.body.id}`, { form: { ...kept.body.form, public: false } });
  assert.equal(shut.body.form.secret, undefined);
  assert.equal((await fetch(`${server.url}/api/forms/${base.id}/${form.body.id}/${form.body.form.secret}`)).status, 404);
  assert.equal((await web('DELETE', `${V}/${form.body.id}`)).status, 200);
  await bad({ name: 'Nope', type: 'kanban', stackFieldId: fieldId('Name') }, /stackFieldId must name a single select or a user field/);
  await bad({ name: 'Nope', type: 'calendar', dateFieldId: fieldId('Count') }, /dateFieldId must name a date field/);
  await bad({ name: 'Nope', type: 'calendar', dateFieldId: 'fldAAAAAAAAAAAAAA' }, /must name a field of this table/);
  await bad({ name: 'Nope', columnWidths: { [fieldId('Name')]: 5 } }, /40-1000 pixels/);
  await bad({ name: 'Nope', rowHeight: 'huge' }, /short, medium, tall or extraTall/);
  await bad({ name: 'Nope', groupBy: [{ fieldId: fieldId('Status') }, { fieldId: fieldId('Name') }, { fieldId: fieldId('Count') }, { fieldId: fieldId('Due') }] }, /at most 3/);

  const board = await web('POST', V, { name: 'Board', type: 'kanban', stackFieldId: fieldId('Status') });
  assert.equal(board.status, 200, JSON.stringify(board.body));
  assert.equal(board.body.type, 'kanban');
  assert.equal(board.body.stackFieldId, fieldId('Status'));
  // A change of something else keeps the stack field; null removes it.
  const renamed = await web('PATCH', `${V}/${board.body.id}`, { name: 'Board 2', columnWidths: { [fieldId('Name')]: 240 }, rowHeight: 'tall' });
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
  assert.equal(renamed.body.stackFieldId, fieldId('Status'));
  assert.deepEqual(renamed.body.columnWidths, { [fieldId('Name')]: 240 });
  const meta = await server.req('GET', `/v0/meta/bases/${base.id}/tables`, { token: owner.token });
  assert.deepEqual(meta.body.tables.find((t) => t.id === table.id).views.find((v) => v.id === board.body.id), { id: board.body.id, name: 'Board 2', type: 'kanban' });
  const listed = await server.req('GET', `/v0/${base.id}/${table.id}?view=Board%202`, { token: owner.token });
  const all = await server.req('GET', `/v0/${base.id}/${table.id}`, { token: owner.token });
  assert.equal(listed.status, 200);
  assert.equal(listed.body.records.length, all.body.records.length);
  const cleared = await web('PATCH', `${V}/${board.body.id}`, { stackFieldId: null });
  assert.equal(cleared.body.stackFieldId, undefined);
  assert.equal((await web('DELETE', `${V}/${board.body.id}`)).status, 200);
});

test('the grid groups a view: runs of equal cells over the sorted ids, nested up to 3 levels', async () => {
  const ST = fieldId('Status'), DN = fieldId('Done');
  const q = `sort%5B0%5D%5Bfield%5D=${ST}&sort%5B1%5D%5Bfield%5D=${DN}&groupBy%5B%5D=${ST}&groupBy%5B%5D=${DN}`;
  const r = await web('GET', `/api/web/${base.id}/${table.id}/ids?${q}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const { recordIds, groups } = r.body;
  const all = await server.req('GET', `/v0/${base.id}/${table.id}?cellFormat=string&timeZone=UTC&userLocale=en`, { token: owner.token });
  const byId = new Map(all.body.records.map((x) => [x.id, x.fields]));
  const top = groups.filter((g) => g.level === 0);
  assert.equal(top.reduce((n, g) => n + g.count, 0), recordIds.length, 'the top groups cover every record');
  assert.equal(new Set(top.map((g) => g.key)).size, top.length, 'each key once: the ids are sorted by it');
  for (const g of groups) {
    const inside = recordIds.slice(g.start, g.start + g.count);
    const name = g.level === 0 ? 'Status' : 'Done';
    for (const id of inside) assert.equal(byId.get(id)[name] ?? '', g.key, `${id} in ${name} group "${g.key}"`);
  }
  // Each subgroup lies inside its group, right after it or after its sibling.
  for (let i = 0; i < groups.length; i++) {
    if (groups[i].level !== 1) continue;
    const parent = groups.slice(0, i).reverse().find((g) => g.level === 0);
    assert.ok(groups[i].start >= parent.start && groups[i].start + groups[i].count <= parent.start + parent.count);
  }
  const tooDeep = await web('GET', `/api/web/${base.id}/${table.id}/ids?${['Name', 'Count', 'Status', 'Done'].map((n) => `groupBy%5B%5D=${fieldId(n)}`).join('&')}`);
  assert.equal(tooDeep.status, 422);
});
