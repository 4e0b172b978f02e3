import { test, expect, type Page } from '@playwright/test';
import { SEEDED_ADMIN as ADMIN, hydrated, logIn, uniqueEmail } from '../support/helpers';

// Comment moderation: the admin hides a reader's comment and nobody else sees it any more;
// shown again from the moderation page, it is back. Every test shares the database, so the
// reader and the comment's text are unique, and the comment ends visible, as it started.

const POST = '/posts/demo-post-2';

async function registerReader(page: Page) {
  await page.goto('/register');
  await hydrated(page);
  await page.getByLabel('Name').fill('Moderated Reader');
  await page.getByLabel('Email').fill(uniqueEmail('moderated'));
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign me up' }).click();
  await expect(page).toHaveURL(/\/$/);
}

test('the admin hides a reader\'s comment and a visitor no longer sees it', async ({ page, browser, baseURL }) => {
  const text = `Comment to moderate ${Date.now()}`;
  await registerReader(page);
  await page.goto(POST);
  await hydrated(page);
  await page.getByLabel('Comment', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Submit comment' }).click();
  await expect(page.locator('.comment', { hasText: text })).toBeVisible();
  // A reader gets no moderation buttons, not even on their own comment.
  await expect(page.getByRole('button', { name: 'Hide comment' })).toHaveCount(0);

  const visitorContext = await browser.newContext({ baseURL });
  const visitor = await visitorContext.newPage();
  await visitor.goto(POST);
  await expect(visitor.getByText(text)).toBeVisible();

  const adminContext = await browser.newContext({ baseURL });
  const admin = await adminContext.newPage();
  await logIn(admin, ADMIN.email, ADMIN.password);
  await expect(admin).toHaveURL(/\/$/);
  await admin.goto(POST);
  await hydrated(admin);
  const comment = admin.locator('.comment', { hasText: text });
  await comment.getByRole('button', { name: 'Hide comment' }).click();
  // The admin still sees it, marked, with the button that brings it back.
  await expect(comment.getByRole('button', { name: 'Show comment' })).toBeVisible();
  await expect(comment.getByText('Hidden', { exact: true })).toBeVisible();

  await visitor.reload();
  await expect(visitor.getByRole('heading', { level: 1, name: 'Demo post 2' })).toBeVisible();
  await expect(visitor.getByText(text)).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Demo post 2' })).toBeVisible();
  await expect(page.getByText(text)).toHaveCount(0);

  // The moderation page lists it; showing it takes it off the list and back onto the post.
  const adminNav = admin.getByRole('navigation', { name: 'Main' });
  await adminNav.locator('summary', { hasText: 'Admin' }).click();
  await adminNav.getByRole('link', { name: 'Comments' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Comments' })).toBeVisible();
  await hydrated(admin);
  await expect(admin.getByLabel('Hold new comments for approval')).toBeVisible();
  const queued = admin.locator('.moderation-queue li', { hasText: text });
  await expect(queued.getByRole('link', { name: 'Demo post 2' })).toHaveAttribute('href', POST);
  await queued.getByRole('button', { name: 'Show comment' }).click();
  await expect(admin.locator('.moderation-queue li', { hasText: text })).toHaveCount(0);

  await visitor.reload();
  await expect(visitor.getByText(text)).toBeVisible();
  await visitorContext.close();
  await adminContext.close();
});
