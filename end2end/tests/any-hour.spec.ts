// The pages whose content depends on the hour, on servers whose clock is set (PORTAL_CLOCK, a
// development setting) to hours that once broke the suite or could: before the branches open,
// the evening (visits of the day are over, so staff see "missed" buttons) and ten to midnight.
// Each is the next such hour in China, so the browser's clock is never ahead of the server's.
// That hour is computed when the server starts, in the worker, and kept out of the test's title:
// Playwright loads this file once to list the tests and again in each worker, and a title that
// moved between the two (the next 23:50 moves by a day at 22:50) failed a whole run with
// "Test not found in the worker process".
import { expect, test } from '@playwright/test';
import { type Portal, startPortal } from '../portal-server';
import { codeFromOutbox, demoCustomer, expectNoAxeViolations, signIn, waitForHydration } from './helpers';

/** The next time it is hh:mm in China, at least an hour from now, as RFC 3339 with +08:00. */
function nextChinaTime(hh: number, mm: number): string {
  const china = 8 * 3600 * 1000;
  const day = 24 * 3600 * 1000;
  const nowInChina = Date.now() + china;
  let at = Math.floor(nowInChina / day) * day + (hh * 60 + mm) * 60 * 1000;
  while (at < nowInChina + 3600 * 1000) at += day;
  return `${new Date(at).toISOString().slice(0, 19)}+08:00`;
}

const HOURS: [string, number, number][] = [
  ['before the branches open', 6, 0],
  ['in the evening', 19, 30],
  ['at ten to midnight', 23, 50],
];

for (const [when, hh, mm] of HOURS) {
  test.describe(`${when} in China`, () => {
    let clock: string;
    let portal: Portal;
    test.beforeAll(async () => {
      clock = nextChinaTime(hh, mm);
      portal = await startPortal({ PORTAL_CLOCK: clock });
    });
    test.afterAll(async () => {
      await portal?.stop();
    });

    test('staff open their day and a customer books a visit', async ({ page }, testInfo) => {
      test.skip(testInfo.project.name === 'phone-360', 'the hour does not depend on the width');
      testInfo.annotations.push({ type: 'server clock', description: clock });
      await page.goto(`${portal.baseUrl}/staff`);
      await waitForHydration(page);
      await page.getByLabel('员工号').fill('S0201');
      await page.getByLabel('登录密码').fill('Staff-2026!');
      const since = Date.now();
      await page.getByRole('button', { name: '下一步' }).click();
      await page.getByLabel('6 位短信验证码').fill(await codeFromOutbox('13900000201', since, portal.dataDir));
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await expect(page).toHaveURL(/\/staff\/home$/);
      await page.goto(`${portal.baseUrl}/staff/appointments`);
      await waitForHydration(page);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expectNoAxeViolations(page);

      const customer = await page.context().browser()!.newContext({ locale: 'zh-CN' });
      const shopper = await customer.newPage();
      await signIn(shopper, demoCustomer(testInfo, 3), 'zh-CN', portal);
      await shopper.goto(`${portal.baseUrl}/appointments/book`);
      await shopper.getByLabel(/开立账户/).check();
      await shopper.getByRole('button', { name: '下一步' }).click();
      await shopper.getByRole('button', { name: '下一步' }).click();
      await shopper.getByRole('button', { name: '下一步' }).click();
      await shopper.getByRole('button', { name: '下一步' }).click();
      await expect(shopper.getByRole('heading', { name: '请核对并确认' })).toBeVisible();
      await waitForHydration(shopper);
      await expectNoAxeViolations(shopper);
      await shopper.getByRole('button', { name: '确认预约' }).click();
      await expect(shopper.getByRole('status').filter({ hasText: '预约成功' })).toBeVisible();
      await customer.close();
    });
  });
}
