// Settings: the customer sees this device among their sessions and their security activity.
import { expect, test } from '@playwright/test';
import { arrangeSession, baseUrl, collectErrors, demoCustomer, expectNoAxeViolations, signIn } from './helpers';

test('settings list this device and the sign-in in the security activity', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await signIn(page, demoCustomer(testInfo, 6));
  await page.goto(`${baseUrl()}/settings`);
  await expect(page.getByRole('heading', { level: 2, name: '登录设备' })).toBeVisible();
  await expect(page.getByText('本设备')).toBeVisible();
  const activity = page.getByRole('table', { name: '安全记录' });
  await expect(activity.getByRole('cell', { name: '登录成功' })).toBeVisible();
  await expect(activity.getByRole('cell', { name: '发送短信验证码' })).toBeVisible();
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

// Ending other devices' sessions: plain HTML forms, so the page comes back with the list as it
// now stands and says what was done (also in islands mode, where the page has no code for them).
test('ends another device, then every other one, and the security activity records it', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  // Slot 2's customer never gets a session from the sign-in tests, which only send it codes; so
  // this one signs in without a code (codes go to one person at most once a minute), straight
  // into the database, and two more sessions are as if signed in on two other devices.
  const who = demoCustomer(testInfo, 2);
  await page.context().addCookies([arrangeSession(who.login)]);
  arrangeSession(who.login);
  arrangeSession(who.login);
  await page.goto(`${baseUrl()}/settings`);
  const devices = page.getByRole('list', { name: '登录设备' });
  await expect(devices.getByRole('listitem')).toHaveCount(3);
  await devices.getByRole('button', { name: '让该设备退出' }).first().click();
  await expect(page.getByRole('status').filter({ hasText: '该设备已退出登录。' })).toBeVisible();
  await expect(devices.getByRole('listitem')).toHaveCount(2);
  await page.getByRole('button', { name: '退出其他所有设备' }).click();
  await expect(page.getByRole('status').filter({ hasText: '其他设备已全部退出登录。' })).toBeVisible();
  await expect(devices.getByRole('listitem')).toHaveCount(1);
  await expect(devices.getByText('本设备')).toBeVisible();
  await expect(page.getByRole('button', { name: '退出其他所有设备' })).toHaveCount(0);
  await expect(page.getByRole('table', { name: '安全记录' }).getByRole('cell', { name: '设备被退出' })).toHaveCount(2);
  // This device's session goes on.
  await page.goto(`${baseUrl()}/accounts`);
  await expect(page).toHaveURL(/\/accounts$/);
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});
