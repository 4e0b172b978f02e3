import { test, expect, type Browser, type Page } from '@playwright/test';
import { logIn, uniqueEmail } from '../support/helpers';

const PASSWORD = 'correct horse battery';
const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

async function register(page: Page, name: string, email: string) {
  await page.goto('/register');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign me up' }).click();
  await expect(nav(page).getByRole('link', { name })).toBeVisible();
}

async function twoBrowsers(browser: Browser, javaScriptEnabled: boolean) {
  const laptop = await (await browser.newContext({ javaScriptEnabled })).newPage();
  const phone = await (await browser.newContext()).newPage();
  return { laptop, phone };
}

for (const javaScriptEnabled of [true, false]) {
  test(`the account page lists where you are logged in and ends a session (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({ browser }) => {
    const { laptop, phone } = await twoBrowsers(browser, javaScriptEnabled);
    const email = uniqueEmail('sessions');
    await register(laptop, 'Sam Sessions', email);
    await logIn(phone, email, PASSWORD);
    await expect(nav(phone).getByRole('link', { name: 'Sam Sessions' })).toBeVisible();

    await laptop.goto('/account');
    await expect(laptop.getByRole('heading', { name: "Where you're logged in" })).toBeVisible();
    const table = laptop.getByRole('table', { name: '2 sessions' });
    await expect(table).toBeVisible();
    await expect(table.getByText('(this browser)')).toHaveCount(1);
    await expect(table.getByRole('cell', { name: /Chrom/ }).first()).toBeVisible();
    await table.getByRole('button', { name: /^End the session of / }).click();
    await expect(laptop.getByRole('table', { name: '1 session', exact: true })).toBeVisible();

    await phone.goto('/account');
    await expect(phone.getByRole('heading', { name: 'Please log in' })).toBeVisible();
    await expect(nav(laptop).getByRole('link', { name: 'Sam Sessions' })).toBeVisible();
    await laptop.context().close();
    await phone.context().close();
  });
}
