// Staff sign in at their own door and land on the staff home; customer pages are not theirs.
import { expect, test } from '@playwright/test';
import { baseUrl, codeFromOutbox, collectErrors, expectNoAxeViolations, waitForHydration } from './helpers';

const STAFF_PASSWORD = 'Staff-2026!';

/** A member of staff per (test, project): codes go to one person at most once a minute. */
function staffMember(projectName: string, english: boolean) {
  const phone = projectName === 'phone-360';
  const no = english ? (phone ? 'S0101' : 'S0201') : phone ? 'S0001' : 'S0002';
  return { no, phone: `139${no.slice(1).padStart(8, '0')}` };
}

test('staff sign in at /staff with password and code, land on their home, and cannot open customer pages', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  const who = staffMember(testInfo.project.name, false);
  await page.goto(`${baseUrl()}/staff/home`);
  await expect(page).toHaveURL(/\/staff\?next=\/staff\/home$/);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('员工登录');
  await expectNoAxeViolations(page);
  await page.getByLabel('员工号').fill(who.no);
  await page.getByLabel('登录密码').fill(STAFF_PASSWORD);
  const since = Date.now();
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByLabel('6 位短信验证码').fill(await codeFromOutbox(who.phone, since));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page).toHaveURL(/\/staff\/home$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('员工首页');
  await expect(page.getByRole('main').getByText(/客服专员[甲乙]（S000[12]），客服专员/)).toBeVisible();
  await expect(page.getByRole('heading', { level: 3, name: '投诉待办' })).toBeVisible();
  await expectNoAxeViolations(page);

  const response = await page.goto(`${baseUrl()}/accounts`);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('您无权访问此页面');
  await page.getByRole('link', { name: '返回我的首页' }).click();
  await expect(page).toHaveURL(/\/staff\/home$/);
  // The browser logs the refused page's 403 itself; anything else would be a fault.
  expect(errors.filter((e) => !e.includes('status of 403'))).toEqual([]);
});

test('the staff door in English: a customer number is not a staff login', async ({ browser }, testInfo) => {
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const context = await browser.newContext({ viewport, hasTouch, isMobile, locale: 'en' });
  const page = await context.newPage();
  const who = staffMember(testInfo.project.name, true);
  await page.goto(`${baseUrl()}/staff`);
  await waitForHydration(page);
  await page.getByLabel('Staff number').fill('C000003');
  await page.getByLabel('Password').fill('Demo-2026!');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText('not right');
  await page.getByLabel('Staff number').fill(who.no);
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  const since = Date.now();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('6-digit SMS code').fill(await codeFromOutbox(who.phone, since));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/staff\/home$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff home');
  await expectNoAxeViolations(page);
  await context.close();
});
