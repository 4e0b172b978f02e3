import { test, expect, type Page } from '@playwright/test';
import { hydrated, logIn, SEEDED_ADMIN, uniqueEmail } from '../support/helpers';
import { linkIn, mailTo } from '../support/mail';

// Subscribing to new posts by email, through the tests' real SMTP server (aiosmtpd, see
// playwright.config.ts): the tests follow the links in the mails it received.

const SUBSCRIBED = 'You are subscribed: new posts will come by email.';

/** Subscribes `email` from the home page's form and confirms it from the mailed link. */
async function subscribeAndConfirm(page: Page, email: string) {
  await page.goto('/');
  const form = page.getByRole('region', { name: 'New posts by email' });
  await form.getByLabel('Email').fill(email);
  await form.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.getByRole('status')).toContainText('Almost there: a link is on its way');
  const mail = await mailTo(email, 'Confirm your subscription');
  await page.goto(linkIn(mail, '/subscribe/confirm/'));
  await page.getByRole('button', { name: 'Confirm subscription' }).click();
  await expect(page.getByRole('status')).toHaveText(SUBSCRIBED);
}

test('visitors subscribe, are mailed the next post, and unsubscribe from it', async ({ page, browser }) => {
  const email = uniqueEmail('subscriber');
  await page.goto('/');
  await hydrated(page);
  await subscribeAndConfirm(page, email);
  // A second one, whose mail client will unsubscribe for them (RFC 8058's one-click POST).
  const other = uniqueEmail('one-click');
  await subscribeAndConfirm(page, other);

  // The admin publishes with "Email this post to N subscribers" ticked (the default for a
  // new post) and watches the send in the editor.
  const admin = await (await browser.newContext()).newPage();
  await logIn(admin, SEEDED_ADMIN.email, SEEDED_ADMIN.password);
  await expect(admin).toHaveURL(/\/$/);
  await admin.goto('/admin/posts/new');
  await hydrated(admin);
  const title = `A letter ${Date.now()}`;
  await admin.getByLabel('Title', { exact: true }).fill(title);
  await admin.getByLabel('Body', { exact: true }).fill('News for *subscribers*.');
  const offer = admin.getByLabel(/^Email this post to \d+ subscribers? when it is out$/);
  await expect(offer).toBeChecked();
  await admin.getByRole('button', { name: 'Publish' }).click();
  await expect(admin).toHaveURL(/\/posts\/a-letter-\d+$/);
  await admin.getByRole('link', { name: 'Edit post' }).click();
  await hydrated(admin);
  await expect(admin.getByRole('progressbar', { name: 'Mails to subscribers handled' })).toBeVisible();
  // The island asks again while mails wait, so the page reaches the end by itself.
  await expect(admin.getByText(/^Mailed to subscribers: \d+ sent, 0 waiting, 0 refused\.$/)).toBeVisible({
    timeout: 20_000,
  });
  await expect(admin.getByLabel(/^Email this post to/)).toHaveCount(0);

  // The post came by mail: text and HTML, its own Message-ID, its link, and a link to
  // unsubscribe without logging in.
  const letter = await mailTo(email, title);
  expect(letter).toContain('multipart/alternative');
  expect(letter).toMatch(/^Message-ID: <quire-outbox-\d+@/m);
  await page.goto(new URL(letter.match(/https?:\/\/[^\s"<>]+\/posts\/a-letter-\d+/)![0]).pathname);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await page.goto(linkIn(letter, '/unsubscribe/'));
  await expect(page.getByRole('heading', { level: 1, name: 'Unsubscribe' })).toBeVisible();
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await expect(page.getByRole('status')).toHaveText('You are unsubscribed: no more posts will come by email.');

  // A mail client's own button: a bare POST to the same link, no cookie, no page.
  const link = linkIn(await mailTo(other, title), '/unsubscribe/');
  const oneClick = await page.request.post(link, { form: { 'List-Unsubscribe': 'One-Click' } });
  expect(oneClick.status()).toBe(200);
  await page.goto(link);
  await expect(page.getByText('gets no more mail from this blog.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Unsubscribe' })).toHaveCount(0);
});

test('subscribing works without JavaScript and never tells who is subscribed', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const email = uniqueEmail('scriptless-subscriber');
  await subscribeAndConfirm(page, email);

  // Asking again answers as for a new address (the integration tests count the mails).
  await page.goto('/subscribe');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.getByRole('status')).toContainText('Almost there: a link is on its way');
  await context.close();
});
