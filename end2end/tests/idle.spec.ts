// Inactivity: a warning with a countdown before the session ends, "Stay signed in" keeps it,
// and when time runs out the customer is signed out and told why. Runs its own server with a
// one-minute idle timeout (the warning then comes 30 s early).
import { expect, test } from '@playwright/test';
import { type Portal, startPortal } from '../portal-server';
import { demoCustomer, expectNoAxeViolations, signIn } from './helpers';

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
