import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from '@playwright/test';

/** The Maildir the tests' SMTP server (aiosmtpd, started by playwright.config.ts) keeps mail in. */
export const MAILDIR = process.env.QUIRE_E2E_MAILDIR ?? '';

/**
 * The newest mail to `to` (about `subject`, when given) that arrives within 15 s, its
 * quoted-printable line breaks undone.
 */
export async function mailTo(to: string, subject?: string): Promise<string> {
  let found = '';
  await expect(async () => {
    const folder = join(MAILDIR, 'new');
    const mails = readdirSync(folder)
      .sort()
      .map((name) => readFileSync(join(folder, name), 'utf8').replace(/=\r?\n/g, ''))
      .filter((mail) => mail.includes(`To: ${to}`))
      .filter((mail) => subject === undefined || mail.includes(`Subject: ${subject}`));
    expect(mails.length).toBeGreaterThan(0);
    found = mails[mails.length - 1];
  }).toPass({ timeout: 15_000 });
  return found;
}

/** The password-reset link in a mail, as a path. */
export function resetLink(mail: string): string {
  const match = mail.match(/\/reset-password\/[0-9a-f]{64}/);
  expect(match, mail).not.toBeNull();
  return match![0];
}

/** The link under `prefix` (e.g. `/unsubscribe/`) in a mail, with its 64-digit token, as a path. */
export function linkIn(mail: string, prefix: string): string {
  const match = mail.match(new RegExp(`${prefix}[0-9a-f]{64}`));
  expect(match, mail).not.toBeNull();
  return match![0];
}
