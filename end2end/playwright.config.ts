import { defineConfig } from '@playwright/test';

// Run through scripts/e2e.sh, which builds nothing itself but prepares a fresh, seeded
// database per backend and passes it in QUIRE_E2E_DATABASE_URL.
const databaseUrl = process.env.QUIRE_E2E_DATABASE_URL;
if (!databaseUrl) {
  throw new Error('QUIRE_E2E_DATABASE_URL is not set: run the browser tests with scripts/e2e.sh');
}
const port = Number(process.env.QUIRE_E2E_PORT ?? 3456);
const baseURL = `http://127.0.0.1:${port}`;
// A second instance on the same database with email verification on (the main one has it off,
// so the other tests' new readers can comment at once): tests/email-verification.spec.ts.
const verifyingPort = port + 2;
// The SMTP server the blog mails through: aiosmtpd (PyPI; `scripts/install-tools.sh
// --test-tools`), keeping every mail in the Maildir scripts/e2e.sh names, where tests read it.
const smtpPort = Number(process.env.QUIRE_E2E_SMTP_PORT ?? 3457);
const maildir = process.env.QUIRE_E2E_MAILDIR;
if (!maildir) {
  throw new Error('QUIRE_E2E_MAILDIR is not set: run the browser tests with scripts/e2e.sh');
}
const python =
  process.env.QUIRE_TEST_PYTHON ?? `${process.env.HOME}/.cache/quire/test-venv/bin/python`;

/** A Quire instance on `port`, with email verification as `verifyEmail` says. */
function quire(port: number, verifyEmail: string) {
  const url = `http://127.0.0.1:${port}`;
  return {
    command: process.env.QUIRE_BIN ?? '../target/release/quire',
    url: `${url}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe' as const,
    stderr: 'pipe' as const,
    env: {
      DATABASE_URL: databaseUrl!,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: process.env.QUIRE_SITE_ROOT ?? '../target/site',
      QUIRE_PAGE_SIZE: '2',
      // Every test registers from 127.0.0.1.
      QUIRE_REGISTRATIONS_PER_HOUR: '1000',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      CONTACT_TO: 'owner@example.com',
      // Reset links start with it (never with a request's Host).
      QUIRE_PUBLIC_URL: url,
      QUIRE_MAIL_RETRY_SECONDS: '1',
      QUIRE_VERIFY_EMAIL: verifyEmail,
      RUST_LOG: 'info',
    },
  };
}

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download cannot work on these machines.
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    {
      command: `"${python}" -m aiosmtpd --nosetuid --listen 127.0.0.1:${smtpPort} --class aiosmtpd.handlers.Mailbox "${maildir}"`,
      port: smtpPort,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    quire(port, 'off'),
    quire(verifyingPort, 'before-commenting'),
  ],
});
