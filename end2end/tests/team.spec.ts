import { test, expect, type Browser } from '@playwright/test';
import { SEEDED_ADMIN as ADMIN, hydrated, logIn, uniqueEmail } from '../support/helpers';
import { linkIn, mailTo } from '../support/mail';

const PASSWORD = 'team passphrase 45';

/** The admin invites `email` as `role` from the people page; the link comes by mail. */
async function invite(browser: Browser, baseURL: string | undefined, email: string, role: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await logIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/admin/users');
  await hydrated(page);
  const form = page.getByRole('form', { name: 'Invite someone' });
  await form.getByLabel('Email address').fill(email);
  await form.getByLabel('Role').selectOption(role);
  await form.getByRole('button', { name: 'Invite' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Invitation mailed to ${email}` })).toBeVisible();
  await context.close();
  return linkIn(await mailTo(email), '/invite/');
}

/** Opens the invitation in a browser of its own and makes the account it offers. */
async function join(browser: Browser, baseURL: string | undefined, link: string, name: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto(link);
  await hydrated(page);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create the account and join' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your posts' }).or(
    page.getByRole('heading', { level: 1, name: 'Posts' }))).toBeVisible();
  return { context, page };
}

test('@team a contributor submits a draft for review and an editor publishes it', async ({ browser, baseURL }) => {
  const contributorLink = await invite(browser, baseURL, uniqueEmail('contributor'), 'contributor');
  const editorLink = await invite(browser, baseURL, uniqueEmail('editor'), 'editor');

  const cara = await join(browser, baseURL, contributorLink, 'Cara Contributor');
  await cara.page.getByRole('link', { name: 'Write a new post' }).click();
  await hydrated(cara.page);
  const title = `Submitted ${Date.now()}`;
  await cara.page.getByLabel('Title', { exact: true }).fill(title);
  await cara.page.getByLabel('Body', { exact: true }).fill('Notes from the field, for an editor to read.');
  // No way to publish: a draft, or a draft submitted for review.
  await expect(cara.page.getByLabel('Publish', { exact: true })).toHaveCount(0);
  await cara.page.getByLabel('Submit for review').check();
  await cara.page.getByRole('button', { name: 'Save' }).click();
  await expect(cara.page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const address = new URL(cara.page.url()).pathname;

  // Nobody else sees it yet.
  const reader = await browser.newContext({ baseURL });
  const readerPage = await reader.newPage();
  expect((await readerPage.goto(address))!.status()).toBe(404);

  const ed = await join(browser, baseURL, editorLink, 'Ed Editor');
  await ed.page.goto('/admin/posts');
  await expect(ed.page.getByText('1 post submitted for review')).toBeVisible();
  const row = ed.page.getByRole('row').filter({ hasText: title });
  await expect(row).toContainText('Submitted for review');
  await expect(row).toContainText('Cara Contributor');
  await row.getByRole('link', { name: title }).click();
  await hydrated(ed.page);
  await expect(ed.page.getByLabel('Submit for review')).toBeChecked();
  await ed.page.getByLabel('Publish', { exact: true }).check();
  await ed.page.getByRole('button', { name: 'Save' }).click();
  await expect(ed.page).toHaveURL(new RegExp(`${address}$`));

  // Out, under her name; and hers no longer to change.
  expect((await readerPage.goto(address))!.status()).toBe(200);
  await expect(readerPage.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(readerPage.locator('.post-meta')).toContainText('Cara Contributor');
  await cara.page.goto(address);
  await expect(cara.page.getByRole('link', { name: 'Edit post' })).toHaveCount(0);
  await reader.close();
  await cara.context.close();
  await ed.context.close();
});

test('@team an author invited by mail closes the tab mid-sentence and gets the text back', async ({ browser, baseURL }) => {
  const link = await invite(browser, baseURL, uniqueEmail('author'), 'author');
  const abe = await join(browser, baseURL, link, 'Abe Author');
  await abe.page.goto('/admin/posts/new');
  await hydrated(abe.page);
  const title = `Interrupted ${Date.now()}`;
  const typed = 'The train pulled in just as I was about to wr';
  await abe.page.getByLabel('Title', { exact: true }).fill(title);
  await abe.page.getByLabel('Body', { exact: true }).fill(typed);
  await abe.page.close();

  const again = await abe.context.newPage();
  await again.goto('/admin/posts/new');
  await hydrated(again);
  const restore = again
    .getByRole('link', { name: 'Restore the unsaved text' })
    .or(again.getByRole('button', { name: 'Restore it' }));
  await restore.first().click();
  await hydrated(again);
  await expect(again.getByLabel('Body', { exact: true })).toHaveValue(typed);
  await expect(again.getByLabel('Title', { exact: true })).toHaveValue(title);
  // An author publishes their own post.
  await again.getByLabel('Publish', { exact: true }).check();
  await again.getByRole('button', { name: 'Publish' }).click();
  await expect(again.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(again.getByRole('link', { name: 'Edit post' })).toBeVisible();
  await abe.context.close();
});
