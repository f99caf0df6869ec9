// The accessibility matrix's arrangement (a11y.spec.ts): one customer (C000011, whom no other
// browser test signs in as) and one supervisor (S0110, likewise) sign in, as people do, to give
// the customer a visit and a complaint to show, and every page address the matrix visits is
// written down. The matrix's tests then each hold a session of their own (helpers'
// arrangeSession): codes go to one person at most once a minute, and the matrix runs many
// tests in parallel for longer than an access token lives.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test as setup } from '@playwright/test';
import { A11Y_FILES, A11Y_PEOPLE, arrangeVisitSoon, baseUrl, signIn, staffSignIn, waitForHydration } from './helpers';

const { pages: pagesFile } = A11Y_FILES;

function dataFile(name: string) {
  return path.join(process.env.PORTAL_E2E_DATA_DIR ?? '', name);
}

setup('the matrix customer and supervisor sign in, and their pages are listed', async ({ browser }) => {
  const customer = await browser.newContext();
  const page = await customer.newPage();
  await signIn(page, { login: A11Y_PEOPLE.customer, phone: '13800000011' });
  arrangeVisitSoon('B002', 'APE2EA11Y1', A11Y_PEOPLE.customer);
  // A complaint, filed as the customer would, so its page and the staff's page of it exist.
  await page.goto(`${baseUrl()}/complaints/new`);
  await waitForHydration(page);
  await page.getByRole('radio', { name: '建议' }).check();
  await page.getByLabel('涉及哪方面？').selectOption('waiting_time');
  await page.getByLabel('发生了什么').fill('希望网点在午间增加一个服务窗口，减少排队时间。');
  await page.getByRole('radio', { name: '门户站内消息' }).check();
  await page.getByRole('button', { name: '检查后提交' }).click();
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await page.getByRole('link', { name: '查看进度' }).click();
  await expect(page).toHaveURL(/\/complaints\/\d+$/);
  const complaint = new URL(page.url()).pathname;

  const linkFrom = async (from: string, selector: string) => {
    await page.goto(`${baseUrl()}${from}`);
    const href = await page.locator(selector).first().getAttribute('href');
    if (!href) throw new Error(`no ${selector} on ${from}`);
    return new URL(href, baseUrl()).pathname;
  };
  const account = await linkFrom('/accounts', 'main a[href^="/accounts/"]');
  const report = await linkFrom(account, 'main a[href*="/transactions/"][href$="/report"]');
  const visit = await linkFrom('/appointments', 'main a[href^="/appointments/"]:not([href="/appointments/book"])');
  const product = await linkFrom('/wealth', 'main a[href^="/wealth/products/"]');

  const desk = await browser.newContext();
  const staff = await desk.newPage();
  await staffSignIn(staff, A11Y_PEOPLE.staff);
  await staff.goto(`${baseUrl()}/staff/customers?q=${A11Y_PEOPLE.customer}`);
  const assist = await staff.locator('main a[href^="/staff/assist/new"]').first().getAttribute('href');

  const pages = {
    public: ['/', '/sign-in', '/staff', '/forgot-password', '/no-such-page'],
    customer: [
      '/accounts', account, `${account}/statement`, report,
      '/appointments', '/appointments/book', visit,
      '/complaints', '/complaints/new', complaint,
      '/wealth', '/wealth/assessment', product,
      '/messages', '/settings', '/settings/password',
    ],
    staff: [
      '/staff/home', '/staff/appointments?branch=B002', '/staff/reports', '/staff/complaints', '/staff/complaints/report',
      `/staff${complaint}`, `/staff/customers?q=${A11Y_PEOPLE.customer}`, assist, '/staff/delegations', '/staff/wealth',
    ],
  };
  fs.writeFileSync(dataFile(pagesFile), JSON.stringify(pages));
  await customer.close();
  await desk.close();
});
