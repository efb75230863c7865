// The view types beside the grid (issue 13), in a real browser: a kanban stacked by a single
// select, where dragging a card to another stack changes the record's choice on the server; a
// calendar by a date field, where dragging a record to another day changes its date; a gallery
// with each record's first image as its cover. Each is saved as a view of its type with its
// layout field, and `view=` on the API lists the same records (its filter and sort) as a grid
// would. Screenshots of each view go to test-artifacts/.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase } from '../e2e/harness.mjs';
import { launch, signedInPage, closeAll, screenshotAndCheck } from './browser.mjs';

let server, browser, page, owner, base, table, ids;
const pageErrors = [];
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  base = await createBase(server, owner.token, owner.workspaceId, 'Projects', [{
    name: 'Tasks',
    fields: [
      { name: 'Task', type: 'singleLineText' },
      { name: 'Status', type: 'singleSelect', options: { choices: [{ name: 'Todo', color: 'redLight2' }, { name: 'Doing', color: 'yellowLight2' }, { name: 'Done', color: 'greenLight2' }] } },
      { name: 'Due', type: 'date', options: { dateFormat: { name: 'iso' } } },
      { name: 'Photos', type: 'multipleAttachments' },
    ],
  }]);
  table = base.tables[0];
  const now = new Date();
  const day = (d) => `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const made = await server.req('POST', `/v0/${base.id}/${table.id}`, { token: owner.token, body: { records: [
    { fields: { Task: 'Write spec', Status: 'Todo', Due: day(3) } },
    { fields: { Task: 'Build it', Status: 'Doing', Due: day(10) } },
    { fields: { Task: 'Ship it', Status: 'Todo', Due: day(17) } },
  ] } });
  assert.equal(made.status, 200);
  ids = Object.fromEntries(made.body.records.map((r) => [r.fields.Task, r.id]));
  const up = await server.req('POST', `/v0/${base.id}/${ids['Build it']}/Photos/uploadAttachment`, { token: owner.token, body: { contentType: 'image/png', file: PNG, filename: 'dot.png' } });
  assert.equal(up.status, 200, JSON.stringify(up.body));
  browser = await launch();
  page = await signedInPage(browser, server.url, owner.email, pageErrors, { width: 1400, height: 900 });
});
after(() => closeAll(browser, server));
afterEach(screenshotAndCheck('browser-views', () => page, pageErrors));

const fieldsOf = async (id) => (await server.req('GET', `/v0/${base.id}/${table.id}/${id}`, { token: owner.token })).body.fields;
const until = async (id, check) => {
  let f;
  for (let i = 0; i < 100; i++) { f = await fieldsOf(id); if (check(f)) return f; await page.waitForTimeout(50); }
  return f;
};
const fieldId = (name) => table.fields.find((f) => f.name === name).id;
async function newView(type, name, field) {
  await page.goto(`${server.url}/${base.id}/${table.id}`);
  await page.locator('#record-count', { hasText: '3 records' }).waitFor();
  await page.click('#new-view');
  await page.selectOption('#new-view-form select[name=type]', type);
  await page.fill('#new-view-form input[name=name]', name);
  if (field) await page.selectOption('#new-view-form select[name=field]', { label: field });
  await page.click('#new-view-form button[type=submit]');
  await page.waitForFunction((n) => document.querySelector('#view-select')?.selectedOptions[0]?.textContent === n, name);
}

test('a kanban stacks by a single select; dragging a card to another stack writes the choice', async () => {
  await newView('kanban', 'Board', 'Status');
  const stack = (name) => page.locator(`#board .stack[data-stack="${name}"]`);
  await stack('Todo').locator('.record-card', { hasText: 'Ship it' }).waitFor();
  assert.deepEqual(await page.locator('#board .stack').evaluateAll((els) => els.map((e) => e.dataset.stack)), ['', 'Todo', 'Doing', 'Done']);
  assert.equal(await stack('Todo').locator('.stack-count').textContent(), '2');
  assert.equal(await stack('Done').locator('.record-card').count(), 0);
  await stack('Todo').locator('.record-card', { hasText: 'Ship it' }).dragTo(stack('Done'));
  const f = await until(ids['Ship it'], (x) => x.Status === 'Done');
  assert.equal(f.Status, 'Done');
  await stack('Done').locator('.record-card', { hasText: 'Ship it' }).waitFor();
  assert.equal(await stack('Todo').locator('.stack-count').textContent(), '1');
  // A change made elsewhere moves the card too (live updates), and "+ Add" adds to its stack.
  assert.equal((await server.req('PATCH', `/v0/${base.id}/${table.id}/${ids['Write spec']}`, { token: owner.token, body: { fields: { Status: 'Doing' } } })).status, 200);
  await stack('Doing').locator('.record-card', { hasText: 'Write spec' }).waitFor({ timeout: 2000 });
  await stack('Done').locator('.stack-add').click();
  await stack('Done').locator('.record-card', { hasText: 'Unnamed record' }).waitFor();
  const listed = await server.req('GET', `/v0/${base.id}/${table.id}?view=Board`, { token: owner.token });
  assert.equal(listed.body.records.length, 4, 'the API lists the kanban view');
  const schema = await server.req('GET', `/v0/meta/bases/${base.id}/tables`, { token: owner.token });
  const board = schema.body.tables[0].views.find((v) => v.name === 'Board');
  assert.equal(board.type, 'kanban');
  // Undo in the kanban's page takes the added record back.
  const fresh = listed.body.records.find((r) => !r.fields.Task);
  assert.equal((await server.req('DELETE', `/v0/${base.id}/${table.id}/${fresh.id}`, { token: owner.token })).status, 200);
});

