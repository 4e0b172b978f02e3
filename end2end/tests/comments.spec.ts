import { test, expect } from '@playwright/test';
import { hydrated } from '../support/helpers';

// scripts/e2e.sh gives the newest demo post 55 comments ("Demo comment 0" … "Demo comment 54",
// oldest first). A reader sees the newest fifty and pages back to the others.

test('a long discussion comes fifty comments at a time, the newest first', async ({ page }) => {
  await page.goto('/posts/demo-post-3');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 2, name: '55 comments' })).toBeVisible();
  const comments = page.locator('.comment-list > li');
  await expect(comments).toHaveCount(50);
  await expect(comments.first()).toContainText('Demo comment 5:');
  await expect(comments.last()).toContainText('Demo comment 54:');

  const pages = page.getByRole('navigation', { name: 'Comment pages' });
  await expect(pages.getByRole('link', { name: 'Newer comments' })).toHaveCount(0);
  await pages.getByRole('link', { name: 'Earlier comments' }).click();
  await expect(page).toHaveURL(/\/posts\/demo-post-3\?comments=2#comments-title$/);
  await expect(comments).toHaveCount(5);
  await expect(comments.first()).toContainText('Demo comment 0:');
  await expect(page.getByRole('heading', { level: 2, name: '55 comments' })).toBeVisible();
  await expect(pages.getByRole('link', { name: 'Earlier comments' })).toHaveCount(0);

  await pages.getByRole('link', { name: 'Newer comments' }).click();
  await expect(comments).toHaveCount(50);
  await expect(comments.last()).toContainText('Demo comment 54:');
});

test('comment pages work without JavaScript', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/posts/demo-post-3');
  await page.getByRole('link', { name: 'Earlier comments' }).click();
  await expect(page.locator('.comment-list > li')).toHaveCount(5);
  await context.close();
});
