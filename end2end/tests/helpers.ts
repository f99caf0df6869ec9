// Shared helpers: where the portal is, its pages, and the checks every page must pass.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export function baseUrl(): string {
  const url = process.env.PORTAL_BASE_URL;
  if (!url) throw new Error('PORTAL_BASE_URL is not set: global-setup.ts did not run');
  return url;
}

/** Every page of the app shell, with its heading in each language. */
export const PAGES = [
  { path: '/', zh: '随时随地，自己办理银行业务', en: 'Your bank, whenever you need it' },
  { path: '/sign-in', zh: '登录', en: 'Sign in' },
  { path: '/accounts', zh: '账户', en: 'Accounts' },
  { path: '/appointments', zh: '预约', en: 'Appointments' },
  { path: '/complaints', zh: '投诉与建议', en: 'Complaints' },
  { path: '/wealth', zh: '理财评估', en: 'Wealth' },
  { path: '/messages', zh: '消息', en: 'Messages' },
  { path: '/settings', zh: '设置', en: 'Settings' },
];

/** Records console errors and uncaught exceptions from the moment it is called. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

/** Resolves once the WASM app has hydrated (the header's menu button is only live after it). */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(() => document.querySelector('.menu-toggle')?.hasAttribute('hidden') === false);
}

export async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary, 'axe-core WCAG 2.1 AA violations').toEqual([]);
}
