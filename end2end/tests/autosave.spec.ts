import { test, expect, type Browser, type Page } from '@playwright/test';
import { SEEDED_ADMIN as ADMIN, hydrated, logIn } from '../support/helpers';

/** A new browser (its own cookies and storage) with the admin logged in. */
async function adminBrowser(browser: Browser, baseURL: string | undefined) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await logIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/$/);
  return { context, page };
}

async function openEditor(page: Page, path: string) {
  await page.goto(path);
  await hydrated(page);
}

test('text typed into a tab closed mid-sentence is offered back when the editor opens again', async ({ browser, baseURL }) => {
  const { context, page } = await adminBrowser(browser, baseURL);
  await openEditor(page, '/admin/posts/new');
  const title = `Closed tab ${Date.now()}`;
  const typed = 'It was a dark and stormy night; the rain fell in torr';
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Body', { exact: true }).fill(typed);
  // Closed at once: before any timed copy.
  await page.close();

  const again = await context.newPage();
  await openEditor(again, '/admin/posts/new');
  // The beacon sent as the tab closed reached the server (the page offers its copy), or
  // the copy this browser kept is offered: either way the text is not lost.
  const restore = again
    .getByRole('link', { name: 'Restore the unsaved text' })
    .or(again.getByRole('button', { name: 'Restore it' }));
  await restore.first().click();
  await hydrated(again);
  const body = again.getByLabel('Body', { exact: true });
  await expect(body).toHaveValue(typed);
  await expect(again.getByLabel('Title', { exact: true })).toHaveValue(title);

  // Finished and saved (as a draft, so the other tests' home page stays as it was): nothing
  // is offered any more.
  await body.fill(`${typed}ents.`);
  await again.getByLabel('Draft', { exact: true }).check();
  await again.getByRole('button', { name: 'Publish' }).click();
  await expect(again.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await openEditor(again, '/admin/posts/new');
  await expect(again.getByRole('region', { name: 'Unsaved text' })).toHaveCount(0);
  await expect(again.getByRole('region', { name: 'Text kept in this browser' })).toHaveCount(0);
  await context.close();
});

test('text typed after the session ended stays in the browser and is offered after logging in again', async ({ browser, baseURL }) => {
  const { context, page } = await adminBrowser(browser, baseURL);
  await openEditor(page, '/admin/posts/new');
  // The session ends under the open editor (here: its cookie is gone).
  await context.clearCookies();
  const title = `Logged out ${Date.now()}`;
  const typed = 'Every word of this was typed after the session ended';
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Body', { exact: true }).fill(typed);
  await expect(page.getByRole('status').filter({ hasText: 'you are logged out' })).toBeVisible({ timeout: 15_000 });
  await page.close();

  const again = await context.newPage();
  await logIn(again, ADMIN.email, ADMIN.password);
  await expect(again).toHaveURL(/\/$/);
  await openEditor(again, '/admin/posts/new');
  await expect(again.getByRole('region', { name: 'Unsaved text' })).toHaveCount(0);
  const offer = again.getByRole('region', { name: 'Text kept in this browser' });
  await expect(offer).toContainText('was not saved');
  await offer.getByRole('button', { name: 'Restore it' }).click();
  await expect(again.getByLabel('Body', { exact: true })).toHaveValue(typed);
  await expect(again.getByLabel('Title', { exact: true })).toHaveValue(title);
  await again.getByLabel('Draft', { exact: true }).check();
  await again.getByRole('button', { name: 'Publish' }).click();
  await expect(again.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await context.close();
});

test('the editor keeps a copy on the server every few seconds, restored in another browser', async ({ browser, baseURL }) => {
  const first = await adminBrowser(browser, baseURL);
  await openEditor(first.page, '/admin/posts/new');
  const title = `Kept copy ${Date.now()}`;
  await first.page.getByLabel('Title', { exact: true }).fill(title);
  await first.page.getByLabel('Body', { exact: true }).fill('A paragraph written on the laptop');
  await expect(first.page.getByRole('status').filter({ hasText: 'Draft copy kept at' })).toBeVisible({ timeout: 15_000 });
  await first.context.close();

  const second = await adminBrowser(browser, baseURL);
  await openEditor(second.page, '/admin/posts/new');
  const notice = second.page.getByRole('region', { name: 'Unsaved text' });
  await expect(notice).toContainText('was not saved');
  await notice.getByRole('link', { name: 'Restore the unsaved text' }).click();
  await hydrated(second.page);
  await expect(second.page.getByText('is back in the editor')).toBeVisible();
  await expect(second.page.getByLabel('Body', { exact: true })).toHaveValue('A paragraph written on the laptop');

  // Not wanted after all: discarded, with the notice's own button.
  await openEditor(second.page, '/admin/posts/new');
  await second.page.getByRole('button', { name: 'Discard the unsaved text' }).click();
  await expect(second.page).toHaveURL(/\/admin\/posts\/new$/);
  await expect(second.page.getByRole('region', { name: 'Unsaved text' })).toHaveCount(0);
  await second.context.close();
});

test('two browsers edit one post: the later save is refused and shows the difference', async ({ browser, baseURL }) => {
  const one = await adminBrowser(browser, baseURL);
  const title = `Edited twice ${Date.now()}`;
  await openEditor(one.page, '/admin/posts/new');
  await one.page.getByLabel('Title', { exact: true }).fill(title);
  await one.page.getByLabel('Body', { exact: true }).fill('Line one.\nLine two.\nLine three.');
  await one.page.getByLabel('Draft', { exact: true }).check();
  await one.page.getByRole('button', { name: 'Publish' }).click();
  await expect(one.page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const edit = new URL(`${one.page.url()}/edit`).pathname;

  const two = await adminBrowser(browser, baseURL);
  await openEditor(one.page, edit);
  await openEditor(two.page, edit);

  await one.page.getByLabel('Body', { exact: true }).fill('Line one.\nLine two, from the first browser.\nLine three.');
  await one.page.getByRole('button', { name: 'Save' }).click();
  await expect(one.page.getByRole('heading', { level: 1, name: title })).toBeVisible();

  const mine = 'Line one.\nLine two, from the second browser.\nLine three.';
  await two.page.getByLabel('Body', { exact: true }).fill(mine);
  await two.page.getByRole('button', { name: 'Save' }).click();
  const warning = two.page.getByRole('region', { name: 'Saved by someone else meanwhile' });
  await expect(warning.getByRole('alert')).toContainText('saved this post at');
  await expect(warning.locator('pre.diff del')).toContainText('Line two, from the first browser.');
  await expect(warning.locator('pre.diff ins')).toContainText('Line two, from the second browser.');
  await expect(two.page.getByLabel('Body', { exact: true })).toHaveValue(mine);
  const published = await two.page.request.get(new URL(one.page.url()).pathname);
  expect(await published.text()).toContain('from the first browser');

  // Having seen the difference, a second save replaces the other text on purpose.
  await hydrated(two.page);
  await two.page.getByRole('button', { name: 'Save' }).click();
  await expect(two.page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(two.page.getByText('Line two, from the second browser.')).toBeVisible();
  await one.context.close();
  await two.context.close();
});
