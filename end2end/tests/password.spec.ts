// Changing a password (current password, code, new password with its rules shown as typed) and
// resetting a forgotten one (ID, registered mobile, code).
import { expect, test } from '@playwright/test';
import { baseUrl, codeFromOutbox, collectErrors, demoCustomer, expectNoAxeViolations, PASSWORD, signIn, waitForHydration } from './helpers';

const NEW_PASSWORD = 'Harbour7Lantern';

test('a customer changes their password from settings', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  const who = demoCustomer(testInfo, 7);
  await signIn(page, who);
  await page.goto(`${baseUrl()}/settings`);
  await page.getByRole('link', { name: '修改密码' }).click();
  await expect(page).toHaveURL(/\/settings\/password$/);
  await waitForHydration(page);
  await page.getByRole('button', { name: '发送验证码' }).click();
  await expect(page.getByText('请输入登录密码。')).toBeVisible();
  await page.getByLabel('当前密码').fill(PASSWORD);
  const since = Date.now();
  await page.getByRole('button', { name: '发送验证码' }).click();
  await page.getByLabel('6 位短信验证码').fill(await codeFromOutbox(who.phone, since, undefined, 'password_change_code'));

  const rules = page.locator('.password-rules');
  await page.getByLabel('新密码', { exact: true }).fill('abc');
  await expect(rules.locator('li').first()).toContainText(/未符合：\s*8 至 64 个字符/);
  await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD);
  await expect(rules.locator('li').first()).toContainText(/已符合：\s*8 至 64 个字符/);
  await page.getByLabel('再次输入新密码').fill(`${NEW_PASSWORD}x`);
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page.getByText('两次输入的新密码不一致。')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel('再次输入新密码').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page.getByRole('status').filter({ hasText: '密码已修改' })).toBeVisible();
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

test('a forgotten password is reset with the ID, the registered mobile and a code, in English', async ({ browser }, testInfo) => {
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const context = await browser.newContext({ viewport, hasTouch, isMobile, locale: 'en' });
  const page = await context.newPage();
  const who = demoCustomer(testInfo, 8);
  await page.goto(`${baseUrl()}/sign-in`);
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Forgot password');
  // The sign-in page loads no app: this page is the first that does.
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(page.getByText('Enter your registered mobile number.')).toBeVisible();
  await page.getByLabel('Mobile number or customer number').fill(who.login);
  await page.getByLabel('Registered mobile number').fill(who.phone);
  const since = Date.now();
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('6-digit SMS code').fill(await codeFromOutbox(who.phone, since, undefined, 'password_reset_code'));
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('New password again').fill(NEW_PASSWORD);
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your password has been reset' })).toBeVisible();

  // The new password signs in.
  await page.getByRole('link', { name: 'Sign in' }).last().click();
  await page.getByLabel('Mobile number or customer number').fill(who.login);
  await page.getByLabel('Password').fill(NEW_PASSWORD);
  const again = Date.now();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('6-digit SMS code').fill(await codeFromOutbox(who.phone, again));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/accounts$/);
  await context.close();
});

test('without script the reset goes step by step, and each refusal says why', async ({ browser }) => {
  // The forms are plain HTML: a phone that has not loaded the app yet resets the same way.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/forgot-password`);
  // An ID and a mobile that do not belong together: the page goes on as if a code had gone out,
  // so it tells no one who banks here.
  await page.getByLabel('手机号或客户号').fill('C000001');
  await page.getByLabel('预留手机号').fill('13900000000');
  await page.getByRole('button', { name: '发送验证码' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(page.getByText('如信息与我们的记录一致，验证码已发出。', { exact: false })).toBeVisible();
  await expect(page.locator('#code-hint')).toContainText('139****0000');
  await expect(page.getByLabel('6 位短信验证码')).toBeFocused();

  const send = async (code: string, password: string, again: string) => {
    await page.getByLabel('6 位短信验证码').fill(code);
    await page.getByLabel('新密码', { exact: true }).fill(password);
    await page.getByLabel('再次输入新密码').fill(again);
    await page.getByRole('button', { name: '设置新密码' }).click();
  };
  // The two entries differ: said at the second, which takes the focus.
  await send('123456', NEW_PASSWORD, `${NEW_PASSWORD}x`);
  await expect(page.getByText('两次输入的新密码不一致。')).toBeVisible();
  await expect(page.getByLabel('再次输入新密码')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('再次输入新密码')).toBeFocused();
  // A password that breaks a rule: the list says which rules it kept and which not.
  await send('123456', 'abcdefgh', 'abcdefgh');
  await expect(page.getByText('新密码未符合全部规则。')).toBeVisible();
  const rules = page.locator('.password-rules li');
  await expect(rules.first()).toContainText(/已符合：\s*8 至 64 个字符/);
  await expect(rules.nth(1)).toContainText(/未符合：\s*至少包含一个字母和一个数字/);
  await expect(page.getByLabel('新密码', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  // A good password, and a code that leads nowhere: the reset starts again, saying why.
  await send('123456', NEW_PASSWORD, NEW_PASSWORD);
  await expect(page.getByText('验证码已失效（超时、已使用或输错过多）', { exact: false })).toBeVisible();
  await expect(page.getByLabel('预留手机号')).toBeVisible();

  // "Start again" on the code step goes back to the first step too.
  await page.getByLabel('手机号或客户号').fill('C000001');
  await page.getByLabel('预留手机号').fill('13900000000');
  await page.getByRole('button', { name: '发送验证码' }).click();
  await page.getByRole('button', { name: '重新开始' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(page.getByLabel('预留手机号')).toBeVisible();
  await expect(page.getByText('验证码已失效', { exact: false })).toHaveCount(0);
  await context.close();
});
