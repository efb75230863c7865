// The journey of DEVELOPERS.md in a real browser (Debian's chromium, driven by playwright-core):
// first-run setup, a token named "Data Import Token" limited to one base created in the developer
// section and copied from the page, used over HTTP, refused on another base, regenerated (old
// secret refused), deleted; a CSRF attempt and a wrong password refused. Screenshots of each
// test's last page go to test-artifacts/.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PERM_403 } from '../e2e/harness.mjs';
import { ARTIFACTS, launch } from './browser.mjs';

let server, browser, page, journeyBaseId;
const pageErrors = [];  // uncaught errors in any page of the test's browser contexts
const watch = (context) => context.on('weberror', (e) => pageErrors.push(e.error().message));

before(async () => {
  server = await new Server(Server.freshDataDir()).start();
  browser = await launch();
  const context = await browser.newContext();
  watch(context);
  page = await context.newPage();
  page.on('dialog', (d) => d.accept());
});
after(async () => {
  await browser?.close();
  await server.stop();
  server.cleanup();
});

afterEach(() => assert.deepEqual(pageErrors.splice(0), [], 'a page threw'));

// Follows a nav link and waits until the page it opens has been drawn (the app marks #app
// aria-busy until then), so the test never types into the page being replaced.
async function navigate(p, link) {
  await p.click(`text=${link}`);
  await p.locator('#app:not([aria-busy])').waitFor();
}
async function shot(name) { await page.screenshot({ path: `${ARTIFACTS}browser-${name}.png`, fullPage: true }); }

