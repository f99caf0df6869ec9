// Elder mode (长辈模式) and the colour theme: switched from the header or Settings (plain links,
// so they work without WASM too), remembered by the browser, rendered by the server on the first
// response. In elder mode body text is at least 24 px (18 pt) and every control at least 60 x 60
// px, nothing scrolls sideways; dark and elder pages pass axe. A customer aged 65 or more is
// offered elder mode once, inline, and then does the portal's four jobs (balances, a branch
// visit, a complaint, the risk questionnaire) in elder mode at 360 px by keyboard alone.
import { type BrowserContext, expect, type Locator, type Page, test } from '@playwright/test';
import { baseUrl, codeFromOutbox, expectElderPage, expectNoAxeViolations, PASSWORD, tabTo, waitForHydration } from './helpers';

test('elder mode and the dark theme, from the header, before signing in', async ({ browser }, testInfo) => {
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const zh = testInfo.project.name === 'phone-360';
  const context = await browser.newContext({ viewport, hasTouch, isMobile, locale: zh ? 'zh-CN' : 'en' });
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/sign-in`);
  await expect(page.locator('html')).not.toHaveClass(/\belder\b/);
  await page.getByRole('link', { name: zh ? '长辈模式' : 'Large text', exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await waitForHydration(page);
  await expectElderPage(page);
  await expectNoAxeViolations(page);
  // The switch now offers the way back; the landing page is in elder mode too.
  await expect(page.getByRole('link', { name: zh ? '标准模式' : 'Standard text', exact: true })).toBeVisible();
  await page.goto(`${baseUrl()}/`);
  await expectElderPage(page);

  // Dark, by the device's setting and by choice; both pass axe, in elder mode and without.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectNoAxeViolations(page);
  await page.goto(`${baseUrl()}/display?theme=dark&elder=0&back=/sign-in`);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(background).toBe('rgb(17, 24, 39)');
  await expectNoAxeViolations(page);

  // Without WASM the switch is the same link.
  const plain = await browser.newContext({ viewport, javaScriptEnabled: false, locale: zh ? 'zh-CN' : 'en' });
  const noJs = await plain.newPage();
  await noJs.goto(`${baseUrl()}/sign-in`);
  await noJs.getByRole('link', { name: zh ? '长辈模式' : 'Large text', exact: true }).click();
  await expect(noJs.locator('html')).toHaveClass(/\belder\b/);
  await plain.close();
  await context.close();
});

// One customer aged 65 or more is left outside the demo slots (helpers.ts): C000009, so these run
// on the phone only (360 px: the width elder mode must hold without sideways scrolling), in order,
// in one browser tab. Everything is done by keyboard alone: Tab and Shift+Tab, Enter, Space, the
// arrow keys, and typing.
test.describe('a customer aged 65 or more, by keyboard, in elder mode at 360 px', () => {
  test.describe.configure({ mode: 'serial' });
  let context: BrowserContext;
  let page: Page;
  test.beforeAll(async ({ browser }, testInfo) => {
    test.skip(testInfo.project.name !== 'phone-360', 'one spare customer aged 65 or more');
    const { viewport, hasTouch, isMobile } = testInfo.project.use;
    context = await browser.newContext({ viewport, hasTouch, isMobile });
    page = await context.newPage();
  });
  test.afterAll(async () => {
    await context?.close();
  });

  test('signs in and is offered elder mode once', async () => {
    await page.goto(`${baseUrl()}/sign-in`);
    await waitForHydration(page);
    // Sent empty: the form names both fields, and the focus goes to the first.
    await tabTo(page, page.getByRole('button', { name: '下一步' }));
    await page.keyboard.press('Enter');
    await expect(page.getByText('请输入手机号或客户号。')).toBeVisible();
    await expect(page.getByLabel('手机号或客户号')).toBeFocused();
    await page.keyboard.type('C000009');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    const since = Date.now();
    await page.keyboard.press('Enter');
    // The code step takes the focus, and says where the code went.
    const code = page.getByLabel('6 位短信验证码');
    await expect(code).toBeFocused();
    await expect(code).toHaveAccessibleDescription(/验证码已发送至 138\*+0009/);
    await page.keyboard.type(await codeFromOutbox('13800000009', since));
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/accounts$/);

    const offer = page.getByRole('region', { name: '试试长辈模式？' });
    await expect(offer).toBeVisible();
    await expectNoAxeViolations(page);
    await waitForHydration(page);
    await tabTo(page, offer.getByRole('link', { name: '开启长辈模式' }));
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/accounts$/);
    await expect(page.locator('html')).toHaveClass(/\belder\b/);
    await expect(page.getByRole('region', { name: '试试长辈模式？' })).toHaveCount(0);
  });

  test('checks balances and loads more of an account history', async () => {
    await waitForHydration(page);
    await expectElderPage(page);
    await tabTo(page, page.getByRole('link', { name: /活期储蓄/ }).first());
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/accounts\/\d+$/);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('活期储蓄');
    await waitForHydration(page);
    await expectElderPage(page);
    await expect(page.locator('.figures dd').first()).toBeVisible();
    const more = page.getByRole('link', { name: '加载更多' });
    const rows = page.locator('.tx-list > li');
    const before = await rows.count();
    await tabTo(page, more);
    await page.keyboard.press('Enter');
    // Announced once, politely, in words; the page stays where it was.
    await expect(page.getByRole('status').filter({ hasText: /又显示了 \d+ 笔交易。/ })).toBeVisible();
    expect(await rows.count()).toBeGreaterThan(before);
    await expect(page).toHaveURL(/\/accounts\/\d+$/);
    await expectElderPage(page);
  });

  test('books a branch visit', async () => {
    await page.goto(`${baseUrl()}/appointments`);
    await waitForHydration(page);
    await tabTo(page, page.getByRole('link', { name: '预约网点服务' }));
    await page.keyboard.press('Enter');
    // Each step: its group shows, the page is live and in elder mode; "下一步" by keyboard.
    const step = async (name: string) => {
      const group = page.getByRole('group', { name });
      await expect(group).toBeVisible();
      await waitForHydration(page);
      await expectElderPage(page);
      return group;
    };
    const next = async () => {
      await tabTo(page, page.getByRole('button', { name: '下一步' }));
      await page.keyboard.press('Enter');
    };
    // The first usable choice is checked; the arrow moves on to the next usable one.
    const arrowToSecond = async (group: Locator) => {
      const usable = group.locator('input[type=radio]:not([disabled])');
      await tabTo(page, usable.first());
      await page.keyboard.press('ArrowRight');
      await expect(usable.nth(1)).toBeChecked();
    };
    // 1. Service: into the group, the first one, then the arrow to the next.
    const services = await step('请选择要办理的业务');
    await tabTo(page, services.getByRole('radio').first());
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await expect(services.getByRole('radio').nth(1)).toBeChecked();
    await next();
    // 2. Branch: the first is taken.
    await step('请选择网点');
    await next();
    // 3. Day: the first with free times is chosen, which late in the day may have one time left;
    // the arrow moves on to the next open day (a whole day), skipping closed ones.
    await arrowToSecond(await step('请选择日期'));
    await next();
    // 4. Time: the first free one is chosen; the arrow moves on to the next.
    await arrowToSecond(await step('请选择时间'));
    await next();
    // 5. Review and confirm.
    await expect(page.getByRole('heading', { name: '请核对并确认' })).toBeVisible();
    await waitForHydration(page);
    await expectElderPage(page);
    await tabTo(page, page.getByRole('button', { name: '确认预约' }));
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/appointments\/\d+\?done=1$/);
    await expect(page.getByRole('status').filter({ hasText: '预约成功' })).toBeVisible();
    await waitForHydration(page);
    await expectElderPage(page);
    await expectNoAxeViolations(page);
  });

  test('files a complaint', async () => {
    await page.goto(`${baseUrl()}/complaints/new`);
    await waitForHydration(page);
    await expectElderPage(page);
    await tabTo(page, page.getByRole('radio').first());
    await page.keyboard.press('Space');
    await expect(page.getByRole('radio', { name: '投诉' })).toBeChecked();
    // A select moves by arrow key, closed.
    const topic = page.getByLabel('涉及哪方面？');
    await tabTo(page, topic);
    await page.keyboard.press('ArrowDown');
    await expect(topic).not.toHaveValue('');
    await tabTo(page, page.getByLabel('发生了什么'));
    await page.keyboard.type('今天在网点等了一个多小时，叫号屏上的号码一直不动。');
    await tabTo(page, page.getByRole('radio', { name: '门户站内消息' }));
    await page.keyboard.press('Space');
    await expect(page.getByRole('radio', { name: '门户站内消息' })).toBeChecked();
    await tabTo(page, page.getByRole('button', { name: '检查后提交' }));
    await page.keyboard.press('Enter');
    const send = page.getByRole('button', { name: '提交', exact: true });
    await expect(send).toBeVisible();
    await expectElderPage(page);
    await tabTo(page, send, true);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: /已收到，编号为 TS-\d{4}-\d{6}/ })).toBeVisible();
    await tabTo(page, page.getByRole('link', { name: '查看进度' }), true);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/complaints\/\d+$/);
    await waitForHydration(page);
    await expectElderPage(page);
  });

  test('takes the risk questionnaire and signs the result', async () => {
    await page.goto(`${baseUrl()}/wealth`);
    await waitForHydration(page);
    await expectElderPage(page);
    await tabTo(page, page.getByRole('link', { name: '开始风险测评' }));
    await page.keyboard.press('Enter');
    for (let i = 1; i <= 10; i++) {
      await expect(page.getByText(`第 ${i} 题，共 10 题`)).toBeVisible();
      await waitForHydration(page);
      if (i === 1) await expectElderPage(page);
      // Into the answers, then the arrow key to the second answer.
      await tabTo(page, page.getByRole('radio').first());
      await page.keyboard.press('ArrowDown');
      await expect(page.getByRole('radio').nth(1)).toBeChecked();
      await tabTo(page, page.getByRole('button', { name: i === 10 ? '核对回答' : '下一题' }));
      await page.keyboard.press('Enter');
    }
    await expect(page.getByRole('heading', { name: '请核对您的回答' })).toBeVisible();
    await waitForHydration(page);
    await expectElderPage(page);
    await tabTo(page, page.getByRole('button', { name: '提交测评' }));
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/wealth\/assessments\/\d+$/);
    await waitForHydration(page);
    await expectElderPage(page);
    const since = Date.now();
    await tabTo(page, page.getByRole('button', { name: '获取验证码确认结果' }));
    await page.keyboard.press('Enter');
    const code = page.getByLabel('6 位短信验证码');
    await expect(code).toBeFocused();
    await page.keyboard.type(await codeFromOutbox('13800000009', since, undefined, 'sign_assessment_code'));
    await tabTo(page, page.getByRole('button', { name: '确认结果' }));
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: '测评结果已确认。' })).toBeVisible();
    await expectElderPage(page);
    await expectNoAxeViolations(page);
  });

  test('marks their messages read, and hears it', async () => {
    await page.goto(`${baseUrl()}/messages`);
    await waitForHydration(page);
    await expectElderPage(page);
    await tabTo(page, page.getByRole('button', { name: '全部标为已读' }));
    await page.keyboard.press('Enter');
    // The page comes back saying it, once, with the focus there.
    const done = page.getByRole('status').filter({ hasText: '全部消息已标记为已读。' });
    await expect(done).toHaveCount(1);
    await expect(done).toBeFocused();
    await expect(page.getByRole('button', { name: '全部标为已读' })).toHaveCount(0);
  });

  test('every page of theirs in elder mode, then dark by choice', async () => {
    for (const path of ['/accounts', '/appointments', '/complaints', '/wealth', '/messages', '/settings']) {
      await page.goto(`${baseUrl()}${path}`);
      await waitForHydration(page);
      await expectElderPage(page);
      await expectNoAxeViolations(page);
    }
    // Dark, chosen in Settings, and remembered with the profile.
    await tabTo(page, page.getByRole('link', { name: '深色' }));
    await page.keyboard.press('Enter');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    for (const path of ['/accounts', '/appointments/book', '/complaints/new', '/wealth', '/settings']) {
      await page.goto(`${baseUrl()}${path}`);
      await waitForHydration(page);
      await expectNoAxeViolations(page);
    }
  });
});
