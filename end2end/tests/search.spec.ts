import { test, expect } from '@playwright/test';
import { SEEDED_ADMIN as ADMIN, hydrated, logIn } from '../support/helpers';

test('search finds a post by a word in its body', async ({ page, baseURL }) => {
  const stamp = Date.now();
  const word = `quokka${stamp}`;
  const title = `Marsupials ${stamp}`;
  await logIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/$/);
  const created = await page.request.post('/api/posts/create', {
    headers: { origin: baseURL! },
    form: { title, subtitle: '', cover_url: '', body: `A ${word} smiles at the camera.` },
    maxRedirects: 0,
  });
  expect(created.status()).toBeLessThan(400);

  // A visitor types the word into the header's search box.
  await page.context().clearCookies();
  await page.goto('/about');
  await hydrated(page);
  await page.getByRole('searchbox', { name: 'Search posts' }).fill(word);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/search\\?q=${word}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Results for “${word}”`);
  const hit = page.getByRole('listitem').filter({ hasText: title });
  await expect(hit.locator('mark')).toHaveText(word);
  await hit.getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();

  // Query syntax is only text: no error page, a plain message.
  const reply = await page.goto('/search?q=%22%20*%20(');
  expect(reply?.status()).toBe(200);
  await expect(page.getByRole('status')).toHaveText('Type a word to search for.');
});
