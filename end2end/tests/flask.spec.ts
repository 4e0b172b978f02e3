import { test, expect } from '@playwright/test';
import { hydrated, logIn } from '../support/helpers';

// A blog moved in from the Flask course: scripts/e2e.sh imports the fixture that the real
// Flask app built (server/tests/fixtures/flask/posts.db) with `quire import-flask`, then runs
// this on it. Its readers keep the passwords Werkzeug hashed for them.

test('@flask a reader logs in with their Flask password and comments on an imported post', async ({ page }) => {
  // Rory's Flask password was hashed with Werkzeug's default, scrypt.
  await logIn(page, 'rory@flaskblog.test', 'rory-pass-22');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Rory Reader' })).toBeVisible();

  // The old address of the imported post still leads to it.
  await page.goto('/post/1');
  await expect(page).toHaveURL(/\/posts\/the-life-of-cactus$/);
  // The page's title; the imported body opens with a heading of the same words.
  await expect(page.getByRole('heading', { level: 1, name: 'The Life of Cactus' }).first()).toBeVisible();
  // CKEditor's HTML is shown as HTML, with the comments the Flask blog had.
  await expect(page.locator('.post-body table')).toBeVisible();
  await expect(page.locator('.comment-body').first()).toContainText('Great post about cacti!');

  await hydrated(page);
  await page.getByLabel('Comment', { exact: true }).fill('Still here after the move to *Quire*.');
  await page.getByRole('button', { name: 'Submit comment' }).click();
  await expect(page.locator('.comment-body').last()).toContainText('Still here after the move to Quire.');
  await expect(page.locator('.comment .author').last()).toHaveText('Rory Reader');
});

test('@flask the Flask admin logs in and edits an imported post as HTML', async ({ page }) => {
  await logIn(page, 'admin@flaskblog.test', 'admin-pass-1');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'New post' })).toBeVisible();
  await page.goto('/posts/hello-world/edit');
  await hydrated(page);
  const body = page.getByLabel('Body', { exact: true });
  await expect(body).toHaveValue('<p>First hello.</p>');
  await body.fill('<p>First hello, <strong>edited</strong> in Quire.</p>');
  await expect(page.getByRole('region', { name: 'Preview' }).locator('strong')).toHaveText('edited');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/posts\/hello-world$/);
  await expect(page.locator('.post-body strong')).toHaveText('edited');
});
