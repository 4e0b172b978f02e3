import { test, expect, type Page } from '@playwright/test';
import { hydrated } from '../support/helpers';

// The Flask tutorial's own check, end to end, on an empty database: the first account is
// the admin, who writes a post; a second account comments on it; after a server restart
// (scripts/e2e.sh runs the two halves as separate runs, each starting its own server) the
// post and the comment are still there.

const ADMIN = { name: 'Angela Admin', email: 'angela@example.com', password: 'first user passphrase' };
const READER = { name: 'Rory Reader', email: 'rory@example.com', password: 'second user passphrase' };
const TITLE = 'The Life of Cactus';
const COMMENT = 'What a *prickly* read!';


async function register(page: Page, who: { name: string; email: string; password: string }) {
  await page.goto('/register');
  await hydrated(page);
  await page.getByLabel('Name').fill(who.name);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign me up' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: who.name })).toBeVisible();
}

test('@tutorial-before-restart the first user writes a post and a second comments', async ({ page }) => {
  await register(page, ADMIN);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'New post' }).click();
  await expect(page.getByRole('heading', { name: 'New post' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Title', { exact: true }).fill(TITLE);
  await page.getByLabel('Subtitle', { exact: true }).fill('Who knew they were so interesting?');
  await page.getByLabel('Cover image URL', { exact: true }).fill('https://images.example.com/cactus.jpg');
  await page.getByLabel('Body', { exact: true }).fill('Cacti are **succulents**.\n\n- spines\n- flowers');
  await expect(page.getByRole('region', { name: 'Preview' }).locator('strong')).toHaveText('succulents');
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page).toHaveURL(/\/posts\/the-life-of-cactus$/);
  await expect(page.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();

  await nav.getByRole('button', { name: 'Log out' }).click();
  await expect(nav.getByRole('link', { name: 'Log in' })).toBeVisible();

  await register(page, READER);
  await page.goto('/');
  await page.getByRole('link', { name: TITLE }).click();
  await hydrated(page);
  await page.getByLabel('Comment', { exact: true }).fill(COMMENT);
  await page.getByRole('button', { name: 'Submit comment' }).click();
  await expect(page.locator('.comment-body em')).toHaveText('prickly');
  await expect(page.getByRole('heading', { name: '1 comment' })).toBeVisible();
});

test('@tutorial-after-restart the post and the comment are still there', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: TITLE }).click();
  await expect(page.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
  await expect(page.getByText('Posted by Angela Admin')).toBeVisible();
  await expect(page.locator('.comment-body')).toContainText('What a prickly read!');
  await expect(page.locator('.comment .author')).toHaveText(READER.name);
  // The old address of the first post still leads to it.
  await page.goto('/post/1');
  await expect(page).toHaveURL(/\/posts\/the-life-of-cactus$/);
});
