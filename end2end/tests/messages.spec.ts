// Alerts, Messages and the monthly statement: an alert set on an account arrives in Messages
// (with the unread count in the navigation) and by SMS; the statement prints on its own.
import { expect, test } from '@playwright/test';
import { arrangeReadInbox, baseUrl, collectErrors, demoCustomer, expectNoAxeViolations, sentTo, signIn, waitForHydration } from './helpers';

test('a balance alert set on an account arrives in Messages and by SMS, and is marked read', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  const who = demoCustomer(testInfo, 11);
  arrangeReadInbox(who.login);
  await signIn(page, who);
  // (On a phone the navigation sits behind the menu button: read the link's text, shown or not.)
  const inbox = page.locator('header nav a[href="/messages"]');
  await expect(inbox).toHaveText('消息');

  await page.locator('section', { has: page.getByRole('heading', { name: '活期账户' }) }).locator('.account-card a').first().click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);
  await waitForHydration(page);
  const alerts = page.getByRole('region', { name: '提醒设置' });
  // A wrong amount is named, and nothing is saved.
  await alerts.getByLabel(/余额提醒金额/).fill('很多');
  await alerts.getByRole('button', { name: '保存提醒设置' }).click();
  await expect(alerts.getByText('请输入大于 0 的金额')).toBeVisible();
  await expect(alerts.getByLabel(/余额提醒金额/)).toHaveAttribute('aria-invalid', 'true');
  // A level above what the account holds alerts at once.
  await alerts.getByLabel(/余额提醒金额/).fill('99999999');
  await alerts.getByRole('button', { name: '保存提醒设置' }).click();
  await expect(alerts.getByRole('status')).toHaveText('提醒设置已保存。');
  await expectNoAxeViolations(page);
  expect(sentTo(who.phone, 'message_low_balance')).toHaveLength(1);

  // The navigation counts it, in words for screen readers too.
  await page.goto(`${baseUrl()}/messages`);
  await waitForHydration(page);
  await expect(inbox).toHaveText('消息 1 条未读');
  if (testInfo.project.name === 'phone-360') {
    // The folded navigation's menu button says so too.
    await expect(page.getByRole('button', { name: '打开菜单 1 条未读' })).toBeVisible();
  }
  const message = page.locator('.message').first();
  await expect(message.getByRole('heading', { level: 2 })).toHaveText('未读 余额低于提醒金额');
  await expect(message).toContainText('已低于您设置的 ¥99,999,999.00');
  await expectNoAxeViolations(page);
  await message.getByRole('button', { name: '标为已读' }).click();
  await expect(message.getByRole('heading', { level: 2 })).toHaveText('余额低于提醒金额');
  await expect(inbox).toHaveText('消息');
  await expect(page.getByText('0 条未读消息')).toBeVisible();
  if (testInfo.project.name === 'phone-360') {
    await expect(page.getByRole('button', { name: '打开菜单', exact: true })).toBeVisible();
  }
  expect(errors).toEqual([]);
});

test('the monthly statement reads in English, prints without the site around it', async ({ browser }, testInfo) => {
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const context = await browser.newContext({ viewport, hasTouch, isMobile, locale: 'en' });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await signIn(page, demoCustomer(testInfo, 12), 'en');
  const href = await page.locator('section', { has: page.getByRole('heading', { name: 'Current accounts' }) }).locator('.account-card a').first().getAttribute('href');
  await page.goto(`${baseUrl()}${href}`);
  await page.getByRole('link', { name: 'Monthly statement (printable)' }).click();
  await expect(page).toHaveURL(/\/statement$/);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Monthly statement · ');
  for (const label of ['Opening balance', 'Money in', 'Money out', 'Closing balance']) {
    await expect(page.locator('.statement-totals dt', { hasText: label })).toBeVisible();
  }
  const table = page.getByRole('table', { name: /transactions of the period, oldest first/ });
  await expect(table.locator('tfoot')).toContainText('Totals');
  const rows = await table.locator('tbody tr').count();
  expect(rows).toBeGreaterThan(0);
  await expectNoAxeViolations(page);

  // Another month through the picker (a plain form: the month lands in the URL).
  const options = page.getByLabel('Month', { exact: true }).locator('option');
  const older = await options.nth(2).getAttribute('value');
  await page.getByLabel('Month', { exact: true }).selectOption(older!);
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(new RegExp(`month=${older}`));
  await expect(page.getByLabel('Month', { exact: true })).toHaveValue(older!);

  // Printed: only the statement; the header, navigation, picker and footer stay off paper.
  await expect(page.getByRole('button', { name: 'Print' })).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.statement')).toBeVisible();
  await expect(page.locator('.site-header')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  await expect(page.locator('.site-footer')).toBeHidden();
  const pdf = await page.pdf({ preferCSSPageSize: true });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  await page.emulateMedia({ media: 'screen' });

  // A month that is not offered is named.
  await page.goto(`${baseUrl()}${href}/statement?month=1999-01`);
  await expect(page.getByRole('alert')).toContainText('last 24 months');
  expect(errors).toEqual([]);
  await context.close();
});

test('message preferences are saved on the settings page', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await signIn(page, demoCustomer(testInfo, 13));
  await page.goto(`${baseUrl()}/settings`);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 2, name: '消息接收方式' })).toBeVisible();
  await expect(page.getByLabel('短信（发送到您登记的手机）')).toBeChecked();
  await page.getByLabel('电子邮件').check();
  await page.getByRole('button', { name: '保存接收方式' }).click();
  await expect(page.getByText('接收方式已保存。')).toBeVisible();
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByLabel('电子邮件')).toBeChecked();
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});
