// Playwright configuration for the end-to-end suite.
//
// `cargo xtask test` starts the real eventual-server on a fresh SQLite database, serving the
// release build in dist/, and passes its URL as E2E_BASE_URL. The browser is the system
// Chromium (Playwright's own browser download is never used).
import { defineConfig, devices } from '@playwright/test';

const baseURL = process.env.E2E_BASE_URL;
if (!baseURL) {
  throw new Error(
    'E2E_BASE_URL is not set. Run the suite with `cargo xtask test --only e2e` ' +
      '(after app-build and server-build), or start eventual-server yourself and set it.',
  );
}

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  // One worker: every test shares one server and database, and two cores are all CI has.
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-dev-shm-usage',
          ],
        },
      },
    },
  ],
});
