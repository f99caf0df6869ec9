// Islands mode (README, "Islands"): the portal's build, with the `islands` feature, where only
// the components marked as islands are hydrated and the rest of each page is the server's HTML.
// Every other spec runs against it too (scripts/test.sh); these check that the pages are made of
// islands, with one WASM file for all, job by job. Its own project (`--project=islands`) on a
// server of its own, as it signs in as other specs' customers.
import { type Page, expect, test } from '@playwright/test';
import { arrangeBalance, arrangeReadInbox, arrangeSession, baseUrl, codeFromOutbox, collectErrors, demoCustomer, PASSWORD, signIn, waitForHydration } from './helpers';

/** The page is made of islands: it has some, and it loaded one WASM file, no split chunks. */
async function expectIslands(page: Page) {
  await expect(page.locator('leptos-island').first()).toBeAttached();
  const wasm = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => path.endsWith('.wasm')),
  );
  expect(wasm).toEqual(['/pkg/portal.wasm']);
}

async function openFirstCurrentAccount(page: Page) {
  await page.locator('section', { has: page.getByRole('heading', { name: '活期账户' }) }).locator('.account-card a').first().click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);
}

test('an account: the full number after a code, the charts as a table, and "load more" in place', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  const who = demoCustomer(testInfo, 9);
  await signIn(page, who);
  await openFirstCurrentAccount(page);
  await page.goto(`${page.url()}?period=12m`);
  await waitForHydration(page);
  await expectIslands(page);
  // Only islands are hydrated, so the page carries no data of the resources outside them (none of
  // this page's islands has one of its own): neither the history nor who is signed in.
  const html = await (await page.request.get(page.url())).text();
  expect(html).toContain('class="tx-list"');
  expect(html).not.toContain('__RESOLVED_RESOURCES[');
  const rows = page.locator('.tx-list > li');
  await expect(rows).toHaveCount(50);

  const since = Date.now();
  await page.getByRole('button', { name: '显示完整账号' }).click();
  await page.getByLabel('6 位短信验证码').fill(await codeFromOutbox(who.phone, since, undefined, 'reveal_number_code'));
  await page.getByRole('button', { name: '显示账号' }).click();
  await expect(page.getByRole('status').filter({ hasText: '完整账号：' })).toContainText(/\d{4} \d{4} \d{4} \d{4}/);

  await page.getByText('以表格显示').first().click();
  await expect(page.getByRole('table', { name: '最近 12 个月每月收入与支出' }).locator('tbody tr')).toHaveCount(12);

  await page.getByRole('link', { name: '加载更多' }).click();
  await expect(rows).toHaveCount(100);
  await expect(page).toHaveURL(/\/accounts\/\d+\?period=12m$/);
  expect(errors).toEqual([]);
});

test('an account\'s alerts are saved in place, and the statement has its print button', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await signIn(page, demoCustomer(testInfo, 12));
  await openFirstCurrentAccount(page);
  await waitForHydration(page);
  await page.getByLabel(/余额提醒金额/).fill('100');
  await page.getByRole('button', { name: '保存提醒设置' }).click();
  await expect(page.getByRole('status').filter({ hasText: '提醒设置已保存' })).toBeVisible();
  await page.goto(`${page.url()}/statement`);
  await waitForHydration(page);
  await expectIslands(page);
  await expect(page.getByRole('button', { name: '打印', exact: true })).toBeVisible();
  expect(errors).toEqual([]);
});

