import { expect, type Page } from '@playwright/test';

/** The admin scripts/e2e.sh creates with `quire admin create` for the main suite. */
export const SEEDED_ADMIN = { email: 'admin@example.com', password: 'admin passphrase 42' };

/** Waits until the WASM client runs: the server renders the theme switch disabled. */
export async function hydrated(page: Page) {
  await expect(page.getByRole('button', { name: 'Dark theme' })).toBeEnabled();
}

/** Logs in through the login page (the caller checks where it lands). */
export async function logIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** An address no other test uses, so tests can share one database. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}
