import { expect, type Page } from '@playwright/test';

/** The admin scripts/e2e.sh creates with `quire admin create` for the main suite. */
export const SEEDED_ADMIN = { email: 'admin@example.com', password: 'admin passphrase 42' };

/**
 * Waits until the page's scripts run: on every page the inline page script (it marks
 * `<html data-enhanced>`), and on the editor's pages the WASM client too (each island marks
 * an element of its own `data-live` once it is hydrated).
 */
export async function hydrated(page: Page) {
  await expect(page.locator('html')).toHaveAttribute('data-enhanced', '');
  const islands = await page.locator('leptos-island').count();
  await expect(page.locator('leptos-island [data-live]')).toHaveCount(islands);
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
