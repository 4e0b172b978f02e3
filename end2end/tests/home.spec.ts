import { test, expect, type Page } from '@playwright/test';

// scripts/e2e.sh seeds three posts ("Demo post 1" oldest … "Demo post 3" newest); the
// server shows two a page.

/** Fails the test on any uncaught error or console error in the page. */
function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return errors;
}

test('the home page lists posts newest first', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Latest posts' })).toBeVisible();
  const posts = page.getByRole('list', { name: 'Posts' }).getByRole('heading', { level: 2 });
  await expect(posts).toHaveText(['Demo post 3', 'Demo post 2']);
  await expect(page.getByText('Posted by Quire Demo').first()).toBeVisible();
  await expect(page.getByRole('link', { name: /Older posts/ })).toBeVisible();
});

test('the theme switch comes alive after hydration and remembers the choice', async ({ page }) => {
  const errors = watchForErrors(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  // Rendered disabled by the server; only the WASM client enables it.
  await expect(toggle).toBeEnabled();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(20, 23, 27)');

  await page.reload();
  await expect(toggle).toBeEnabled();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(errors).toEqual([]);
});

test('older and newer posts are a click away', async ({ page }) => {
  const errors = watchForErrors(page);
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Dark theme' })).toBeEnabled();

  await page.getByRole('link', { name: /Older posts/ }).click();
  await expect(page).toHaveURL(/\?page=2$/);
  const posts = page.getByRole('list', { name: 'Posts' }).getByRole('heading', { level: 2 });
  await expect(posts).toHaveText(['Demo post 1']);
  await expect(page.getByRole('link', { name: /Older posts/ })).toHaveCount(0);

  await page.getByRole('link', { name: /Newer posts/ }).click();
  await expect(posts).toHaveText(['Demo post 3', 'Demo post 2']);
  expect(errors).toEqual([]);
});

test('an unknown address shows a friendly 404 page', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to the home page' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Latest posts' })).toBeVisible();
});

test('the stylesheet is served and applied', async ({ page, request }) => {
  const css = await request.get('/pkg/quire.css');
  expect(css.status()).toBe(200);
  expect(css.headers()['content-type']).toContain('text/css');
  await page.goto('/');
  const font = await page.evaluate(
    () => getComputedStyle(document.querySelector('.brand')!).fontFamily,
  );
  expect(font).toContain('Georgia');
});

test('pages hydrate under a strict Content-Security-Policy without a violation', async ({ page }) => {
  const errors = watchForErrors(page);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  for (const path of ['/', '/posts/demo-post-1', '/login', '/register', '/about', '/contact']) {
    const response = await page.goto(path);
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy, path).toContain("'nonce-");
    expect(policy, path).not.toContain('unsafe-inline');
    // The theme switch is enabled only by the WASM client: hydration ran under the policy.
    await expect(page.getByRole('button', { name: /theme/ })).toBeEnabled();
  }
  expect(errors).toEqual([]);
});
