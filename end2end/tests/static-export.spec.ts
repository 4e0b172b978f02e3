import { test, expect } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `quire export-static` of the e2e blog, served by Python's http.server from a folder (not
// the server's root), read by a browser with JavaScript off.

let work: string;
let server: ChildProcess | undefined;
let archive: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

test.beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'quire-static-'));
  const port = await freePort();
  archive = `http://127.0.0.1:${port}/archive/`;
  execFileSync(process.env.QUIRE_BIN!, ['export-static', join(work, 'archive'), '--base-url', archive], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: process.env.QUIRE_E2E_DATABASE_URL,
      LEPTOS_SITE_ROOT: process.env.QUIRE_SITE_ROOT ?? '../target/site',
      QUIRE_PAGE_SIZE: '2',
    },
    stdio: 'pipe',
  });
  server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', work], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(archive)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the static file server did not start');
});

test.afterAll(() => {
  server?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

test.use({ javaScriptEnabled: false });

test('the static copy reads like the live blog, without JavaScript', async ({ page }) => {
  // Only the copy's requests count (leaving the live page may cancel its icon's), and not
  // while on a post the other specs wrote, whose body may name an image that is nowhere.
  const failed: string[] = [];
  let watching = true;
  const watched = (url: string) => watching && url.startsWith(archive);
  page.on('response', (r) => {
    if (watched(r.url()) && r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    if (watched(r.url())) failed.push(`failed ${r.url()}`);
  });

  // The live home page, for comparison.
  await page.goto('/');
  const live = await page.evaluate(() => ({
    background: getComputedStyle(document.body).backgroundColor,
    font: getComputedStyle(document.body).fontFamily,
    brand: getComputedStyle(document.querySelector('.brand')!).fontSize,
    titles: [...document.querySelectorAll('.post-title')].map((h) => h.textContent),
  }));

  await page.goto(archive);
  await expect(page.getByRole('heading', { level: 1, name: 'Latest posts' })).toBeVisible();
  const copy = await page.evaluate(() => ({
    background: getComputedStyle(document.body).backgroundColor,
    font: getComputedStyle(document.body).fontFamily,
    brand: getComputedStyle(document.querySelector('.brand')!).fontSize,
    titles: [...document.querySelectorAll('.post-title')].map((h) => h.textContent),
  }));
  expect(copy).toEqual(live);
  // Only what works without the server.
  await expect(page.getByRole('link', { name: 'Log in' })).toHaveCount(0);
  await expect(page.getByRole('search')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveCount(0);

  await page.getByRole('link', { name: /Older posts/ }).click();
  await expect(page).toHaveURL(`${archive}page/2/`);
  await page.getByRole('link', { name: /Newer posts/ }).click();
  await expect(page).toHaveURL(archive);

  // A post from the home page, whichever is newest after the other specs' posts.
  const newest = page.locator('.post-title a').first();
  const title = await newest.textContent();
  watching = false;
  await newest.click();
  await expect(page.getByRole('heading', { level: 1, name: title! })).toBeVisible();
  await page.waitForLoadState('load');
  watching = true;
  // "Demo post 3" has 55 comments or more: more than one page of them.
  await page.goto(`${archive}posts/demo-post-3/`);
  await expect(page.getByRole('heading', { level: 1, name: 'Demo post 3' })).toBeVisible();
  await expect(page.getByRole('heading', { name: /\d+ comments/ })).toBeVisible();
  await page.getByRole('link', { name: 'Earlier comments' }).click();
  await expect(page).toHaveURL(/\/posts\/demo-post-3\/comments\/2\/#comments-title$/);
  await expect(page.getByRole('link', { name: 'Newer comments' })).toBeVisible();

  await page.getByRole('link', { name: 'Quire Demo' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Quire Demo');
  await page.getByRole('link', { name: 'About' }).click();
  await expect(page).toHaveURL(`${archive}about/`);
  await page.getByRole('link', { name: 'Home' }).click();
  await expect(page).toHaveURL(archive);

  const feed = await (await fetch(`${archive}feed.xml`)).text();
  expect(feed).toContain(`${archive}posts/demo-post-3`);
  expect(failed).toEqual([]);
});
