import { test, expect, type Page } from '@playwright/test';
import { uniqueEmail } from '../support/helpers';
import { mailTo } from '../support/mail';

// Against the instance with email verification on (playwright.config.ts), on the same
// database as the others; its links start with its own address.
const VERIFYING_URL = `http://127.0.0.1:${Number(process.env.QUIRE_E2E_PORT ?? 3456) + 2}`;
test.use({ baseURL: VERIFYING_URL });

const PASSWORD = 'correct horse battery';
const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

function verifyLink(mail: string): string {
  const match = mail.match(/\/verify-email\/[0-9a-f]{64}/);
  expect(match, mail).not.toBeNull();
  return match![0];
}

for (const javaScriptEnabled of [true, false]) {
  test(`a new reader confirms their address, then comments (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    const email = uniqueEmail('verify');
    await page.goto('/register');
    await page.getByLabel('Name').fill('Vera Verified');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign me up' }).click();
    await expect(nav(page).getByRole('link', { name: 'Vera Verified' })).toBeVisible();

    await page.goto('/posts/demo-post-1');
    const text = `Before confirming ${Date.now()}`;
    await page.getByLabel('Comment', { exact: true }).fill(text);
    await page.getByRole('button', { name: 'Submit comment' }).click();
    await expect(page.getByText('Confirm your email address to comment')).toBeVisible();
    // What was typed is kept.
    await expect(page.getByLabel('Comment', { exact: true })).toHaveValue(text);

    await page.goto(verifyLink(await mailTo(email)));
    await expect(page.getByText(`This confirms ${email} as your account's address.`)).toBeVisible();
    await page.getByRole('button', { name: 'Confirm address' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Address confirmed' })).toBeVisible();

    await page.goto('/account');
    await expect(page.getByText('(confirmed)')).toBeVisible();
    await page.goto('/posts/demo-post-1');
    await page.getByLabel('Comment', { exact: true }).fill(text);
    await page.getByRole('button', { name: 'Submit comment' }).click();
    await expect(page.locator('.comment', { hasText: text })).toBeVisible();
    await context.close();
  });
}
