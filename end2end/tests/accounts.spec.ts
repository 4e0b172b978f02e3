import { test, expect, type Page } from '@playwright/test';
import { SEEDED_ADMIN as ADMIN, hydrated, logIn, uniqueEmail } from '../support/helpers';

// Each test registers its own accounts; the admin is created by scripts/e2e.sh with
// `quire admin create` before the server starts, so no test depends on registering first.

const PASSWORD = 'correct horse battery';



async function register(page: Page, name: string, email: string) {
  await page.goto('/register');
  await hydrated(page);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign me up' }).click();
  await expect(page).toHaveURL(/\/$/);
}


test('registering logs the reader in; logging out and in again works', async ({ page }) => {
  const email = uniqueEmail('reader');
  await register(page, 'Grace Reader', email);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Grace Reader' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'New post' })).toHaveCount(0);

  await nav.getByRole('button', { name: 'Log out' }).click();
  await expect(nav.getByRole('link', { name: 'Log in' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Grace Reader' })).toHaveCount(0);

  await logIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/$/);
  await expect(nav.getByRole('link', { name: 'Grace Reader' })).toBeVisible();
});

test('a wrong password shows the generic message and keeps the email', async ({ page }) => {
  const email = uniqueEmail('typo');
  await register(page, 'Typo Tester', email);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Log out' }).click();

  await logIn(page, email, 'definitely not it');
  await expect(page.getByRole('alert')).toHaveText('That email and password do not match an account.');
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await expect(page).toHaveURL(/\/login/);

  await logIn(page, uniqueEmail('nobody'), 'definitely not it');
  await expect(page.getByRole('alert')).toHaveText('That email and password do not match an account.');
});

test('registration errors appear next to their fields', async ({ page }) => {
  const email = uniqueEmail('dupe');
  await register(page, 'First', email);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Log out' }).click();

  await page.goto('/register');
  await hydrated(page);
  await page.getByLabel('Name').fill('Second');
  await page.getByLabel('Email').fill(email.toUpperCase());
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign me up' }).click();
  await expect(page.getByText("You've already signed up with that email, log in instead!")).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Name')).toHaveValue('Second');

  await page.getByLabel('Email').fill(uniqueEmail('fresh'));
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign me up' }).click();
  await expect(page.getByText('That password is one of the most common ones. Choose another.')).toBeVisible();
});

test('the admin sees New post and the user list; a reader does not', async ({ page }) => {
  await logIn(page, ADMIN.email, ADMIN.password);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'New post' })).toBeVisible();
  // The admin's other pages are behind the "Admin" disclosure (a <details>: no script needed).
  await expect(nav.getByRole('link', { name: 'Users' })).toBeHidden();
  await nav.locator('summary', { hasText: 'Admin' }).click();
  await nav.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await expect(page.getByRole('cell', { name: ADMIN.email })).toBeVisible();
  await nav.getByRole('button', { name: 'Log out' }).click();

  await register(page, 'Plain Reader', uniqueEmail('plain'));
  await expect(nav.getByRole('link', { name: 'New post' })).toHaveCount(0);
  const response = await page.goto('/admin/users');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
});

test('a submit button shows progress while its form is posted', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  // The browser posts the form itself; hold the answer back, as a slow network would.
  await page.route('**/api/login', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  // Playwright waits for a navigation to finish before it looks at the page again, so the
  // page reports what its button shows while the post runs.
  const seen: string[] = [];
  page.on('console', (message) => {
    if (message.text().startsWith('busy:')) seen.push(message.text());
  });
  await page.evaluate(() => {
    const form = document.querySelector('form[action="/api/login"]')!;
    new MutationObserver(() => {
      const button = form.querySelector('button[type="submit"]') as HTMLButtonElement;
      const status = form.querySelector('[role="status"]');
      console.log(`busy: ${button.disabled} ${button.getAttribute('aria-busy')} ${status?.textContent ?? ''}`);
    }).observe(form, { subtree: true, attributes: true, childList: true });
  });
  await page.getByLabel('Email').fill(uniqueEmail('slow'));
  await page.getByLabel('Password').fill('definitely not it');
  await page.getByRole('button', { name: 'Log in' }).click();
  expect(seen).toContain('busy: true true Working…');
  // The answer is a new page: the error, and the button ready again.
  await expect(page.getByRole('alert')).toHaveText('That email and password do not match an account.');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
  await expect(page.getByRole('status')).toHaveCount(0);
});

test('forms work without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const email = uniqueEmail('nojs');
  await page.goto('/register');
  await page.getByLabel('Name').fill('No Script');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Sign me up' }).click();
  await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveValue('No Script');
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await expect(page.getByLabel('Password')).toHaveValue('');

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign me up' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'No Script' })).toBeVisible();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' })).toBeVisible();
  await context.close();
});

test('a form posted twice in a row is sent once', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  let posts = 0;
  await page.route('**/api/login', async (route) => {
    posts += 1;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await route.continue();
  });
  await page.getByLabel('Email').fill(uniqueEmail('twice'));
  await page.getByLabel('Password').fill('definitely not it');
  // Enter pressed twice, as an impatient reader does: the second submit is dropped.
  await page.evaluate(() => {
    const form = document.querySelector('form[action="/api/login"]') as HTMLFormElement;
    form.requestSubmit();
    form.requestSubmit();
  });
  await expect(page.getByRole('alert')).toHaveText('That email and password do not match an account.');
  expect(posts).toBe(1);
});
