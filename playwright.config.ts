// End-to-end tests: the real app in browser mode, driven in Debian's Chromium; the same journeys in Electron
// where an Electron binary and a display exist (skipped with the reason elsewhere).
import { defineConfig } from '@playwright/test';

export const CHROMIUM = process.env.SKILLGRAPH_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 180_000,
  expect: { timeout: 20_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: { screenshot: 'only-on-failure', trace: 'off' },
  projects: [
    {
      name: 'browser',
      testMatch: /.*\.browser\.spec\.ts/,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: CHROMIUM,
          args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        },
      },
    },
    { name: 'electron', testMatch: /.*\.electron\.spec\.ts/ },
  ],
});
