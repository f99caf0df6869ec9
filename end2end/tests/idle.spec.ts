// Inactivity: a warning with a countdown before the session ends, "Stay signed in" keeps it,
// and when time runs out the customer is signed out and told why. Runs its own server with a
// one-minute idle timeout (the warning then comes 30 s early).
import { expect, test } from '@playwright/test';
import { type Portal, startPortal } from '../portal-server';
import { PASSWORD, codeFromOutbox, demoCustomer, expectNoAxeViolations, signIn } from './helpers';

let portal: Portal;
test.beforeAll(async () => {
  portal = await startPortal({ PORTAL_IDLE_TIMEOUT_MINUTES: '1', PORTAL_ACCESS_TOKEN_MINUTES: '1' });
});
test.afterAll(async () => {
  await portal?.stop();
});

test('an idle customer is warned, can stay, and is signed out when time runs out', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await signIn(page, demoCustomer(testInfo, 0), 'zh-CN', portal);
  const dialog = page.getByRole('alertdialog', { name: '即将自动退出' });
  await expect(dialog).toBeVisible({ timeout: 45_000 });
  await expect(dialog).toContainText('秒后自动退出');
  await expect(page.getByRole('button', { name: '保持登录' })).toBeFocused();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: '保持登录' }).click();
  await expect(dialog).toBeHidden();
  // Nothing more happens: the warning returns, then the session ends.
  await expect(dialog).toBeVisible({ timeout: 45_000 });
  await expect(page).toHaveURL(/\/sign-in\?reason=idle&next=\/accounts$/, { timeout: 45_000 });
  await expect(page.getByRole('status').filter({ hasText: '自动退出' })).toBeVisible();
  await page.goto(`${portal.baseUrl}/accounts`);
  await expect(page).toHaveURL(/\/sign-in\?next=\/accounts$/);
});

test('a problem report being written survives an idle sign-out and is sent after signing in again', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const who = demoCustomer(testInfo, 1);
  await signIn(page, who, 'zh-CN', portal);
  await page.locator('section', { has: page.getByRole('heading', { name: '活期账户' }) }).locator('.account-card a').first().click();
  await page.getByRole('link', { name: '报告问题' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('报告交易问题');
  const reportUrl = page.url();
  // Sending without details names what is missing.
  await page.getByRole('button', { name: '提交报告' }).click();
  await expect(page.getByText('请选择问题类型。')).toBeVisible();
  await page.getByLabel('这笔交易不是我做的').check();
  const words = '我从未在这家商户消费过，请核查这笔交易。';
  await page.getByLabel('情况说明').fill(words);
  await expectNoAxeViolations(page);

  // Left alone, the session ends; the sign-in page will bring the customer back here.
  await expect(page).toHaveURL(/\/sign-in\?reason=idle&next=/, { timeout: 90_000 });
  await page.getByLabel('手机号或客户号').fill(who.login);
  await page.getByLabel('登录密码').fill(PASSWORD);
  const since = Date.now();
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByLabel('6 位短信验证码').fill(await codeFromOutbox(who.phone, since, portal.dataDir));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page).toHaveURL(reportUrl);
  await expect(page.getByLabel('情况说明')).toHaveValue(words);
  await expect(page.getByLabel('这笔交易不是我做的')).toBeChecked();
  await page.getByRole('button', { name: '提交报告' }).click();
  await expect(page.getByRole('status').filter({ hasText: '我们已收到您的报告' })).toContainText(/TS-\d{4}-\d{6}/);
  await expect(page.getByRole('status').filter({ hasText: '15 天差错通知期内' })).toBeVisible();
});
