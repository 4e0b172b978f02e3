import { test, expect } from '@playwright/test';
import { SEEDED_ADMIN as ADMIN, hydrated, logIn } from '../support/helpers';



test('a visitor sends a message and the admin reads it in the inbox', async ({ page }) => {
  const text = `Hello from the browser test ${Date.now()}`;
  await page.goto('/contact');
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Visiting Vera');
  await page.getByLabel('Email', { exact: true }).fill('vera@example.com');
  await page.getByLabel('Message', { exact: true }).fill('x');
  await page.getByLabel('Phone', { exact: true }).fill('not a phone');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByText('Use only digits, spaces and + ( ) - . in the phone number.')).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Visiting Vera');

  await page.getByLabel('Phone', { exact: true }).fill('');
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByText('Successfully sent your message')).toBeVisible();

  await logIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/$/);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.locator('summary', { hasText: 'Admin' }).click();
  await nav.getByRole('link', { name: 'Messages' }).click();
  const message = page.locator('.message', { hasText: text });
  await expect(message).toBeVisible();
  await hydrated(page);
  await message.getByRole('button', { name: 'Mark as read' }).click();
  await expect(message.getByRole('button', { name: 'Mark as unread' })).toBeVisible();
});

test('the About page is public', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'About' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'About' })).toBeVisible();
  await expect(page.getByText('Edit the About page')).toHaveCount(0);
});
