// The app shell: server rendering, hydration, languages, accessibility, layout at 360 px.
import { expect, test } from '@playwright/test';
import {
  CUSTOMER_PAGES,
  PUBLIC_PAGES,
  baseUrl,
  collectErrors,
  demoCustomer,
  expectNoAxeViolations,
  expectWasmPreloaded,
  islandsBuild,
  signIn,
  waitForHydration,
} from './helpers';

test('the landing page is rendered on the server, before any WASM runs', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const response = await page.goto(`${baseUrl()}/`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(PUBLIC_PAGES[0].zh);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('link', { name: '登录网上银行' })).toBeVisible();
  // Without script every navigation link is reachable (nothing hidden behind a dead menu button).
  await expect(page.getByRole('navigation').getByRole('link', { name: '账户' })).toBeVisible();
  await context.close();
});

test('a page loads only its own code: the landing and sign-in pages none, another page the app and its job\'s chunks', async ({ page }) => {
  // The islands build has one file for every page: no units.
  const manifest: Record<string, string[]> = islandsBuild
    ? {}
    : await (await page.request.get(`${baseUrl()}/pkg/__wasm_split_manifest.json`)).json();
  const route = Object.keys(manifest).find((key) => /^forgot_password_job_\d+$/.test(key)) ?? 'no forgot-password unit';
  const fetched: string[] = [];
  const scripts: string[] = [];
  page.on('request', (request) => {
    const module = request.url().match(/\/pkg\/(\w+)\.wasm$/);
    if (module) fetched.push(module[1]);
    if (request.resourceType() === 'script') scripts.push(request.url());
  });
  await page.goto(`${baseUrl()}/`, { waitUntil: 'networkidle' });
  await page.getByRole('link', { name: '登录网上银行' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
  await page.waitForLoadState('networkidle');
  expect(fetched, 'the landing and sign-in pages load no WASM').toEqual([]);
  expect(scripts, 'nor any script file').toEqual([]);
  await page.getByRole('link', { name: '忘记密码？' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('忘记密码');
  await waitForHydration(page);
  expect(fetched).toContain('portal');
  if (islandsBuild) {
    expect(fetched).toEqual(['portal']);
  } else {
    expect(fetched).toContain(`split_${route}`);
    expect(fetched.filter((module) => module !== 'portal' && !manifest[route].includes(module))).toEqual([]);
  }
  expect(fetched.filter((module, i) => fetched.indexOf(module) !== i), 'each file once').toEqual([]);
  await expectWasmPreloaded(page);
});

test('on a phone the navigation is folded from the first paint, and its button works before the app is live', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone-360', 'the navigation folds on narrow screens only');
  // The app never arrives: what a phone shows while the WASM is still on its way.
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto(`${baseUrl()}/`);
  const menu = page.getByRole('button', { name: '菜单' });
  await expect(menu).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: '账户' })).toBeHidden();
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('navigation').getByRole('link', { name: '账户' })).toBeVisible();
});

test('the page hydrates and its controls work', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  // The first public page that loads the app (the landing and sign-in pages load none).
  await page.goto(`${baseUrl()}/forgot-password`);
  await waitForHydration(page);
  expect(await page.evaluate(() => document.documentElement.hasAttribute('data-hydrated'))).toBe(true);
  const nav = page.getByRole('navigation', { name: '主导航' });
  if (testInfo.project.name === 'phone-360') {
    const menu = page.getByRole('button', { name: '打开菜单' });
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav).toBeHidden();
    await menu.click();
    await expect(page.getByRole('button', { name: '关闭菜单' })).toHaveAttribute('aria-expanded', 'true');
    await expect(nav.getByRole('link', { name: '预约' })).toBeVisible();
  } else {
    await expect(page.getByRole('button', { name: '打开菜单' })).toBeHidden();
    await expect(nav.getByRole('link', { name: '预约' })).toBeVisible();
  }
  // Client-side navigation after hydration; a customer page sends a visitor to sign in first.
  await nav.getByRole('link', { name: '预约' }).click();
  await expect(page).toHaveURL(/\/sign-in\?next=\/appointments$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
  await expect(page.locator('#main-nav a[href="/sign-in"]')).toHaveAttribute('aria-current', 'page');
  if (testInfo.project.name === 'phone-360') {
    // Following a link folds the menu again.
    await expect(page.getByRole('button', { name: '打开菜单' })).toHaveAttribute('aria-expanded', 'false');
  }
  expect(errors).toEqual([]);
});

