import { test, expect, type Page } from '@playwright/test';
import { SEEDED_ADMIN, hydrated, logIn } from '../support/helpers';

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

test('the theme switch switches at once and the server remembers the choice', async ({ page }) => {
  const errors = watchForErrors(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  await hydrated(page);
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');

  let navigated = false;
  page.on('framenavigated', () => (navigated = true));
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(20, 23, 27)');
  expect(navigated, 'switched in the page, without a round trip').toBe(false);

  // The next page comes from the server already dark: no flash of the light theme.
  const response = await page.goto('/about');
  expect(await response?.text()).toContain('<html lang="en" data-theme="dark">');
  await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute('aria-pressed', 'true');

  await page.getByRole('button', { name: 'Dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(errors).toEqual([]);
});

test('with a dark system scheme and no choice, the switch shows dark', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/');
  await hydrated(page);
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the theme switch posts the choice and comes back to the same page', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('/?page=2');
    const toggle = page.getByRole('button', { name: 'Dark theme' });
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await toggle.click();
    await expect(page).toHaveURL(/\/\?page=2$/);
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute('aria-pressed', 'true');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(20, 23, 27)');
  });
});

test('reader pages download no WebAssembly and no client script', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  for (const path of ['/', '/posts/demo-post-3', '/about', '/contact', '/login', '/register', '/search?q=demo']) {
    await page.goto(path);
    await hydrated(page);
    // Time for anything loaded when the browser is idle.
    await page.waitForTimeout(300);
  }
  expect(fetched.filter((p) => p.endsWith('.wasm') || p.endsWith('.js'))).toEqual([]);
  expect(fetched.some((p) => p.endsWith('.css'))).toBe(true);
});

test('older and newer posts are a click away', async ({ page }) => {
  const errors = watchForErrors(page);
  await page.goto('/');
  await hydrated(page);

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

test('the page script runs under a strict Content-Security-Policy without a violation', async ({ page }) => {
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
    // The inline script marks the page: it ran under the policy's nonce.
    await hydrated(page);
  }
  expect(errors).toEqual([]);
});

test('the header is one row on a laptop, and no link breaks on a phone', async ({ page }) => {
  const header = page.getByRole('banner');
  const nav = header.getByRole('navigation', { name: 'Main' });
  const parts = () =>
    Promise.all(
      [
        header.getByRole('link', { name: 'Quire' }),
        nav.getByRole('link', { name: 'Home' }),
        nav.getByRole('link', { name: 'Log in' }),
        nav.getByRole('link', { name: 'Register' }),
        header.getByRole('button', { name: 'Search' }),
        header.getByRole('button', { name: /theme$/ }),
      ].map(async (part) => (await part.boundingBox())!),
    );
  const middle = (box: { y: number; height: number }) => box.y + box.height / 2;

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  const wide = await parts();
  for (const box of wide) {
    expect(Math.abs(middle(box) - middle(wide[0]))).toBeLessThan(12);
  }

  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto('/');
  const [, home, logIn, register] = await parts();
  // One line each: as tall as "Home".
  expect(logIn.height).toBeLessThanOrEqual(home.height + 1);
  expect(register.height).toBeLessThanOrEqual(home.height + 1);
});

test("the admin's header is one row at 1280 px too, with the admin's pages in a menu", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await logIn(page, SEEDED_ADMIN.email, SEEDED_ADMIN.password);
  const header = page.getByRole('banner');
  const nav = header.getByRole('navigation', { name: 'Main' });
  const menu = nav.locator('summary', { hasText: 'Admin' });
  const parts = await Promise.all(
    [
      header.getByRole('link', { name: 'Quire' }),
      nav.getByRole('link', { name: 'Home' }),
      nav.getByRole('link', { name: 'New post' }),
      menu,
      nav.getByRole('button', { name: 'Log out' }),
      header.getByRole('button', { name: 'Search' }),
      header.getByRole('button', { name: /theme$/ }),
    ].map(async (part) => (await part.boundingBox())!),
  );
  const middle = (box: { y: number; height: number }) => box.y + box.height / 2;
  for (const box of parts) {
    expect(Math.abs(middle(box) - middle(parts[0]))).toBeLessThan(12);
  }
  // The menu opens below the header, over the page, and its links work.
  await menu.click();
  const subscribers = nav.getByRole('link', { name: 'Subscribers' });
  await expect(subscribers).toBeVisible();
  expect((await subscribers.boundingBox())!.y).toBeGreaterThan(parts[0].y + parts[0].height);
  await subscribers.click();
  await expect(page.getByRole('heading', { level: 1, name: /Subscribers/ })).toBeVisible();
});
