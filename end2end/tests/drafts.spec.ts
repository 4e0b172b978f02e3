import { test, expect } from '@playwright/test';
import { SEEDED_ADMIN as ADMIN, hydrated, logIn } from '../support/helpers';

test('a draft is invisible to a logged-out visitor, and its preview link shows it', async ({ page, browser, baseURL }) => {
  const title = `Unfinished ${Date.now()}`;
  await logIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New post' }).click();
  await hydrated(page);
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Body', { exact: true }).fill('Not ready yet.');
  await page.getByLabel('Draft', { exact: true }).check();
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole('note', { name: 'Not published' })).toContainText('This is a draft');
  const link = await page.getByLabel('Private preview link').inputValue();
  const address = page.url();

  const visitor = await browser.newContext({ baseURL });
  const other = await visitor.newPage();
  expect((await other.goto(address))?.status()).toBe(404);
  await expect(other.getByRole('heading', { name: title })).toHaveCount(0);
  await other.goto('/');
  await expect(other.getByText(title)).toHaveCount(0);
  expect((await other.goto(link))?.status()).toBe(200);
  await expect(other.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await visitor.close();
});
