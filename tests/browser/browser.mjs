// What the browser tests share: Debian's chromium started headless through playwright-core, the
// web app signed in, and a screenshot of each test's last page in test-artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

export function launch() {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// Signs `page` in to the web app at `url` as `email` (password "correct horse battery").
export async function signInPage(page, url, email) {
  await page.goto(url + '/');
  await page.fill('#email', email);
  await page.fill('#password', 'correct horse battery');
  await page.click('button[type=submit]');
  await page.locator('text=Workspaces').waitFor();
}

// A signed-in page of a new context in `browser`, its uncaught errors collected in `errors`.
export async function signedInPage(browser, url, email, errors, viewport = { width: 1400, height: 900 }) {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await signInPage(page, url, email);
  return page;
}

// Stops what a browser test file started: the browser, then the server and its data.
export async function closeAll(browser, server) {
  await browser?.close();
  await server.stop();
  server.cleanup();
}

// An afterEach hook: the page's screenshot as test-artifacts/<prefix>-<test name>.png, then no
// uncaught error in the page (`errors` is emptied).
export const screenshotAndCheck = (prefix, getPage, errors) => async (t) => {
  const slug = t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  await getPage()?.screenshot({ path: `${ARTIFACTS}${prefix}-${slug}.png`, fullPage: true });
  assert.deepEqual(errors.splice(0), [], 'the page threw');
};
