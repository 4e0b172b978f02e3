import { test, expect, type Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { hydrated, logIn, uniqueEmail } from '../support/helpers';

// The tests are the authenticator app: they read the key the account page shows and compute
// codes from it with otpauth, an implementation of RFC 6238 independent of the server's.

/** The second admin scripts/e2e.sh creates, so the main admin's logins stay one step. */
const CAREFUL = { name: 'Careful Admin', email: 'careful@example.com', password: 'admin passphrase 43' };

/** The code an app shows `ahead` seconds from now. A code is accepted once: the next login
 * after the set-up uses the next step's code (the server accepts one step either side). */
function codeFor(secret: string, ahead = 0): string {
  const totp = new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
  return totp.generate({ timestamp: Date.now() + ahead * 1000 });
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** Sets up two-factor sign-in on the account page; the key and the recovery codes shown. */
async function enrol(page: Page): Promise<{ secret: string; codes: string[] }> {
  await page.goto('/account');
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  await expect(page.getByRole('img', { name: 'QR code to scan with your authenticator app' })).toBeVisible();
  const secret = ((await page.locator('code.totp-secret').textContent()) ?? '').trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  // A code from five minutes ahead is not the current one.
  await page.getByLabel('Code from your app').fill(codeFor(secret, 300));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByText('That code is not right.')).toBeVisible();
  await page.getByLabel('Code from your app').fill(codeFor(secret));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
  const codes = await page.locator('.recovery-codes li').allTextContents();
  expect(codes).toHaveLength(10);
  await expect(page.getByText('Two-factor sign-in is on. Recovery codes left: 10.')).toBeVisible();
  return { secret, codes };
}

async function secondStep(page: Page, code: string) {
  await expect(page).toHaveURL(/\/login\/code(\?|$)/);
  await expect(page.getByRole('heading', { level: 1, name: 'Enter your code' })).toBeVisible();
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('an admin turns on two-factor sign-in, then logs in with a code and with a recovery code', async ({ page }) => {
  await logIn(page, CAREFUL.email, CAREFUL.password);
  await expect(nav(page).getByRole('link', { name: CAREFUL.name })).toBeVisible();
  const { secret, codes } = await enrol(page);

  await nav(page).getByRole('button', { name: 'Log out' }).click();
  await logIn(page, CAREFUL.email, CAREFUL.password);
  await expect(nav(page).getByRole('link', { name: CAREFUL.name })).toHaveCount(0);
  await secondStep(page, codeFor(secret, 30));
  await expect(nav(page).getByRole('link', { name: CAREFUL.name })).toBeVisible();
  await page.goto('/admin/users');
  await expect(page.getByRole('cell', { name: CAREFUL.email })).toBeVisible();

  await nav(page).getByRole('button', { name: 'Log out' }).click();
  await logIn(page, CAREFUL.email, CAREFUL.password);
  await secondStep(page, codes[0]);
  await expect(nav(page).getByRole('link', { name: CAREFUL.name })).toBeVisible();
  await page.goto('/account');
  await hydrated(page);
  await expect(page.getByText('Two-factor sign-in is on. Recovery codes left: 9.')).toBeVisible();

  // A used recovery code does not work twice.
  await nav(page).getByRole('button', { name: 'Log out' }).click();
  await logIn(page, CAREFUL.email, CAREFUL.password);
  await secondStep(page, codes[0]);
  await expect(page.getByText('That code is not right.')).toBeVisible();
  await secondStep(page, codes[1]);
  await expect(nav(page).getByRole('link', { name: CAREFUL.name })).toBeVisible();

  await page.goto('/account');
  await page.getByLabel('Password to turn it off').fill(CAREFUL.password);
  await page.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
  await expect(page.getByRole('button', { name: 'Set up two-factor sign-in' })).toBeVisible();
});

test('two-factor sign-in works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const email = uniqueEmail('nojs-2fa');
  const password = 'correct horse battery';
  await page.goto('/register');
  await page.getByLabel('Name').fill('Plain Pat');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign me up' }).click();
  await expect(nav(page).getByRole('link', { name: 'Plain Pat' })).toBeVisible();
  const { secret } = await enrol(page);
  // Shown once: the next view of the page has no codes.
  await page.goto('/account');
  await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toHaveCount(0);

  await nav(page).getByRole('button', { name: 'Log out' }).click();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await secondStep(page, '12345');
  await expect(page.getByText('That code is not right.')).toBeVisible();
  await page.goto('/login/code');
  await secondStep(page, codeFor(secret, 30));
  await expect(nav(page).getByRole('link', { name: 'Plain Pat' })).toBeVisible();
  await context.close();
});
