import { test, expect, type Page } from '@playwright/test';
import { hydrated, logIn } from '../support/helpers';

// Screenshots of the home page, a post, the editor and the account page at three widths in
// both themes, compared with the baselines committed beside this file: a layout regression
// (a header wrapping onto a second row, a squeezed button) fails the build.
//
// scripts/e2e.sh runs these on a database of their own, made the same way every time (the
// demo's three posts with three comments, and this admin), so nothing another test wrote
// shows. What moves with the clock is held still: every date reads "January 1, 2026" (so
// it is as wide at every run), and the account's sessions are masked. After a
// deliberate change of the layout, make new baselines with
// `QUIRE_UPDATE_SCREENSHOTS=1 scripts/e2e.sh sqlite layout` and look at them before committing.
const LAYOUT_ADMIN = { email: 'layout@example.com', password: 'layout passphrase 44' };

const WIDTHS = [390, 768, 1280];
const THEMES = ['light', 'dark'] as const;

async function matches(page: Page, name: string) {
  await page.evaluate(() => {
    for (const time of document.querySelectorAll('time')) time.textContent = 'January 1, 2026';
  });
  await expect(page).toHaveScreenshot(`${name}.png`, {
    mask: [page.locator('table.sessions')],
    // Text antialiasing may differ by a few pixels between runs; a moved or wrapped
    // element changes thousands.
    maxDiffPixels: 60,
  });
}

for (const theme of THEMES) {
  test(`@layout the pages hold their layout at 390, 768 and 1280 px (${theme} theme)`, async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, colorScheme: theme });
    await context.addCookies([{ name: 'quire_theme', value: theme, url: baseURL! }]);
    const page = await context.newPage();
    const visit = async (path: string, width: number) => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(path);
      await hydrated(page);
    };
    for (const width of WIDTHS) {
      await visit('/', width);
      await matches(page, `home-${width}-${theme}`);
      await visit('/posts/demo-post-3', width);
      await matches(page, `post-${width}-${theme}`);
    }
    await logIn(page, LAYOUT_ADMIN.email, LAYOUT_ADMIN.password);
    await expect(page).toHaveURL(/\/$/);
    for (const width of WIDTHS) {
      await visit('/admin/posts/new', width);
      await matches(page, `editor-${width}-${theme}`);
      await visit('/account', width);
      await matches(page, `account-${width}-${theme}`);
    }
    await context.close();
  });
}
