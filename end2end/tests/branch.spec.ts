// Staff side of appointments: branch staff see their branch's visits for the day; a supervisor
// switches branches and reads the weekly report; staff check a visitor in and close a time
// range. All at phone and desktop width.
import { expect, test } from '@playwright/test';
import { arrangeSession, arrangeVisitSoon, baseUrl, collectErrors, expectNoAxeViolations, staffSignIn, waitForHydration } from './helpers';

test('branch staff see the day at their branch; a supervisor reads the week', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  const phone = testInfo.project.name === 'phone-360';
  // Demo visits are booked today and tomorrow wherever the branch is open: B005 opens every
  // day, B008 every day but Sunday (so today or tomorrow has one).
  const [no, name] = phone ? ['S0205', '五角场支行'] : ['S0208', '南京西路支行'];
  await staffSignIn(page, no);
  await page.getByRole('link', { name: '打开' }).click();
  await expect(page).toHaveURL(/\/staff\/appointments$/);
  await expect(page.locator('#visits-heading')).toContainText(name);
  if (await page.getByText('这一天没有预约。').isVisible()) {
    const tomorrow = new Date(Date.now() + (8 + 24) * 3600 * 1000).toISOString().slice(0, 10);
    await page.getByLabel('日期').fill(tomorrow);
    await page.getByRole('button', { name: '查看' }).click();
    await expect(page).toHaveURL(new RegExp(`day=${tomorrow}`));
  }
  const table = page.getByRole('table');
  await expect(table.locator('tbody tr')).not.toHaveCount(0);
  await expect(table.locator('tbody tr').first()).toContainText(/AP[2-9A-Z]{8}/);
  await expectNoAxeViolations(page);
  // Another branch is not theirs.
  await page.goto(`${baseUrl()}/staff/appointments?branch=B001`);
  await expect(page.getByRole('alert')).toContainText('您只能查看本网点的预约');
  expect(errors.filter((e) => !e.includes('status of 403'))).toEqual([]);
});

test('a supervisor switches branch and reads the weekly report', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await staffSignIn(page, testInfo.project.name === 'phone-360' ? 'S0102' : 'S0103');
  await page.goto(`${baseUrl()}/staff/appointments`);
  // Chosen once the app is live. Known defect (issue 10's note): when the day's data is not ready
  // at the first poll of hydration, Leptos 0.8 rebuilds the <Transition>'s content, and a branch
  // picked during those milliseconds falls back to the page's own (seen once in CI).
  await waitForHydration(page);
  await page.getByLabel('网点').selectOption('B008');
  await page.getByRole('button', { name: '查看' }).click();
  await expect(page).toHaveURL(/branch=B008/);
  await expect(page.locator('#visits-heading')).toContainText('南京西路支行');
  await expectNoAxeViolations(page);
  await page.goto(`${baseUrl()}/staff/reports`);
  const report = page.getByRole('table', { name: /按网点统计/ });
  await expect(report.locator('tbody tr')).toHaveCount(8);
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: '上一周' }).click();
  await expect(page).toHaveURL(/week=\d{4}-\d{2}-\d{2}/);
  await expect(report.locator('tbody tr')).toHaveCount(8);
  expect(errors).toEqual([]);
});

test('branch staff check a visitor in and close a time range of the day', async ({ browser, page }, testInfo) => {
  const errors = collectErrors(page);
  const phone = testInfo.project.name === 'phone-360';
  const [no, branch, reference] = phone ? ['S0203', 'B003', 'APE2EPHONE'] : ['S0204', 'B004', 'APE2EDESKT'];
  const day = arrangeVisitSoon(branch, reference);
  // Checking in is a plain form: it works before the app is live, and without it (here without
  // script, signed in straight in the database).
  const { viewport } = testInfo.project.use;
  const plain = await browser.newContext({ viewport, javaScriptEnabled: false });
  await plain.addCookies([arrangeSession(no)]);
  const noJs = await plain.newPage();
  await noJs.goto(`${baseUrl()}/staff/appointments?day=${day}`);
  const row = noJs.getByRole('row').filter({ hasText: reference });
  await expect(row).toContainText('已预约');
  await expect(row.getByRole('button', { name: /^标记未到：/ })).toHaveCount(0);
  await row.getByRole('button', { name: /^签到：.+/ }).click();
  await expect(noJs.getByRole('status').filter({ hasText: '已记录签到。' })).toBeFocused();
  await expect(row).toContainText('已到店');
  await expect(row.getByRole('button')).toHaveCount(0);
  await plain.close();

  await staffSignIn(page, no);
  await page.goto(`${baseUrl()}/staff/appointments?day=${day}`);
  await waitForHydration(page);
  await expect(page.getByRole('row').filter({ hasText: reference })).toContainText('已到店');

  // A range with its end before its start is refused with the reason; a good one is closed.
  await page.getByLabel('开始时间').fill('23:30');
  await page.getByLabel('结束时间').fill('23:00');
  await page.getByLabel('原因（客户可见）').fill('柜台检修');
  await page.getByRole('button', { name: '关闭时段并通知客户' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '结束晚于开始' })).toBeVisible();
  await page.getByLabel('开始时间').fill('23:00');
  await page.getByLabel('结束时间').fill('23:30');
  await page.getByRole('button', { name: '关闭时段并通知客户' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已关闭' })).toContainText('已关闭，0 位');
  await expect(page.getByRole('list', { name: '已关闭的时段' })).toContainText('23:00–23:30 · 柜台检修');
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});
