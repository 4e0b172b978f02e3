import { test, expect, request, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEEDED_ADMIN as ADMIN, hydrated, logIn, uniqueEmail } from '../support/helpers';

// The corpus the server-side suite (server/tests/integration/security.rs) uses too.
const payloads = readFileSync(join(__dirname, '../../server/tests/corpus/xss.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('# '));
const all = payloads.join('\n\n');

/** Records every alert/confirm/prompt and every CSP violation the page causes. */
function watchForScript(page: Page): string[] {
  const ran: string[] = [];
  page.on('dialog', async (dialog) => {
    ran.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.text().startsWith('CSP violation')) ran.push(message.text());
  });
  return ran;
}

/** Script-capable leftovers in the live DOM, after hydration has had its say. */
async function activeDom(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    if ((window as unknown as { __xss?: unknown }).__xss !== undefined) found.push('window.__xss was set');
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) {
        const value = attr.value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
        if (attr.name.startsWith('on')) found.push(`${el.tagName} ${attr.name}`);
        if (['href', 'src', 'action', 'formaction', 'data'].includes(attr.name) && /^(javascript|vbscript|data:text\/html)/.test(value)) {
          found.push(`${el.tagName} ${attr.name}=${attr.value}`);
        }
      }
      if (['IFRAME', 'OBJECT', 'EMBED', 'BASE'].includes(el.tagName)) found.push(el.tagName);
      const dataBlock = el.getAttribute('type') === 'application/ld+json';
      if (el.tagName === 'SCRIPT' && !dataBlock && !(el as HTMLScriptElement).nonce && !el.hasAttribute('nonce')) {
        found.push(`script: ${el.outerHTML.slice(0, 80)}`);
      }
    }
    return found;
  });
}

test('payloads in posts, comments and names run nothing after hydration', async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const ran = watchForScript(page);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const origin = { origin: baseURL! };

  // A reader whose name is a payload comments with every payload.
  const reader = await request.newContext({ baseURL });
  const registered = await reader.post('/api/register', {
    headers: origin,
    form: { name: `<img src=x onerror=alert('name')>`, email: uniqueEmail('xss'), password: 'correct horse battery' },
  });
  expect(registered.status()).toBeLessThan(400);

  // The admin publishes a post made of payloads.
  await logIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/$/);
  const title = `Hostile ${Date.now()} <svg/onload=alert('title')>`;
  const created = await page.request.post('/api/posts/create', {
    headers: origin,
    form: { title, subtitle: `<img src=x onerror=alert('subtitle')>`, cover_url: '', body: all },
    maxRedirects: 0,
  });
  expect(created.status()).toBeLessThan(400);
  const slug = (created.headers()['location'] ?? '').replace('/posts/', '');
  expect(slug).not.toBe('');
  for (const body of [all, ...payloads.slice(0, 8)]) {
    const commented = await reader.post('/api/comments/add', { headers: origin, form: { slug, body } });
    expect(commented.status()).toBeLessThan(400);
  }

  // What a visitor and the admin see, hydrated, with time for anything delayed to fire.
  for (const path of [`/posts/${slug}`, '/', `/posts/${slug}/edit`, '/admin/users']) {
    await page.goto(path);
    await hydrated(page);
    await page.mouse.move(200, 300);
    await page.waitForTimeout(300);
    expect(await activeDom(page), path).toEqual([]);
  }
  await page.goto(`/posts/${slug}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByText(`<img src=x onerror=alert('name')>`).first()).toBeVisible();

  // A comment typed into the page's own form, posted through the hydrated client.
  const commenter = await reader.storageState();
  const context = await page.context().browser()!.newContext({ baseURL, storageState: commenter });
  const readerPage = await context.newPage();
  const readerRan = watchForScript(readerPage);
  await readerPage.goto(`/posts/${slug}`);
  await hydrated(readerPage);
  const marker = `typed ${Date.now()}`;
  await readerPage.getByLabel('Comment', { exact: true }).fill(`${marker}\n\n${payloads.slice(0, 12).join('\n\n')}`);
  await readerPage.getByRole('button', { name: 'Submit comment' }).click();
  await expect(readerPage.getByText(marker)).toBeVisible();
  await readerPage.waitForTimeout(500);
  expect(await activeDom(readerPage)).toEqual([]);
  await context.close();

  expect(ran).toEqual([]);
  expect(readerRan).toEqual([]);
});
