// Browser tests: Debian's Chromium (never a downloaded browser), a fresh portal server on a free
// loopback port with a fresh database (global-setup.ts), each test at phone and desktop width.
import { defineConfig } from '@playwright/test';

const chromium = {
  executablePath: process.env.PORTAL_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  globalTeardown: './global-teardown.ts',
  // A test's budget, twice its longest journey as measured under the full suite. The long ones
  // (book, move and cancel a visit; the accounts tour) take 35 s alone on an idle machine, 58 s
  // here with two workers sharing 2 cores with the server, and ran past 60 s on CI's slower
  // machine: the budget had been the measured time itself. Longer journeys set their own.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    // The portal's customers browse in Chinese; tests that need English say so.
    locale: 'zh-CN',
    launchOptions: chromium,
    // Recording a trace costs every test about a tenth of its time, and a CI run keeps no
    // files: PORTAL_E2E_TRACE=1 records one for each failing test (end2end/test-results/).
    trace: process.env.PORTAL_E2E_TRACE ? 'retain-on-failure' : 'off',
  },
  // PORTAL_E2E_ISLANDS=1: the build under test is the islands build (README, Islands), which
  // scripts/test.sh tests, and the few checks that differ from the whole-app build's follow it.
  // The `islands` project (islands.spec.ts: the pages are islands, one WASM file for all) signs in
  // as other tests' customers: it runs on a server of its own (`--project=islands`), the other
  // projects together on another.
  projects: [
    { name: 'phone-360', testIgnore: /a11y\.|islands\./, use: { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true } },
    { name: 'desktop-1280', testIgnore: /a11y\.|islands\./, use: { viewport: { width: 1280, height: 800 } } },
    // The accessibility matrix (every page x language x width x mode) sets its own widths, on
    // sessions signed in once by its setup.
    { name: 'a11y-setup', testMatch: /a11y\.setup\.ts/ },
    { name: 'a11y', testMatch: /a11y\.spec\.ts/, dependencies: ['a11y-setup'] },
    { name: 'islands', testMatch: /islands\.spec\.ts/, use: { viewport: { width: 1280, height: 800 } } },
  ],
});
