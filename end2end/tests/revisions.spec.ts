import { test, expect } from '@playwright/test';
import { SEEDED_ADMIN as ADMIN, hydrated, logIn } from '../support/helpers';

test('an earlier revision is compared with the post and restored', async ({ page }) => {
  await logIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/$/);
  const title = `Revised ${Date.now()}`;
  await page.goto('/admin/posts/new');
  await hydrated(page);
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Body', { exact: true }).fill('The first draft of the opening.');
  // A draft, so the other tests' home page stays as it was.
  await page.getByLabel('Draft', { exact: true }).check();
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const post = new URL(page.url()).pathname;

  await page.goto(`${post}/edit`);
  await hydrated(page);
  await page.getByLabel('Body', { exact: true }).fill('A rewrite that lost the opening.');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('A rewrite that lost the opening.')).toBeVisible();

  await page.goto(`${post}/edit`);
  await page.getByRole('link', { name: 'Revisions (this is revision 2)' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Revisions of “${title}”`);
  await expect(page.getByRole('row')).toHaveCount(3);
  await page.getByRole('link', { name: 'Compare revision 1 with the current version' }).click();
  await expect(page.locator('pre.diff del')).toContainText('The first draft of the opening.');
  await expect(page.locator('pre.diff ins')).toContainText('A rewrite that lost the opening.');

  await page.getByRole('button', { name: 'Restore revision 1' }).click();
  await expect(page).toHaveURL(new RegExp(`${post}$`));
  await expect(page.getByText('The first draft of the opening.')).toBeVisible();
  await page.goto(`${post}/revisions`);
  await expect(page.getByRole('cell', { name: '3 (current)' })).toBeVisible();
});
