// Settings: the customer sees this device among their sessions and their security activity.
import { expect, test } from '@playwright/test';
import { baseUrl, collectErrors, demoCustomer, expectNoAxeViolations, signIn } from './helpers';

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
