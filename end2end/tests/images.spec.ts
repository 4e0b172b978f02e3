import { test, expect } from '@playwright/test';
import { deflateSync } from 'node:zlib';
import { SEEDED_ADMIN as ADMIN, hydrated, logIn } from '../support/helpers';

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) {
      crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(kind: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(kind, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid RGB PNG of one colour; the colour makes each test's file (and address) its own. */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('the admin uploads a cover image in the editor and it shows on the post', async ({ page }) => {
  const stamp = Date.now();
  const title = `Pictured ${stamp}`;
  const width = 24;
  const image = png(width, 12, [stamp % 256, 90, 200]);

  await logIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/admin/posts/new');
  await hydrated(page);
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Body', { exact: true }).fill('A post with a picture.');

  await page.getByLabel('Image file').setInputFiles({ name: 'cover.png', mimeType: 'image/png', buffer: image });
  await page.getByLabel('Image description (alt text)').fill(`A blue band ${stamp}`);
  await page.getByRole('button', { name: 'Upload image' }).click();
  const address = page.getByLabel('Uploaded image address');
  await expect(address).toHaveValue(/^\/images\/[0-9a-f]{64}\.png$/);
  const url = await address.inputValue();

  await page.getByRole('button', { name: 'Use as cover' }).click();
  await expect(page.getByLabel('Cover image URL')).toHaveValue(url);
  await page.getByRole('button', { name: 'Insert into body' }).click();
  await expect(page.getByLabel('Body', { exact: true })).toHaveValue(
    `A post with a picture.\n\n![A blue band ${stamp}](${url})\n`,
  );

  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();

  const cover = page.locator('img.cover');
  await expect(cover).toHaveAttribute('src', url);
  await cover.scrollIntoViewIfNeeded();
  await expect
    .poll(() => cover.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth))
    .toBe(width);

  const inline = page.getByRole('img', { name: `A blue band ${stamp}` });
  await expect(inline).toHaveAttribute('src', url);
  await inline.scrollIntoViewIfNeeded();
  await expect
    .poll(() => inline.evaluate((img) => (img as HTMLImageElement).naturalWidth))
    .toBeGreaterThan(0);
});

test('a file that is not an image is refused with a clear message', async ({ page }) => {
  await logIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/admin/posts/new');
  await hydrated(page);
  await page.getByLabel('Image file').setInputFiles({
    name: 'picture.png',
    mimeType: 'image/png',
    buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss=1"/>'),
  });
  await page.getByRole('button', { name: 'Upload image' }).click();
  await expect(page.locator('.image-upload').getByRole('alert')).toContainText('SVG and HTML files are not accepted');
  await expect(page.getByLabel('Uploaded image address')).toHaveCount(0);
});
