// Finding a customer to help: an agent opens "find a customer" from the staff home, searches by
// customer number and by mobile number, sees masked details only, and is told in words when a
// search cannot be read. The search is a plain form: it works without WASM. Every page passes axe.
import { expect, test } from '@playwright/test';
import { baseUrl, expectNoAxeViolations, staffSignIn, waitForHydration } from './helpers';

test('an agent finds a customer and sees masked details only', async ({ browser }, testInfo) => {
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const context = await browser.newContext({ viewport, hasTouch, isMobile });
  const page = await context.newPage();
  await staffSignIn(page, testInfo.project.name === 'phone-360' ? 'S0007' : 'S0008');
  await page.getByRole('link', { name: /协助会话/ }).click();
  await expect(page).toHaveURL(/\/staff\/customers$/);
  await waitForHydration(page);
  await expectNoAxeViolations(page);

  const query = page.getByLabel('客户号、手机号或姓名');
  await query.fill('c000012');
  await page.getByRole('button', { name: '查找', exact: true }).click();
  await expect(page).toHaveURL(/\?q=c000012$/);
  const row = page.getByRole('row').filter({ hasText: 'C000012' });
  await expect(row).toContainText('138****0012');
  await expect(row.getByRole('cell').first()).toContainText('*');
  await expectNoAxeViolations(page);

  await query.fill('王');
  await page.getByRole('button', { name: '查找', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('请输入完整的客户号');

  // Without WASM the form is a plain GET.
  const plain = await browser.newContext({ viewport, javaScriptEnabled: false, storageState: await context.storageState() });
  const noJs = await plain.newPage();
  await noJs.goto(`${baseUrl()}/staff/customers`);
  await noJs.getByLabel('客户号、手机号或姓名').fill('13800000013');
  await noJs.getByRole('button', { name: '查找', exact: true }).click();
  await expect(noJs.getByRole('row').filter({ hasText: 'C000013' })).toContainText('138****0013');
  await plain.close();
  await context.close();
});