test('a calendar shows records on their days; dragging one to another day writes its date', async () => {
  await newView('calendar', 'Schedule', 'Due');
  const due = (await fieldsOf(ids['Build it'])).Due;
  const dayCell = (d) => page.locator(`#board .day[data-day="${d}"]`);
  await dayCell(due).locator('.record-card', { hasText: 'Build it' }).waitFor();
  const target = `${due.slice(0, 8)}${String(Number(due.slice(8)) + 2).padStart(2, '0')}`;
  await dayCell(due).locator('.record-card', { hasText: 'Build it' }).dragTo(dayCell(target));
  const f = await until(ids['Build it'], (x) => x.Due === target);
  assert.equal(f.Due, target);
  await dayCell(target).locator('.record-card', { hasText: 'Build it' }).waitFor();
  // The month moves with the arrows.
  const month = await page.locator('#calendar-month').textContent();
  await page.click('button[aria-label="Next month"]');
  assert.notEqual(await page.locator('#calendar-month').textContent(), month);
  await page.click('button[aria-label="Previous month"]');
  assert.equal(await page.locator('#calendar-month').textContent(), month);
});

test('a gallery shows a card per record with its first image as the cover', async () => {
  await newView('gallery', 'Pictures', 'Photos');
  const card = page.locator('#board .record-card', { hasText: 'Build it' });
  await card.locator('.card-cover img').waitFor();
  assert.match(await card.locator('.card-cover img').getAttribute('src'), /\/files\//);
  assert.equal(await page.locator('#board .record-card').count(), 3);
  await card.click();  // opens the expanded record
  await page.locator(`#record-panel[data-record-id="${ids['Build it']}"]`).waitFor();
});

test('on a phone the grid scrolls sideways under its frozen primary field; dark mode follows the system', async () => {
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true })).newPage();
  phone.on('pageerror', (e) => pageErrors.push(e.message));
  await phone.goto(`${server.url}/`);
  await phone.fill('#email', owner.email);
  await phone.fill('#password', 'correct horse battery');
  await phone.click('button[type=submit]');
  await phone.locator('text=Workspaces').waitFor();
  await phone.goto(`${server.url}/${base.id}/${table.id}/${table.views[0].id}`);
  await phone.locator('#record-count', { hasText: /records/ }).waitFor();
  const primary = phone.locator('#grid tbody tr[data-record-id] td.primary').first();
  const before = await primary.boundingBox();
  const last = phone.locator('#grid thead th[data-field="Photos"]');
  const lastBefore = await last.boundingBox();
  await phone.evaluate(() => { document.getElementById('grid-scroll').scrollLeft = 400; });
  await phone.waitForTimeout(100);
  const after = await primary.boundingBox();
  assert.ok(Math.abs(after.x - before.x) < 1, `the primary column stays (${before.x} -> ${after.x})`);
  assert.ok((await last.boundingBox()).x < lastBefore.x - 100, 'the other columns scroll');
  // Dark: the page's cards are dark; the expanded record fills the screen.
  const bg = await phone.evaluate(() => getComputedStyle(document.querySelector('.card')).backgroundColor);
  assert.equal(bg, 'rgb(26, 30, 36)');
  await phone.locator('#grid tbody tr[data-record-id] button.expand').first().click();
  const panel = await phone.locator('#record-panel').boundingBox();
  assert.ok(panel.x <= 0.5 && panel.y <= 0.5 && panel.width >= 389, `the record is full screen (${JSON.stringify(panel)})`);
  await phone.screenshot({ path: new URL('../../test-artifacts/browser-views-phone-dark-record.png', import.meta.url).pathname });
  await phone.context().close();
});