test('the whole journey: setup, token for one base, use, regenerate, delete', async () => {
  await page.goto(server.url + '/');
  await page.getByRole('heading', { name: /Set up airbase/ }).waitFor();
  await page.fill('#email', 'owner@example.com');
  await page.fill('#name', 'Owner');
  await page.fill('#password', 'a long password');
  await page.click('button[type=submit]');
  await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
  await page.getByText('My First Workspace').waitFor();

  // A first token (all bases, schema write) to create two bases over the API.
  await navigate(page, 'Account');
  await page.getByRole('heading', { name: 'Create token' }).waitFor();
  await page.fill('#token-name', 'Setup');
  await page.check('input[value="schema.bases:write"]');
  await page.check('input[value="data.records:write"]');
  await page.click('#create-token button[type=submit]');
  const setupToken = (await page.textContent('#new-token')).trim();
  assert.match(setupToken, /^pat[A-Za-z0-9]{14}\.[0-9a-f]{64}$/);
  const mkBase = async (name) => {
    const wsRes = await page.evaluate(async () => (await fetch('/api/workspaces')).json());
    const res = await server.req('POST', '/v0/meta/bases', { token: setupToken, body: { name, workspaceId: wsRes.workspaces[0].id, tables: [{ name: 'Test Table', fields: [{ name: 'Name', type: 'singleLineText' }] }] } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.id;
  };
  const journeyBase = await mkBase('Journey');
  journeyBaseId = journeyBase;
  const otherBase = await mkBase('Other');
  await server.req('POST', `/v0/${journeyBase}/Test%20Table`, { token: setupToken, body: { fields: { Name: 'Hello' } } });

  // The base id is visible in the address bar, as on Airtable.
  await navigate(page, 'Bases');
  await page.click('text=Journey');
  await page.waitForURL(new RegExp(`/${journeyBase}/tbl[A-Za-z0-9]{14}/viw[A-Za-z0-9]{14}$`));
  assert.equal(await page.textContent('#base-id'), journeyBase);
  // Edit a cell in the grid and read the change back through the API.
  const cell = page.locator('#grid td[data-field="Name"]', { hasText: 'Hello' });
  await cell.dblclick();
  await page.fill('#grid td[data-field="Name"] input', 'Hello, grid');
  await page.keyboard.press('Enter');
  await page.locator('#grid td[data-field="Name"]', { hasText: 'Hello, grid' }).waitFor();
  const readBack = await server.req('GET', `/v0/${journeyBase}/Test%20Table`, { token: setupToken });
  assert.equal(readBack.status, 403);  // the setup token lacks data.records:read
  // Add a number field from the grid, fill it for a second record, and sort by it.
  await page.click('#add-field-button');  // the + at the end of the header
  await page.fill('#add-field input[name=name]', 'Score');
  await page.selectOption('#add-field select[name=type]', 'number');
  await page.click('#add-field button');
  await page.locator('#grid th', { hasText: 'Score' }).waitFor();
  await page.click('#add-record');
  await page.locator('#grid tbody tr[data-record-id]').nth(1).waitFor();
  const second = page.locator('#grid tbody tr[data-record-id]').nth(1);
  await second.locator('td[data-field="Name"]').dblclick();
  await page.fill('#grid td[data-field="Name"] input', 'Zed');
  await page.keyboard.press('Enter');
  await second.locator('td[data-field="Score"]').dblclick();
  await page.fill('#grid td[data-field="Score"] input', '7');
  await page.keyboard.press('Enter');
  await second.locator('td[data-field="Score"]', { hasText: '7' }).waitFor();
  await page.click('#grid th[data-field="Score"] .sortable');
  await page.locator('#grid th', { hasText: 'Score ▲' }).waitFor();
  await page.click('#grid th[data-field="Score"] .sortable');
  await page.locator('#grid th', { hasText: 'Score ▼' }).waitFor();
  assert.equal(await page.locator('#grid tbody tr[data-record-id]').first().locator('td[data-field="Name"]').textContent(), 'Zed');
  await shot('grid');
  // The API page shows the real base id, table ids and ready curl commands for this server.
  await page.click('#api-link');
  await page.waitForURL(`**/${journeyBase}/api`);
  assert.equal(await page.textContent('#api-base-id'), journeyBase);
  const curls = await page.locator('code.curl').allTextContents();
  assert.ok(curls.some((c) => c.includes(`${server.url}/v0/${journeyBase}/Test%20Table`)), curls.join('\n'));
  // Every operation, in curl and airtable.js, with this server's address and a real record id.
  const pageText = await page.textContent('main');
  for (const op of ['List records', 'Filter, sort and pick fields', 'Retrieve a record', 'Create records', 'Update records', 'Upsert', 'Delete records', 'Rate limits', 'RATE_LIMIT_REACHED', 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND'])
    assert.ok(pageText.includes(op), `the API page covers ${op}`);
  const scripts = (await page.locator('code.js').allTextContents()).join('\n');
  assert.ok(scripts.includes(`endpointUrl: "${server.url}"`) && scripts.includes('performUpsert') && scripts.includes('.find("rec'), scripts.slice(0, 400));
  assert.match(curls.find((c) => c.includes('-X DELETE')), /records%5B%5D=rec[A-Za-z0-9]{14}/);
  await shot('api-page');

  // "Data Import Token": three scopes, one base.
  await navigate(page, 'Account');
  await page.getByRole('heading', { name: 'Create token' }).waitFor();
  await page.fill('#token-name', 'Data Import Token');
  for (const s of ['data.records:read', 'data.records:write', 'schema.bases:read']) await page.check(`input[value="${s}"]`);
  await page.check('input[value="pick"]');
  await page.check(`input[name=base][value="${journeyBase}"]`);
  await page.click('#create-token button[type=submit]');
  await page.getByText('it will not be shown again').waitFor();
  const token = (await page.textContent('#new-token')).trim();
  // The one-time secret is brought into sight (the page no longer redraws at its top) and Copy
  // says it copied, or selects the token for the keyboard where the clipboard is not allowed.
  const box = await page.locator('#new-token').boundingBox();
  const viewport = page.viewportSize();
  assert.ok(box.y >= 0 && box.y + box.height <= viewport.height, `the secret is in sight (y=${box.y})`);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'copy-token');
  await page.click('#copy-token');
  await page.locator('.copy-status', { hasText: /clipboard|Ctrl\+C/ }).waitFor();
  assert.match(token, /^pat[A-Za-z0-9]{14}\.[0-9a-f]{64}$/);
  const id = token.split('.')[0];
  const row = page.locator(`tr[data-token-id="${id}"]`);
  assert.match(await row.textContent(), /Data Import Token/);
  assert.match(await row.textContent(), /Journey/);
  assert.ok(!(await page.textContent('#tokens')).includes(token.split('.')[1]), 'the list never shows the secret');

  const list = await server.req('GET', `/v0/${journeyBase}/Test%20Table`, { token });
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.records.map((r) => r.fields.Name), ['Hello, grid', 'Zed']);
  const other = await server.req('GET', `/v0/${otherBase}/Test%20Table`, { token });
  assert.equal(other.status, 403);
  assert.deepEqual(other.body, PERM_403);

  // Regenerate: the new secret is shown once, the old one stops working.
  await row.getByRole('button', { name: 'Regenerate' }).click();
  await page.getByText(/New secret for/).waitFor();
  const fresh = (await page.textContent('#new-token')).trim();
  assert.notEqual(fresh, token);
  assert.equal((await server.req('GET', `/v0/${journeyBase}/Test%20Table`, { token })).status, 401);
  assert.equal((await server.req('GET', `/v0/${journeyBase}/Test%20Table`, { token: fresh })).status, 200);

  // Edit: rename and drop a scope; the list and the audit log show it.
  await page.locator(`tr[data-token-id="${id}"]`).getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('heading', { name: `Edit token ${id}` }).waitFor();
  assert.equal(await page.inputValue('#token-name'), 'Data Import Token');
  assert.ok(await page.isChecked(`input[name=base][value="${journeyBase}"]`));
  await page.fill('#token-name', 'Data Import Token (read only)');
  await page.uncheck('input[value="data.records:write"]');
  await page.click('#create-token button[type=submit]');
  await page.getByRole('heading', { name: 'Create token' }).waitFor();
  const edited = await page.locator(`tr[data-token-id="${id}"]`).textContent();
  assert.match(edited, /Data Import Token \(read only\)/);
  assert.match(edited, /data\.records:read, schema\.bases:readJourney/);
  assert.equal((await server.req('POST', `/v0/${journeyBase}/Test%20Table`, { token: fresh, body: { fields: { Name: 'x' } } })).status, 403);
  assert.match(await page.textContent('#audit'), /token\.edited/);

  // Leaving the page loses the secret.
  await navigate(page, 'Bases');
  await navigate(page, 'Account');
  await page.getByRole('heading', { name: 'Create token' }).waitFor();
  assert.equal(await page.locator('#new-token').count(), 0);

  // Delete (the confirmation dialog is accepted).
  await page.locator(`tr[data-token-id="${id}"]`).getByRole('button', { name: 'Delete' }).click();
  await page.locator(`tr[data-token-id="${id}"]`).waitFor({ state: 'detached' });
  assert.equal((await server.req('GET', `/v0/${journeyBase}/Test%20Table`, { token: fresh })).status, 401);
  await shot('journey');
});

test('a CSRF attempt and a wrong password are refused', async () => {
  // A request from the page without the CSRF token (what another site could forge) is refused.
  const forged = await page.evaluate(async () => {
    const r = await fetch('/api/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'x', scopes: ['data.records:read'], allBases: true }) });
    return r.status;
  });
  assert.equal(forged, 403);
  await page.click('text=/Sign out/');
  await page.getByRole('heading', { name: 'Sign in to airbase' }).waitFor();
  await page.fill('#email', 'owner@example.com');
  await page.fill('#password', 'not the password');
  await page.click('button[type=submit]');
  await page.getByText('Wrong email or password').waitFor();
  await page.fill('#password', 'a long password');
  await page.click('button[type=submit]');
  await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
  await shot('signin');
});

test('home: create, rename and delete workspaces and bases', async () => {
  page.removeAllListeners('dialog');
  page.on('dialog', (d) => (d.type() === 'prompt' ? d.accept('Renamed base') : d.accept()));
  await navigate(page, 'Bases');
  await page.fill('#new-workspace input[name=name]', 'Team');
  await page.click('#new-workspace button');
  const team = page.locator('div.card', { has: page.getByRole('heading', { name: /^Team/ }) });
  await team.waitFor();
  const wsId = await team.getAttribute('data-workspace-id');
  await page.fill(`#new-base-${wsId} input[name=name]`, 'Fresh base');
  await page.click(`#new-base-${wsId} button`);
  const li = team.locator('li', { hasText: 'Fresh base' });
  await li.waitFor();
  const baseId = await li.getAttribute('data-base-id');
  // The new base starts with "Table 1" and is reachable over the API with a token.
  const schema = await page.evaluate(async (id) => (await fetch(`/api/bases/${id}/schema`)).json(), baseId);
  assert.deepEqual(schema.tables.map((t) => t.name), ['Table 1']);
  await li.getByRole('button', { name: 'Rename' }).click();
  await team.locator('li', { hasText: 'Renamed base' }).waitFor();
  // A workspace with bases cannot be deleted; after deleting the base it can.
  await team.getByRole('button', { name: 'Delete workspace' }).click();
  await page.getByText("Delete the workspace's bases first").waitFor();
  await team.locator('li', { hasText: 'Renamed base' }).getByRole('button', { name: 'Delete' }).click();
  await team.locator('li').waitFor({ state: 'detached' });
  await team.getByRole('button', { name: 'Delete workspace' }).click();
  await team.waitFor({ state: 'detached' });
  await shot('home');
});

test('the owner adds a user and shares a workspace read-only; the role caps that user\'s token', async () => {
  page.removeAllListeners('dialog');
  page.on('dialog', (d) => d.accept());
  await navigate(page, 'Account');
  await page.locator('#users').waitFor();
  await page.fill('#new-user-email', 'reader@example.com');
  await page.fill('#new-user-name', 'Reader');
  await page.fill('#new-user-password', 'reader password');
  await page.click('#add-user button[type=submit]');
  await page.locator('#users li', { hasText: 'reader@example.com' }).waitFor();
  await navigate(page, 'Bases');
  const ws = page.locator('div.card', { has: page.getByRole('heading', { name: /^My First Workspace/ }) });
  const wsId = await ws.getAttribute('data-workspace-id');
  await page.fill(`#share-${wsId} input[name=email]`, 'reader@example.com');
  await page.selectOption(`#share-${wsId} select[name=role]`, 'read');
  await page.click(`#share-${wsId} button`);
  await page.waitForTimeout(300);

  // The reader signs in (a separate browser context) and makes a token with write scopes.
  const context = await browser.newContext();
  watch(context);
  const p2 = await context.newPage();
  await p2.goto(server.url + '/');
  await p2.getByRole('heading', { name: 'Sign in to airbase' }).waitFor();
  await p2.fill('#email', 'reader@example.com');
  await p2.fill('#password', 'reader password');
  await p2.click('button[type=submit]');
  await p2.getByText('Journey').waitFor();
  assert.equal(await p2.locator('#users').count(), 0);
  await navigate(p2, 'Account');
  await p2.getByRole('heading', { name: 'Create token' }).waitFor();
  await p2.fill('#token-name', 'Reader token');
  await p2.check('input[value="data.records:read"]');
  await p2.check('input[value="data.records:write"]');
  await p2.click('#create-token button[type=submit]');
  const token = (await p2.textContent('#new-token')).trim();
  assert.equal((await server.req('GET', `/v0/${journeyBaseId}/Test%20Table`, { token })).status, 200);
  const write = await server.req('POST', `/v0/${journeyBaseId}/Test%20Table`, { token, body: { fields: { Name: 'no' } } });
  assert.equal(write.status, 403);
  assert.equal(write.body.error.type, 'INVALID_PERMISSIONS');
  await p2.screenshot({ path: `${ARTIFACTS}browser-reader.png`, fullPage: true });
  await context.close();
});
