// Every page, in both languages, at 360 px and desktop width, in light, dark and elder mode:
// axe-core (WCAG 2.1 AA and its best practices) finds nothing, the page has one h1 and its
// headings step down one level at a time, its <title> names the page and the bank in the page's
// language, nothing scrolls sideways, and in elder mode every text is 24 px or more and every
// control 60 x 60 px. Then reflow: at 320 px, and with the browser's text size doubled, nothing
// scrolls sideways or is cut off. The addresses come from a11y.setup.ts; each
// test is one audience in one mode at one width, so the matrix spreads over the workers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Browser, type BrowserContextOptions, expect, type Page, test } from '@playwright/test';
import { A11Y_FILES, A11Y_PEOPLE, arrangeSession, baseUrl, expectElderPage, expectNoAxeViolations, waitForHydration } from './helpers';

type Audience = 'public' | 'customer' | 'staff';
const LANGUAGES = [
  { cookie: 'zh-CN', lang: 'zh-CN', bank: '安心银行' },
  { cookie: 'en', lang: 'en', bank: 'Anxin Bank' },
];
const WIDTHS: { name: string; use: BrowserContextOptions }[] = [
  { name: '360 px', use: { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true } },
  { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
];
const MODES = ['light', 'dark', 'elder'] as const;

function dataFile(name: string) {
  return path.join(process.env.PORTAL_E2E_DATA_DIR ?? '', name);
}

function pagesOf(audience: Audience): string[] {
  return JSON.parse(fs.readFileSync(dataFile(A11Y_FILES.pages), 'utf8'))[audience];
}

async function contextFor(browser: Browser, audience: Audience, use: BrowserContextOptions, cookies: Record<string, string>) {
  const context = await browser.newContext(use);
  const { hostname } = new URL(baseUrl());
  await context.addCookies(Object.entries(cookies).map(([name, value]) => ({ name, value, domain: hostname, path: '/' })));
  // Each context its own session of the person the setup arranged the pages for.
  if (audience !== 'public') await context.addCookies([arrangeSession(A11Y_PEOPLE[audience])]);
  return context;
}

/** Opens `address` and checks what every page must be, whatever the mode. */
async function openPage(page: Page, address: string, language: (typeof LANGUAGES)[number]) {
  const response = await page.goto(`${baseUrl()}${address}`);
  expect(response?.status(), address).toBe(address === '/no-such-page' ? 404 : 200);
  expect(new URL(page.url()).pathname, `${address} is shown, not a redirect`).toBe(new URL(address, baseUrl()).pathname);
  await waitForHydration(page);
  await expect(page.locator('html')).toHaveAttribute('lang', language.lang);
  const outline = await page.evaluate(() =>
    [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
      .filter((h) => (h as HTMLElement).offsetParent !== null || h.closest('details') !== null)
      .map((h) => ({ level: Number(h.tagName[1]), text: (h.textContent ?? '').trim() })),
  );
  expect(outline.filter((h) => h.level === 1).length, `${address}: one h1 (${JSON.stringify(outline)})`).toBe(1);
  const skips = outline.filter((h, i) => i > 0 && h.level > outline[i - 1].level + 1);
  expect(skips, `${address}: headings step down one level at a time`).toEqual([]);
  const title = await page.title();
  expect(title, `${address}: the title names the page and the bank`).toMatch(new RegExp(`^.+ · ${language.bank}$`));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${address}: sideways scrolling`).toBeLessThanOrEqual(0);
}

test.describe.configure({ mode: 'parallel' });

for (const audience of ['public', 'customer', 'staff'] as const) {
  for (const mode of MODES) {
    for (const width of WIDTHS) {
      test(`${audience} pages, ${mode}, ${width.name}`, async ({ browser }) => {
        test.setTimeout(300_000);
        for (const language of LANGUAGES) {
          const cookies: Record<string, string> = { portal_locale: language.cookie };
          if (mode === 'dark') cookies.portal_theme = 'dark';
          if (mode === 'elder') cookies.portal_elder = '1';
          const context = await contextFor(browser, audience, width.use, cookies);
          const page = await context.newPage();
          for (const address of pagesOf(audience)) {
            await openPage(page, address, language);
            if (mode === 'elder' && audience !== 'staff') await expectElderPage(page);
            await expectNoAxeViolations(page, { bestPractice: true, enhancedContrast: mode === 'elder' });
          }
          await context.close();
        }
      });
    }
  }

  test(`${audience} pages reflow at 320 px and with the text size doubled`, async ({ browser }) => {
    test.setTimeout(300_000);
    for (const language of LANGUAGES) {
      // 320 CSS px: a 1280 px window zoomed to 400% (WCAG 1.4.10).
      const narrow = await contextFor(browser, audience, { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true }, { portal_locale: language.cookie });
      const page = await narrow.newPage();
      for (const address of pagesOf(audience)) await openPage(page, address, language);
      await narrow.close();
      // The browser's own text size at 200% (WCAG 1.4.4): nothing scrolls sideways, no text is clipped.
      const wide = await contextFor(browser, audience, { viewport: { width: 1280, height: 800 } }, { portal_locale: language.cookie });
      const zoomed = await wide.newPage();
      const cdp = await wide.newCDPSession(zoomed);
      await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
      for (const address of pagesOf(audience)) {
        await openPage(zoomed, address, language);
        const rootSize = await zoomed.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
        expect(rootSize, 'the browser text size reaches the page').toBeGreaterThanOrEqual(31);
        const clipped = await zoomed.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('body *')]
            .filter((el) => el.offsetParent !== null && el.clientWidth > 1 && el.clientHeight > 1)
            .filter((el) => {
              const style = getComputedStyle(el);
              const hides = (v: string) => v === 'hidden' || v === 'clip';
              return (hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1) || (hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1);
            })
            .map((el) => `${el.tagName}.${el.className} "${(el.textContent ?? '').trim().slice(0, 30)}"`),
        );
        expect(clipped, `${address}: text cut off at 200% text size`).toEqual([]);
      }
      await wide.close();
    }
  });
}