test('a grid groups its records by a field: headers with counts, collapsible; the API lists the view as before', async () => {
  await page.goto(`${server.url}/${base.id}/${table.id}/${table.views[0].id}`);
  await page.locator('#record-count', { hasText: /records/ }).waitFor();
  const before = (await server.req('GET', `/v0/${base.id}/${table.id}?view=${table.views[0].id}`, { token: owner.token })).body.records.map((r) => r.id);
  await page.click('#group-button');
  await page.click('#add-group');
  await page.selectOption('#group-panel [data-role=field]', { label: 'Status' });
  await page.click('#save-group');
  const header = (key) => page.locator(`#grid tr.group-header[data-group="${key}"]`);
  await header('Done').waitFor();
  const keys = await page.locator('#grid tr.group-header').evaluateAll((trs) => trs.map((tr) => tr.dataset.group));
  const statuses = (await server.req('GET', `/v0/${base.id}/${table.id}`, { token: owner.token })).body.records.map((r) => r.fields.Status ?? '');
  assert.deepEqual(keys, [...new Set(statuses)].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : 0) || ['Todo', 'Doing', 'Done'].indexOf(a) - ['Todo', 'Doing', 'Done'].indexOf(b)));
  for (const key of keys) {
    const n = statuses.filter((s) => s === key).length;
    assert.equal((await header(key).locator('.group-count').textContent()).trim(), String(n));
  }
  // The rows under "Doing" are the records with Doing; collapsing hides them, expanding shows them.
  const doing = statuses.filter((s) => s === 'Doing').length;
  const rowsNow = async () => page.locator('#grid tbody tr[data-record-id]').count();
  const all = await rowsNow();
  await header('Doing').locator('.group-toggle').click();
  assert.equal(await rowsNow(), all - doing);
  await header('Doing').locator('.group-toggle').click();
  assert.equal(await rowsNow(), all);
  // Saved with the view; the API's order for view= is the view's sort, not its groups.
  const schema = await page.evaluate(async (u) => (await fetch(u)).json(), `/api/bases/${base.id}/schema`);
  assert.deepEqual(schema.tables[0].views[0].groupBy, [{ fieldId: fieldId('Status'), direction: 'asc' }]);
  const after = (await server.req('GET', `/v0/${base.id}/${table.id}?view=${table.views[0].id}`, { token: owner.token })).body.records.map((r) => r.id);
  assert.deepEqual(after, before);
  // Ungrouped again.
  await page.click('#group-button');
  await page.click('#group-panel .sort-row button');
  await page.click('#save-group');
  await page.locator('#grid tr.group-header').first().waitFor({ state: 'detached' });
});

