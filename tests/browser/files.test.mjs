// Attachment and collaborator cells in a real browser (Debian's chromium, driven by playwright-core):
// files added by the cell's file picker and by dropping them on the cell, shown as thumbnails that
// open their file, removed in the cell's editor; people picked from the base's collaborators.
// Screenshots go to test-artifacts/.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Server, makeOwner, createBase, cli } from '../e2e/harness.mjs';
import { png } from '../e2e/images.mjs';
import { launch, signInPage, screenshotAndCheck } from './browser.mjs';

let server, browser, page, owner, base, table, ann;
const pageErrors = [];

before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  owner = makeOwner(server.dataDir);
  base = await createBase(server, owner.token, owner.workspaceId, 'Files', [{
    name: 'Docs',
    fields: [
      { name: 'Name', type: 'singleLineText' },
      { name: 'Files', type: 'multipleAttachments' },
      { name: 'Owner', type: 'singleCollaborator' },
      { name: 'Team', type: 'multipleCollaborators' },
    ],
  }]);
  table = base.tables[0];
  const annId = cli(server.dataDir, ['user', 'create', '--email', 'ann@example.com', '--name', 'Ann Archer', '--password-stdin'], 'correct horse battery\n');
  ann = { id: annId, email: 'ann@example.com', name: 'Ann Archer' };
  cli(server.dataDir, ['base', 'share', '--base', base.id, '--user', ann.email, '--role', 'editor']);
  const res = await server.req('POST', `/v0/${base.id}/${table.id}`, { token: owner.token, body: { records: [{ fields: { Name: 'one' } }, { fields: { Name: 'two' } }] } });
  assert.equal(res.status, 200, JSON.stringify(res.body));

  browser = await launch();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await signInPage(page, server.url, owner.email);
  await page.goto(`${server.url}/${base.id}/${table.id}/${table.views[0].id}`);
  await page.locator('#grid tr[data-row="2"][data-record-id]').waitFor();
});
after(async () => {
  await browser?.close();
  await server.stop();
  server.cleanup();
});
afterEach(screenshotAndCheck('browser-files', () => page, pageErrors));

const row = (n) => page.locator(`#grid tr[data-row="${n}"][data-record-id]`);
const fieldsOf = async (n) => {
  const id = await row(n).getAttribute('data-record-id');
  return (await server.req('GET', `/v0/${base.id}/${table.id}/${id}`, { token: owner.token })).body.fields;
};
const until = async (cond, what) => {
  for (let i = 0; i < 100; i++) { if (await cond()) return; await new Promise((r) => setTimeout(r, 50)); }
  throw new Error('timed out waiting for ' + what);
};

test("a file picked with the cell's + button shows as a thumbnail that opens the file", async () => {
  const cell = row(1).locator('td[data-field="Files"]');
  await cell.locator('input[data-role=file-input]').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png(64, 48) });
  const img = cell.locator('a.attachment img');
  await img.waitFor();
  await until(() => img.evaluate((el) => el.complete && el.naturalWidth > 0), 'the thumbnail to load');
  const [item] = (await fieldsOf(1)).Files;
  assert.equal(item.filename, 'dot.png');
  assert.equal(item.width, 64);
  const link = cell.locator('a.attachment');
  assert.equal(await link.getAttribute('target'), '_blank');
  const href = new URL(await link.getAttribute('href'));
  assert.equal(href.pathname, new URL(item.url).pathname);
  const file = await fetch(href);
  assert.equal(file.status, 200);
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), png(64, 48));
});

test('files dropped on a cell are uploaded, and the editor removes one', async () => {
  const cell = row(2).locator('td[data-field="Files"]');
  const drop = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['first file'], 'a.txt', { type: 'text/plain' }));
    dt.items.add(new File(['second file'], 'b.txt', { type: 'text/plain' }));
    return dt;
  });
  await cell.dispatchEvent('dragover', { dataTransfer: drop });
  await cell.dispatchEvent('drop', { dataTransfer: drop });
  await cell.locator('a.attachment', { hasText: 'b.txt' }).waitFor();
  assert.deepEqual((await fieldsOf(2)).Files.map((f) => [f.filename, f.size]), [['a.txt', 10], ['b.txt', 11]]);

  // Unselect a.txt in the editor and commit: only b.txt stays, with its id.
  const keep = (await fieldsOf(2)).Files[1].id;
  await cell.locator('a.attachment', { hasText: 'a.txt' }).evaluate((a) => a.closest('td').dispatchEvent(new MouseEvent('dblclick', { bubbles: true })));
  const select = cell.locator('select');
  await select.waitFor();
  await select.selectOption([keep]);
  await select.press('Enter');
  await until(async () => (await fieldsOf(2)).Files?.length === 1, 'the item to go');
  assert.deepEqual((await fieldsOf(2)).Files.map((f) => f.id), [keep]);
  await cell.locator('a.attachment', { hasText: 'a.txt' }).waitFor({ state: 'detached' });
});

test("people are picked from the base's collaborators", async () => {
  const owner1 = row(1).locator('td[data-field="Owner"]');
  await owner1.dblclick();
  await owner1.locator('select').selectOption(ann.id);
  await owner1.locator('select').waitFor({ state: 'detached' });
  await row(1).locator('td[data-field="Owner"]', { hasText: 'Ann Archer' }).waitFor();
  assert.deepEqual((await fieldsOf(1)).Owner, ann);

  const team = row(1).locator('td[data-field="Team"]');
  await team.dblclick();
  await team.locator('select').selectOption([ann.id, owner.userId]);
  await team.locator('select').press('Enter');
  await until(async () => (await fieldsOf(1)).Team?.length === 2, 'the team to be saved');
  assert.deepEqual((await fieldsOf(1)).Team.map((p) => p.id).sort(), [ann.id, owner.userId].sort());
  await row(1).locator('td[data-field="Team"]', { hasText: 'Ann Archer' }).waitFor();

  // Typed into, a name is found by the server (typecast).
  const owner2 = row(2).locator('td[data-field="Owner"]');
  await owner2.click();
  await page.keyboard.type('Owner');
  await page.keyboard.press('Enter');
  await until(async () => (await fieldsOf(2)).Owner?.id === owner.userId, 'the typed name to be found');
});