test('a problem report is checked and sent in place', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await signIn(page, demoCustomer(testInfo, 13));
  await openFirstCurrentAccount(page);
  await page.getByRole('link', { name: '报告问题' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('报告交易问题');
  await waitForHydration(page);
  await expectIslands(page);
  const url = page.url();
  await page.getByRole('button', { name: '提交报告' }).click();
  await expect(page.getByText('请选择问题类型。')).toBeVisible();
  await page.getByLabel('这笔交易不是我做的').check();
  await page.getByLabel('情况说明').fill('我从未在这家商户消费过，请核查这笔交易。');
  await page.getByRole('button', { name: '提交报告' }).click();
  await expect(page.getByRole('status').filter({ hasText: '我们已收到您的报告' })).toContainText(/TS-\d{4}-\d{6}/);
  expect(page.url()).toBe(url);
  expect(errors).toEqual([]);
});

test('settings: this device listed, the channels saved, and the password changed', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  const who = demoCustomer(testInfo, 6);
  await signIn(page, who);
  await page.goto(`${baseUrl()}/settings`);
  await waitForHydration(page);
  await expectIslands(page);
  await expect(page.getByRole('list', { name: '登录设备' }).getByText('本设备')).toBeVisible();
  // The channels: e-mail switched, saved and said in place; the page read again keeps it.
  const email = page.getByRole('checkbox', { name: /电子邮件/ });
  const wasChecked = await email.isChecked();
  await email.setChecked(!wasChecked);
  await page.getByRole('button', { name: '保存接收方式' }).click();
  await expect(page.getByRole('status').filter({ hasText: '接收方式已保存。' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('checkbox', { name: /电子邮件/ })).toBeChecked({ checked: !wasChecked });

  await page.getByRole('link', { name: '修改密码' }).click();
  await expect(page).toHaveURL(/\/settings\/password$/);
  await waitForHydration(page);
  await expectIslands(page);
  await page.getByRole('button', { name: '发送验证码' }).click();
  await expect(page.getByText('请输入登录密码。')).toBeVisible();
  await page.getByLabel('当前密码').fill(PASSWORD);
  const since = Date.now();
  await page.getByRole('button', { name: '发送验证码' }).click();
  await page.getByLabel('6 位短信验证码').fill(await codeFromOutbox(who.phone, since, undefined, 'password_change_code'));
  await page.getByLabel('新密码', { exact: true }).fill('Harbour7Lantern');
  await page.getByLabel('再次输入新密码').fill('Harbour7Lantern');
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page.getByRole('status').filter({ hasText: '密码已修改' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('messages: one marked read by a plain form, and the navigation no longer counts it', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  const who = demoCustomer(testInfo, 11);
  arrangeReadInbox(who.login);
  await signIn(page, who);
  const inbox = page.locator('header nav a[href="/messages"]');
  await expect(inbox).toHaveText('消息');
  // A balance alert above what the account holds arrives at once.
  await openFirstCurrentAccount(page);
  await waitForHydration(page);
  await page.getByLabel(/余额提醒金额/).fill('99999999');
  await page.getByRole('button', { name: '保存提醒设置' }).click();
  await expect(page.getByRole('status').filter({ hasText: '提醒设置已保存' })).toBeVisible();

  await page.goto(`${baseUrl()}/messages`);
  await waitForHydration(page);
  await expectIslands(page);
  await expect(inbox).toHaveText('消息 1 条未读');
  const message = page.locator('.message').first();
  await expect(message.getByRole('heading', { level: 2 })).toHaveText('未读 余额低于提醒金额');
  await message.getByRole('button', { name: '标为已读' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已标记为已读。' })).toBeAttached();
  await expect(message.getByRole('heading', { level: 2 })).toHaveText('余额低于提醒金额');
  await expect(inbox).toHaveText('消息');
  await expect(page.getByText('0 条未读消息')).toBeVisible();
  await page.reload();
  await expect(page.getByText('0 条未读消息')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a complaint: filed with a file after its review step, followed, added to and withdrawn', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await signIn(page, demoCustomer(testInfo, 18));
  await page.goto(`${baseUrl()}/complaints/new`);
  await waitForHydration(page);
  await expectIslands(page);
  await page.getByRole('button', { name: '检查后提交' }).click();
  await expect(page.getByText('请选择投诉或建议。')).toBeVisible();
  await expect(page.getByLabel('发生了什么')).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('radio', { name: '投诉' }).check();
  await page.getByLabel('涉及哪方面？').selectOption('fees');
  await page.getByLabel('涉及哪个账户？（选填）').selectOption({ index: 1 });
  // The account's transactions are read by the island once the account is chosen.
  const transaction = page.getByLabel('涉及哪笔交易？（选填，近三个月）');
  await expect(transaction.locator('option')).not.toHaveCount(1);
  await transaction.selectOption({ index: 1 });
  const what = '10月在柜台取款时被重复收取了两次手续费，每次20元。';
  await page.getByLabel('发生了什么').fill(what);
  await page.getByRole('radio', { name: '短信' }).check();
  await page.getByLabel('附件（可选）').setInputFiles([
    { name: '收据.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj receipt\n%%EOF\n') },
  ]);
  await page.getByRole('button', { name: '检查后提交' }).click();
  await expect(page.getByRole('heading', { name: '请确认您要提交的内容' })).toBeVisible();
  await page.getByRole('button', { name: '提交', exact: true }).click();
  const receipt = page.getByRole('status').filter({ hasText: '已收到，编号为' });
  await expect(receipt).toBeVisible();
  const reference = (await receipt.textContent())!.match(/TS-\d{4}-\d{6}/)![0];

  await page.getByRole('link', { name: '查看进度' }).click();
  await expect(page).toHaveURL(/\/complaints\/\d+$/);
  await waitForHydration(page);
  await expectIslands(page);
  await expect(page).toHaveTitle(new RegExp(reference));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`投诉 ${reference}`);
  const timeline = page.getByRole('list', { name: '处理经过' });
  await expect(timeline.locator(':scope > li')).toHaveCount(1);
  await page.getByRole('button', { name: '补充', exact: true }).click();
  await expect(page.getByText('请填写要补充的内容。')).toBeVisible();
  await page.getByLabel('您要补充什么？').fill('两笔手续费的时间分别是10月8日上午和下午。');
  await page.getByRole('button', { name: '补充', exact: true }).click();
  await expect(timeline.locator(':scope > li')).toHaveCount(2);
  await page.getByRole('button', { name: '撤回' }).click();
  await expect(page.getByText('已撤回', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: '补充', exact: true })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('wealth: the answers sent, the result signed, a product bought and the needs form saved', async ({ page }) => {
  const errors = collectErrors(page);
  const who = { login: 'C000050', phone: '13800000050' };
  arrangeBalance(who.login, 20_000);
  await signIn(page, who);
  // The questions are plain GET forms; their review step sends the answers.
  await page.goto(`${baseUrl()}/wealth/assessment?a=2.3.3.3.3.3.3.2.3.3&q=11`);
  await expect(page.getByRole('heading', { name: '请核对您的回答' })).toBeVisible();
  await waitForHydration(page);
  await expectIslands(page);
  await page.getByRole('button', { name: '提交测评' }).click();
  await expect(page).toHaveURL(/\/wealth\/assessments\/\d+$/);
  await expect(page.locator('.level-name')).toHaveText('C3 平衡型');
  await waitForHydration(page);
  await expectIslands(page);
  let since = Date.now();
  await page.getByRole('button', { name: '获取验证码确认结果' }).click();
  await page.getByLabel('6 位短信验证码').fill(await codeFromOutbox(who.phone, since, undefined, 'sign_assessment_code'));
  await page.getByRole('button', { name: '确认结果' }).click();
  await expect(page.getByRole('status').filter({ hasText: '测评结果已确认。' })).toBeVisible();

  await page.goto(`${baseUrl()}/wealth/products/AX-FI-91`);
  await waitForHydration(page);
  await expectIslands(page);
  await page.getByLabel('购买金额（CNY）').fill('1500');
  const getCode = page.getByRole('button', { name: '获取验证码并确认' });
  await getCode.click();
  await expect(page.getByRole('alert').filter({ hasText: '请先阅读并勾选确认风险揭示。' })).toBeVisible();
  await page.getByLabel('我已阅读并理解上述风险揭示，自愿购买本产品。').check();
  since = Date.now();
  await getCode.click();
  await page.getByLabel('6 位短信验证码').fill(await codeFromOutbox(who.phone, since, undefined, 'subscribe_code'));
  await page.getByRole('button', { name: '确认购买' }).click();
  await expect(page.getByRole('status').filter({ hasText: '购买成功。' })).toBeVisible();

  await page.goto(`${baseUrl()}/wealth`);
  await waitForHydration(page);
  await expectIslands(page);
  const needsForm = page.getByText('贵宾客户需求调查（选填）', { exact: true });
  await needsForm.click();
  const gold = page.getByRole('group', { name: '您的个人资金主要用于哪些方面？' }).getByLabel('黄金', { exact: true });
  await gold.check();
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: '已保存。' })).toBeVisible();
  await page.reload();
  await needsForm.click();
  await expect(gold).toBeChecked();
  // The refusal above answers 422, which the browser logs.
  expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
});

test('appointments: a visit booked after its plain steps, then cancelled with a reason', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await signIn(page, demoCustomer(testInfo, 14));
  await page.goto(`${baseUrl()}/appointments/book`);
  await page.getByLabel(/开立账户/).check();
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('group', { name: '请选择网点' })).toBeVisible();
  await page.getByRole('button', { name: '下一步' }).click();
  // Not the first free day: that may be today, within the two hours no visit may be cancelled in.
  await page.getByRole('group', { name: '请选择日期' }).locator('input[type=radio]:not([disabled])').nth(1).check();
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('group', { name: '请选择时间' })).toBeVisible();
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('heading', { name: '请核对并确认' })).toBeVisible();
  await waitForHydration(page);
  await expectIslands(page);
  await page.getByRole('button', { name: '确认预约' }).click();
  await expect(page).toHaveURL(/\/appointments\/\d+\?done=1$/);
  await expect(page.getByRole('status').filter({ hasText: '预约成功' })).toBeVisible();

  await waitForHydration(page);
  await expectIslands(page);
  await page.getByRole('button', { name: '取消预约' }).click();
  await expect(page.getByText('请选择取消原因。')).toBeVisible();
  await page.getByLabel('原因').selectOption('done_elsewhere');
  await page.getByRole('button', { name: '取消预约' }).click();
  await expect(page.locator('.badge').first()).toHaveText('已取消');
  await expect(page.getByRole('button', { name: '取消预约' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

// The frame holds no island: on a phone the navigation folds behind the menu button from the first
// paint (the head's script opens and closes it), and the language switch is a plain form after
// which the server sends the same page back in the other language.
test('the frame: the menu folds on a phone, and the language switches with a plain form', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
  await context.addCookies([arrangeSession('C000003')]);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${baseUrl()}/appointments`);
  await waitForHydration(page);
  const menu = page.getByRole('button', { name: /菜单/ });
  const nav = page.getByRole('navigation', { name: '主导航' });
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(nav.getByRole('link', { name: '账户' })).toBeHidden();
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(nav.getByRole('link', { name: '预约' })).toHaveAttribute('aria-current', 'page');
  await nav.getByRole('link', { name: '账户' }).click();
  await expect(page).toHaveURL(/\/accounts$/);
  await expect(nav.getByRole('link', { name: '账户' })).toBeHidden();

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page).toHaveURL(/\/accounts$/);
  await expect(page.getByRole('heading', { name: 'Accounts', exact: true })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.getByRole('heading', { name: '账户', exact: true })).toBeVisible();
  expect(errors).toEqual([]);
  await context.close();
});