test('a form view shared by link creates records for people without an account', async () => {
  await newView('form', 'Intake');
  await page.locator('#board.form-builder').waitFor();
  const row = (name) => page.locator(`.form-field[data-field-id="${fieldId(name)}"]`);
  await row('Photos').locator('[data-role=asked]').uncheck();
  await row('Due').locator('[data-role=required]').check();
  await page.fill('#form-title', 'Request a task');
  await page.fill('#form-success', 'Got it, thanks!');
  await page.check('#form-public');
  await page.click('#save-form');
  const link = await page.locator('#form-link').getAttribute('href');
  assert.match(link, new RegExp(`/forms/${base.id}/viw[A-Za-z0-9]{14}/[0-9a-f]{32}$`));

  const stranger = await (await browser.newContext()).newPage();  // no account, no session
  stranger.on('pageerror', (e) => pageErrors.push(e.message));
  await stranger.goto(link);
  await stranger.locator('#public-form h1', { hasText: 'Request a task' }).waitFor();
  assert.equal(await stranger.locator('#public-form input[aria-label="Photos"]').count(), 0, 'the field left out is not asked');
  await stranger.fill('#public-form input[aria-label="Task"]', 'From the form');
  await stranger.selectOption('#public-form select[aria-label="Status"]', 'Doing');
  await stranger.click('#form-submit');
  await stranger.locator('.error', { hasText: '“Due” is required' }).waitFor();
  await stranger.fill('#public-form input[aria-label="Due"]', '2027-01-15');
  await stranger.click('#form-submit');
  await stranger.locator('#form-message', { hasText: 'Got it, thanks!' }).waitFor();
  const made = (await server.req('GET', `/v0/${base.id}/${table.id}?filterByFormula=${encodeURIComponent("{Task}='From the form'")}`, { token: owner.token })).body.records;
  assert.equal(made.length, 1);
  assert.deepEqual(made[0].fields, { Task: 'From the form', Status: 'Doing', Due: '2027-01-15' });
  await stranger.screenshot({ path: new URL('../../test-artifacts/browser-views-shared-form.png', import.meta.url).pathname });

  // The server checks too: a required field missing, a field the form does not ask for, a wrong secret.
  const api = link.replace(/^https?:\/\/[^/]+/, '/api');
  const post = (body, url = api) => fetch(server.url + url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await post({ fields: { [fieldId('Task')]: 'x' } })).status, 422);
  const extra = await post({ fields: { [fieldId('Task')]: 'x', [fieldId('Due')]: '2027-01-01', [fieldId('Photos')]: [] } });
  assert.equal(extra.status, 422);
  assert.match((await extra.json()).error.message, /does not ask for/);
  assert.equal((await post({ fields: {} }, api.replace(/[0-9a-f]{32}$/, '0'.repeat(32)))).status, 404);
  assert.equal((await fetch(server.url + api.replace(/[0-9a-f]{32}$/, '0'.repeat(32)))).status, 404);
  // Unshared: the link stops working.
  await page.uncheck('#form-public');
  await page.click('#save-form');
  await page.locator('#form-link').waitFor({ state: 'detached' });
  assert.equal((await fetch(server.url + api)).status, 404);
  await stranger.context().close();
});

test('every control of a base page is reached with Tab, and the focus is drawn', async () => {
  await page.goto(`${server.url}/${base.id}/${table.id}/${table.views[0].id}`);
  await page.locator('#record-count', { hasText: /records/ }).waitFor();
  await page.evaluate(() => document.activeElement?.blur());
  const reached = new Set();
  let unringed = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const [id, ring] = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return ['(the page itself)', true];  // Tab went past the last control
      const style = getComputedStyle(el);
      return [el.id || el.getAttribute('aria-label') || el.textContent.trim().slice(0, 20), style.outlineStyle !== 'none' && style.outlineWidth !== '0px'];
    });
    reached.add(id);
    if (!ring) unringed.push(id);
  }
  for (const want of ['view-select', 'new-view', 'sort-button', 'filter-button', 'hide-button', 'group-button', 'row-height', 'grid-search', 'export-csv', 'grid-scroll', 'add-field-button', 'add-record'])
    assert.ok(reached.has(want), `Tab reaches ${want} (reached: ${[...reached].join(', ')})`);
  assert.deepEqual(unringed.filter((x) => x !== 'grid-scroll'), [], 'every focused control shows its focus');
});
