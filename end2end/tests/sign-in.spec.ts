// Customer sign-in: password, then the SMS code read from the development outbox.
// Each project signs in as its own demo customer (codes are limited to one a minute per person).
import { expect, test } from '@playwright/test';
import {
  PASSWORD,
  baseUrl,
  codeFromOutbox,
  collectErrors,
  demoCustomer as customer,
  expectNoAxeViolations,
  signIn,
  waitForHydration,
} from './helpers';

test('a customer signs in with password and the SMS code', async ({ page, context }, testInfo) => {
  const errors = collectErrors(page);
  const who = customer(testInfo, 0);
  await page.goto(`${baseUrl()}/sign-in`);
  await waitForHydration(page);
  await page.getByLabel('手机号或客户号').fill(who.login.toLowerCase());
  await page.getByLabel('登录密码').fill(PASSWORD);
  const since = Date.now();
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('heading', { name: '输入短信验证码' })).toBeVisible();
  await expect(page.getByText(`${who.phone.slice(0, 3)}****${who.phone.slice(-4)}`)).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel('6 位短信验证码').fill(await codeFromOutbox(who.phone, since));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page).toHaveURL(/\/accounts$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('账户');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'portal_session');
  expect(session?.httpOnly, 'the session cookie is HttpOnly').toBe(true);
  expect(session?.sameSite).toBe('Strict');
  expect(await page.evaluate(() => document.cookie)).not.toContain('portal_session');
  // Signed in: the header says who, and signing out ends the session.
  const nav = page.locator('#main-nav');
  if (testInfo.project.name === 'phone-360') await page.getByRole('button', { name: '打开菜单' }).click();
  await nav.getByRole('button', { name: '退出' }).click();
  await expect(page).toHaveURL(`${baseUrl()}/`);
  await page.goto(`${baseUrl()}/accounts`);
  await expect(page).toHaveURL(/\/sign-in\?next=\/accounts$/);
  expect(errors).toEqual([]);
});

test('signing in from a page the customer asked for leads back to it', async ({ page }, testInfo) => {
  const who = customer(testInfo, 3);
  await page.goto(`${baseUrl()}/messages`);
  await expect(page).toHaveURL(/\/sign-in\?next=\/messages$/);
  await waitForHydration(page);
  await page.getByLabel('手机号或客户号').fill(who.login);
  await page.getByLabel('登录密码').fill(PASSWORD);
  const since = Date.now();
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByLabel('6 位短信验证码').fill(await codeFromOutbox(who.phone, since));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page).toHaveURL(/\/messages$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('消息');
});

test('a wrong password says how many attempts remain', async ({ page }, testInfo) => {
  const who = customer(testInfo, 1);
  await page.goto(`${baseUrl()}/sign-in`);
  await waitForHydration(page);
  await page.getByLabel('手机号或客户号').fill(who.login);
  await page.getByLabel('登录密码').fill('not-the-password');
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('alert')).toContainText('还可尝试 4 次');
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('alert')).toContainText('还可尝试 3 次');
});

test('a wrong code says how many entries remain, in English too', async ({ browser }, testInfo) => {
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const context = await browser.newContext({ viewport, hasTouch, isMobile, locale: 'en' });
  const page = await context.newPage();
  const who = customer(testInfo, 2);
  await page.goto(`${baseUrl()}/sign-in`);
  await waitForHydration(page);
  await page.getByLabel('Mobile number or customer number').fill(who.login);
  await page.getByLabel('Password').fill(PASSWORD);
  const since = Date.now();
  await page.getByRole('button', { name: 'Continue' }).click();
  const code = await codeFromOutbox(who.phone, since);
  await page.getByLabel('6-digit SMS code').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('4 more tries');
  await page.getByRole('button', { name: 'Start again' }).click();
  await expect(page.getByLabel('Password')).toBeVisible();
  // The button went with its step: the focus goes to the first field, not the top of the page.
  await expect(page.getByLabel('Mobile number or customer number')).toBeFocused();
  await context.close();
});

test('before the app is live the sign-in form sends nothing, so the password never reaches an address', async ({ browser }) => {
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const page = await noJs.newPage();
  await page.goto(`${baseUrl()}/sign-in`);
  const form = page.locator('form.form');
  await expect(form).toHaveAttribute('method', 'post');
  // A disabled default button also stops the Enter key's implicit submission.
  await expect(page.getByRole('button', { name: '下一步' })).toBeDisabled();
  await page.getByLabel('手机号或客户号').fill('C000001');
  await page.getByLabel('登录密码').fill(PASSWORD);
  await page.getByLabel('登录密码').press('Enter');
  await expect(page).toHaveURL(`${baseUrl()}/sign-in`);
  await noJs.close();
});
