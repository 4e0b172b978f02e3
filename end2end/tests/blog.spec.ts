import { test, expect } from '@playwright/test';
import { SEEDED_ADMIN as ADMIN, hydrated, logIn } from '../support/helpers';




test('a visitor sees the login prompt instead of the comment form', async ({ page }) => {
  await page.goto('/posts/demo-post-1');
  await expect(page.getByRole('heading', { level: 1, name: 'Demo post 1' })).toBeVisible();
  await expect(page.getByText('You need to login or register to comment.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'login' })).toHaveAttribute('href', '/login');
  await expect(page.getByRole('link', { name: 'register', exact: true })).toHaveAttribute('href', '/register');
  await expect(page.getByLabel('Comment', { exact: true })).toHaveCount(0);
});

test('a reader cannot reach the editor', async ({ page }) => {
  await page.goto('/register');
  await hydrated(page);
  await page.getByLabel('Name').fill('Curious Reader');
  await page.getByLabel('Email').fill(`curious-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign me up' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Curious Reader' })).toBeVisible();

  const response = await page.goto('/admin/posts/new');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await expect(page.getByLabel('Title', { exact: true })).toHaveCount(0);
  expect((await page.goto('/posts/demo-post-1/edit'))?.status()).toBe(403);
});

test('the admin writes, edits and deletes a post', async ({ page }) => {
  await logIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New post' }).click();
  await hydrated(page);
  // Invalid input is reported next to its field and nothing typed is lost.
  await page.getByLabel('Title', { exact: true }).fill('Scratch post');
  await page.getByLabel('Cover image URL', { exact: true }).fill('javascript:alert(1)');
  await page.getByLabel('Body', { exact: true }).fill('Some *body*.');
  // The preview (an island) follows the typing, rendered by the server.
  await expect(page.getByRole('region', { name: 'Preview' }).locator('em')).toHaveText('body');
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByText(/^Use an address starting with https:\/\/ or http:\/\//)).toBeVisible();
  await expect(page.getByLabel('Body', { exact: true })).toHaveValue('Some *body*.');
  await page.getByLabel('Cover image URL', { exact: true }).fill('');
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page).toHaveURL(/\/posts\/scratch-post$/);

  await page.getByRole('link', { name: 'Edit post' }).click();
  await expect(page.getByRole('heading', { name: 'Edit post' })).toBeVisible();
  await hydrated(page);
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Scratch post');
  // A duplicate title is a field error and keeps what was typed.
  await page.getByLabel('Title', { exact: true }).fill('Demo post 1');
  await page.getByLabel('Body', { exact: true }).fill('typed, not lost');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('A post with this title exists already. Choose another title.')).toBeVisible();
  await expect(page.getByLabel('Body', { exact: true })).toHaveValue('typed, not lost');
  await page.getByLabel('Title', { exact: true }).fill('Scratch post, revised');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/posts\/scratch-post$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Scratch post, revised' })).toBeVisible();
  await expect(page.locator('.post-body')).toContainText('typed, not lost');

  await page.getByRole('link', { name: 'Delete post' }).click();
  await expect(page.getByRole('heading', { name: 'Delete this post?' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Delete post' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Scratch post, revised' })).toHaveCount(0);
  expect((await page.goto('/posts/scratch-post'))?.status()).toBe(404);
});