test('the sign-in form says in words which fields are missing, and keeps the login ID', async ({ page }) => {
  await page.goto(`${baseUrl()}/sign-in`);
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByText('请输入手机号或客户号。')).toBeVisible();
  await expect(page.getByText('请输入登录密码。')).toBeVisible();
  await expect(page.getByLabel('手机号或客户号')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('手机号或客户号')).toBeFocused();
  await page.getByLabel('手机号或客户号').fill('C000001');
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByText('请输入手机号或客户号。')).toBeHidden();
  await expect(page.getByText('请输入登录密码。')).toBeVisible();
  await expect(page.getByLabel('手机号或客户号')).toHaveValue('C000001');
  await expect(page.getByLabel('登录密码')).toBeFocused();
  await expectNoAxeViolations(page);
});

test('the language switch changes the page (in place where the whole app is live) and is remembered', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(`${baseUrl()}/forgot-password`);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('忘记密码');
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  });
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Forgot password');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page).toHaveTitle(/Forgot password · Anxin Bank/);
  if (islandsBuild) {
    // The switch is a plain form there (no app to change the page): the page comes again.
    expect(navigations, 'one page load').toBe(1);
  } else {
    // Said politely, in the new language: the page changed without a navigation.
    await expect(page.getByRole('status').filter({ hasText: 'Switched to English.' })).toHaveCount(1);
    expect(navigations, 'switching language after hydration does not reload').toBe(0);
  }
  // Remembered: the sign-in page, which loads no app, comes in English from the server.
  await page.goto(`${baseUrl()}/sign-in`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
  expect(errors).toEqual([]);
});

test('the language switch works without WASM too', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/sign-in`);
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await context.close();
});

test('the browser language is honoured when there is no choice yet', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(PUBLIC_PAGES[0].en);
  await context.close();
});

test('an unknown address shows a not-found page with status 404', async ({ page }) => {
  const response = await page.goto(`${baseUrl()}/no-such-page`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('找不到该页面');
  await expect(page.getByRole('link', { name: '返回首页' })).toBeVisible();
});

test('keyboard users can skip to the content', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === 'phone-360', 'phones have no Tab key');
  await page.goto(`${baseUrl()}/`);
  await waitForHydration(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: '跳到主要内容' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
});

for (const [slot, locale] of [[4, 'zh-CN'], [5, 'en']] as const) {
  test(`every page is accessible, fits the screen and logs no errors (${locale})`, async ({ browser }, testInfo) => {
    const { viewport, hasTouch, isMobile } = testInfo.project.use;
    const context = await browser.newContext({ viewport, hasTouch, isMobile, locale });
    const page = await context.newPage();
    const errors = collectErrors(page);
    const check = async (p: { path: string; zh: string; en: string }) => {
      const response = await page.goto(`${baseUrl()}${p.path}`);
      expect(response?.status(), p.path).toBe(200);
      await waitForHydration(page);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(locale === 'en' ? p.en : p.zh);
      await expect(page.locator('html')).toHaveAttribute('lang', locale);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${p.path} scrolls sideways`).toBeLessThanOrEqual(0);
      await expectNoAxeViolations(page);
    };
    for (const p of PUBLIC_PAGES) await check(p);
    await signIn(page, demoCustomer(testInfo, slot), locale);
    for (const p of CUSTOMER_PAGES) await check(p);
    expect(errors).toEqual([]);
    await context.close();
  });
}
