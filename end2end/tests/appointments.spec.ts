// Appointments: book a branch visit step by step (by keyboard for the time), see the
// confirmation with its reference, QR code, calendar file and message; move it; cancel it.
import * as fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { baseUrl, collectErrors, demoCustomer, expectNoAxeViolations, signIn, waitForHydration } from './helpers';

test('book, see the confirmation and the message, download the .ics, move and cancel', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await signIn(page, demoCustomer(testInfo, 14));
  await page.goto(`${baseUrl()}/appointments`);
  await expect(page.getByText('您还没有预约。')).toBeVisible();
  await page.getByRole('link', { name: '预约网点服务' }).click();

  // 1. Service.
  await expect(page.getByRole('group', { name: '请选择要办理的业务' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel(/开立账户/).check();
  await page.getByRole('button', { name: '下一步' }).click();

  // 2. Branch: the finder searches by district.
  await page.getByLabel('按区或网点名称查找').fill('浦东');
  await page.getByRole('button', { name: '查找' }).click();
  const branches = page.getByRole('group', { name: '请选择网点' });
  await expect(branches.getByRole('radio')).toHaveCount(1);
  await expect(branches).toContainText('世纪大道支行');
  await expect(branches).toContainText('无障碍通道');
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: '下一步' }).click();

  // 3. Day: the first day with free times is chosen; take the one after it.
  const days = page.getByRole('group', { name: '请选择日期' });
  const enabled = days.locator('input[type=radio]:not([disabled])');
  await enabled.nth(1).check();
  await page.getByRole('button', { name: '下一步' }).click();

  // 4. Time, by keyboard: the first free time is chosen; the arrow key moves to the next.
  await waitForHydration(page);
  const times = page.getByRole('group', { name: '请选择时间' });
  await expect(times.getByText(/剩 \d+ 个名额/).first()).toBeVisible();
  await expectNoAxeViolations(page);
  const free = times.locator('input[type=radio]:not([disabled])');
  await free.first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(free.nth(1)).toBeChecked();
  await page.getByRole('button', { name: '下一步' }).click();

  // 5. Review and confirm.
  await expect(page.getByRole('heading', { name: '请核对并确认' })).toBeVisible();
  await expect(page.getByText('本人有效身份证件')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: '确认预约' }).click();

  // The confirmation.
  await expect(page).toHaveURL(/\/appointments\/\d+\?done=1$/);
  await expect(page.getByRole('status').filter({ hasText: '预约成功' })).toBeVisible();
  const reference = (await page.locator('.reference strong').textContent())!;
  expect(reference).toMatch(/^AP[2-9A-Z]{8}$/);
  await expect(page.getByRole('img', { name: `预约号 ${reference} 的二维码` })).toBeVisible();
  await expectNoAxeViolations(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '添加到日历（.ics）' }).click()]);
  const ics = fs.readFileSync(await download.path(), 'utf8');
  expect(ics).toContain('BEGIN:VEVENT');
  expect(ics).toContain(reference);

  // The message is in Messages.
  await page.goto(`${baseUrl()}/messages`);
  await expect(page.locator('.message').first()).toContainText(`预约号 ${reference}`);

  // Move it to another time.
  await page.goto(`${baseUrl()}/appointments`);
  await page.locator('.appointment-card a').first().click();
  await page.getByRole('link', { name: '改约其他时间' }).click();
  await expect(page.getByText(`正在为预约 ${reference}`)).toBeVisible();
  // The same day as booked, never the first free one: that may be today, and a visit within
  // the change cutoff (2 hours) could not be cancelled online below.
  await days.locator('input[type=radio]:not([disabled])').nth(1).check();
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('group', { name: '请选择时间' }).locator('.slot:not(.full) label').nth(3).click();
  await page.getByRole('button', { name: '下一步' }).click();
  await waitForHydration(page);
  await page.getByRole('button', { name: '确认改期' }).click();
  await expect(page).toHaveURL(/\/appointments\/\d+\?done=1$/);
  const moved = (await page.locator('.reference strong').textContent())!;
  expect(moved).not.toBe(reference);

  // Cancel: a reason is asked for first.
  await waitForHydration(page);
  await page.getByRole('button', { name: '取消预约' }).click();
  await expect(page.getByText('请选择取消原因。')).toBeVisible();
  await page.getByLabel('原因').selectOption('done_elsewhere');
  await page.getByRole('button', { name: '取消预约' }).click();
  await expect(page.locator('.badge').first()).toHaveText('已取消');
  await page.goto(`${baseUrl()}/appointments`);
  await expect(page.getByText('暂无即将到来的预约。')).toBeVisible();
  const past = page.getByRole('list', { name: '已取消或已结束的预约' });
  await expect(past.locator('.badge')).toHaveCount(2);
  await expect(past).toContainText('已取消');
  await expect(past).toContainText('已改期');
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

test('the booking steps read in English and work without WASM, up to the booking', async ({ browser }, testInfo) => {
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const context = await browser.newContext({ viewport, hasTouch, isMobile, locale: 'en' });
  const page = await context.newPage();
  await signIn(page, demoCustomer(testInfo, 15), 'en');
  const noJs = await browser.newContext({ viewport, javaScriptEnabled: false, locale: 'en', storageState: await context.storageState() });
  const plain = await noJs.newPage();
  await plain.goto(`${baseUrl()}/appointments/book`);
  await plain.getByLabel(/Wealth consultation/).check();
  await plain.getByRole('button', { name: 'Continue' }).click();
  await expect(plain.getByRole('group', { name: 'Choose a branch' })).toContainText(/Next free today|Nothing free today/);
  await plain.getByRole('button', { name: 'Continue' }).click();
  await plain.getByRole('button', { name: 'Continue' }).click();
  await expect(plain.getByRole('group', { name: 'Choose a time' })).toContainText(/\d+ left/);
  await plain.getByRole('button', { name: 'Continue' }).click();
  await expect(plain.getByRole('heading', { name: 'Check and confirm' })).toBeVisible();
  await expect(plain).toHaveURL(/service=wealth_consultation&branch=B\d{3}&day=\d{4}-\d{2}-\d{2}&at=\d+/);
  // axe needs scripts: check the same review page in the scripted context.
  await page.goto(plain.url());
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: 'Check and confirm' })).toBeVisible();
  await expectNoAxeViolations(page);
  // Confirming is a plain form too: the server answers it with the visit's page.
  await plain.getByRole('button', { name: 'Confirm booking' }).click();
  await expect(plain).toHaveURL(/\/appointments\/\d+\?done=1$/);
  await expect(plain.getByRole('status').filter({ hasText: 'Booked!' })).toBeVisible();
  await noJs.close();
  await context.close();
});
