import { test, expect, type Page } from '@playwright/test';
import { hydrated, logIn, uniqueEmail } from '../support/helpers';
import { mailTo, resetLink } from '../support/mail';

// The server mails through a real SMTP server (aiosmtpd, see playwright.config.ts); the
// tests read the link from the mail it received.

const OLD_PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';

async function registerAndLeave(page: Page, name: string, email: string) {
  await page.goto('/register');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(OLD_PASSWORD);
  await page.getByRole('button', { name: 'Sign me up' }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' })).toBeVisible();
}

async function forgetAndReset(page: Page, email: string) {
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Forgot your password?' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByText('If an account exists for that address, we sent a link to it.')).toBeVisible();

  const link = resetLink(await mailTo(email));
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page).toHaveURL(/\/$/);
  return link;
}

test('a reader who forgot their password sets a new one from the mailed link', async ({ page }) => {
  const email = uniqueEmail('forgetful');
  await registerAndLeave(page, 'Forgetful Fay', email);
  await page.goto('/');
  await hydrated(page);
  const link = await forgetAndReset(page, email);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Forgetful Fay' })).toBeVisible();

  await nav.getByRole('button', { name: 'Log out' }).click();
  await logIn(page, email, OLD_PASSWORD);
  await expect(page.getByText('That email and password do not match an account.')).toBeVisible();
  await logIn(page, email, NEW_PASSWORD);
  await expect(nav.getByRole('link', { name: 'Forgetful Fay' })).toBeVisible();

  // The link worked once.
  await page.goto(link);
  await expect(page.getByRole('alert')).toContainText('does not work any more');
  await expect(page.getByLabel('New password', { exact: true })).toHaveCount(0);
});

test('the reset works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const email = uniqueEmail('nojs-reset');
  await registerAndLeave(page, 'Scriptless Sam', email);
  await forgetAndReset(page, email);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Scriptless Sam' })).toBeVisible();
  await context.close();
});
