// Live updates in a real browser: an open grid follows changes made elsewhere (the API with a
// token, another user's browser) within a second, without reload: records created, changed and
// deleted, fields added; it names who else has the base open; and a cell being edited is never
// overwritten under the user's hands: the change is shown, Enter keeps the user's value, Escape
// takes the other. Screenshots go to test-artifacts/.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase, cli } from '../e2e/harness.mjs';
import { launch, signInPage, signedInPage, closeAll, screenshotAndCheck } from './browser.mjs';

let server, browser, page, bobPage, owner, base, table;
const pageErrors = [];

before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  base = await createBase(server, owner.token, owner.workspaceId, 'Live', [{
    name: 'Tasks',
    fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Hours', type: 'number', options: { precision: 0 } }],
  }]);
  table = base.tables[0];
  const seed = await server.req('POST', `/v0/${base.id}/${table.id}`, { token: owner.token, body: { records: [1, 2, 3].map((i) => ({ fields: { Name: `Task ${i}`, Hours: i } })) } });
  assert.equal(seed.status, 200);
  cli(server.dataDir, ['user', 'create', '--email', 'bob@example.com', '--name', 'Bob', '--password-stdin'], 'correct horse battery\n');
  cli(server.dataDir, ['workspace', 'share', '--workspace', owner.workspaceId, '--user', 'bob@example.com', '--role', 'editor']);
  browser = await launch();
  page = await signedInPage(browser, server.url, owner.email, pageErrors, { width: 1300, height: 800 });
});
after(() => closeAll(browser, server));
afterEach(screenshotAndCheck('browser-live', () => page, pageErrors));

const T = () => `/v0/${base.id}/${table.id}`;
const row = (id) => page.locator(`#grid tr[data-record-id="${id}"]`);
const cell = (id, field) => row(id).locator(`td[data-field="${field}"]`);
const openGrid = async () => {
  await page.goto(`${server.url}/${base.id}/${table.id}`);
  await page.locator('#record-count', { hasText: '3 records' }).waitFor();
  await page.waitForFunction(() => document.querySelector('#presence') !== null);
};
// Waits for `locator` and says how long it took from `t0`; a second at most.
const within = async (locator, t0, what) => {
  await locator.waitFor({ timeout: 1000 });
  console.log(`# ${what}: shown ${Date.now() - t0} ms after the API call began`);
};

test('records created, changed and deleted over the API appear in an open grid within a second', async () => {
  await openGrid();
  await page.waitForTimeout(300);  // the stream is open
  let t0 = Date.now();
  const made = await server.req('POST', T(), { token: owner.token, body: { fields: { Name: 'From a script', Hours: 8 } } });
  assert.equal(made.status, 200);
  await within(cell(made.body.id, 'Name').filter({ hasText: 'From a script' }), t0, 'a created record');
  await page.locator('#record-count', { hasText: '4 records' }).waitFor({ timeout: 1000 });

  t0 = Date.now();
  assert.equal((await server.req('PATCH', `${T()}/${made.body.id}`, { token: owner.token, body: { fields: { Hours: 13 } } })).status, 200);
  await within(cell(made.body.id, 'Hours').filter({ hasText: '13' }), t0, 'a changed cell');

  t0 = Date.now();
  assert.equal((await server.req('DELETE', `${T()}/${made.body.id}`, { token: owner.token })).status, 200);
  await page.locator('#record-count', { hasText: '3 records' }).waitFor({ timeout: 1000 });
  assert.equal(await row(made.body.id).count(), 0);
  console.log(`# a deleted record: gone ${Date.now() - t0} ms after the API call began`);
});

test('a field added over the API appears as a column without reload', async () => {
  await openGrid();
  await page.waitForTimeout(300);
  const t0 = Date.now();
  const f = await server.req('POST', `/v0/meta/bases/${base.id}/tables/${table.id}/fields`, { token: owner.token, body: { name: 'Owner note', type: 'singleLineText' } });
  assert.equal(f.status, 200);
  await within(page.locator('#grid th[data-field="Owner note"]'), t0, 'a new field');
});

test('another user sees my edit at once, and each of us sees who else is here', async () => {
  await openGrid();
  bobPage = await (await browser.newContext({ viewport: { width: 1300, height: 800 } })).newPage();
  bobPage.on('pageerror', (e) => pageErrors.push(e.message));
  await signInPage(bobPage, server.url, 'bob@example.com');
  await bobPage.goto(`${server.url}/${base.id}/${table.id}`);
  await bobPage.locator('#record-count', { hasText: '3 records' }).waitFor();
  await page.locator('#presence .viewer', { hasText: 'Bob' }).waitFor({ timeout: 3000 });
  await bobPage.locator('#presence .viewer', { hasText: 'Owner' }).waitFor({ timeout: 3000 });
  assert.equal(await page.locator('#presence .viewer', { hasText: 'Owner' }).count(), 0, 'I am not listed to myself');

  const first = await page.locator('#grid tr[data-record-id]').first().getAttribute('data-record-id');
  await cell(first, 'Name').click();
  await page.keyboard.type('Edited by the owner');
  const t0 = Date.now();
  await page.keyboard.press('Enter');
  await bobPage.locator(`#grid tr[data-record-id="${first}"] td[data-field="Name"]`, { hasText: 'Edited by the owner' }).waitFor({ timeout: 1500 });
  console.log(`# another user's edit reached Bob's grid ${Date.now() - t0} ms after Enter`);
  await bobPage.screenshot({ path: new URL('../../test-artifacts/browser-live-bob-sees-the-edit.png', import.meta.url).pathname });

  await bobPage.goto(`${server.url}/`);  // Bob leaves the base
  await page.locator('#presence .viewer', { hasText: 'Bob' }).waitFor({ state: 'detached', timeout: 3000 });
  await bobPage.context().close();
});

test('a cell being edited is not overwritten: the change is shown, Escape takes it, Enter keeps mine', async () => {
  await openGrid();
  const id = await page.locator('#grid tr[data-record-id]').nth(1).getAttribute('data-record-id');
  await cell(id, 'Name').click();
  await page.keyboard.type('Mine');
  assert.equal((await server.req('PATCH', `${T()}/${id}`, { token: owner.token, body: { fields: { Name: 'Theirs' } } })).status, 200);
  const note = cell(id, 'Name').locator('.conflict-note');
  await note.waitFor({ timeout: 1000 });
  assert.match(await note.textContent(), /Changed meanwhile to “Theirs”/);
  assert.equal(await cell(id, 'Name').locator('input').inputValue(), 'Mine', 'what I typed is kept while I edit');
  await page.keyboard.press('Escape');
  await cell(id, 'Name').filter({ hasText: 'Theirs' }).waitFor();

  await cell(id, 'Name').click();
  await page.keyboard.type('Mine after all');
  assert.equal((await server.req('PATCH', `${T()}/${id}`, { token: owner.token, body: { fields: { Name: 'Theirs again' } } })).status, 200);
  await note.waitFor({ timeout: 1000 });
  await page.keyboard.press('Enter');
  await cell(id, 'Name').filter({ hasText: 'Mine after all' }).waitFor();
  for (let i = 0; i < 20; i++) {
    if ((await server.req('GET', `${T()}/${id}`, { token: owner.token })).body.fields.Name === 'Mine after all') break;
    await page.waitForTimeout(50);
  }
  assert.equal((await server.req('GET', `${T()}/${id}`, { token: owner.token })).body.fields.Name, 'Mine after all');
});
