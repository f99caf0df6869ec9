// Accounts: the overview, an account's details and history, filters carried by the URL, and
// "load more" with and without WASM.
import * as fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { baseUrl, codeFromOutbox, collectErrors, demoCustomer, expectNoAxeViolations, expectWasmPreloaded, signIn, waitForHydration } from './helpers';

test('the overview shows totals, coming dates and accounts by kind; the detail filters and loads more', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await signIn(page, demoCustomer(testInfo, 9));
  await expect(page.getByRole('heading', { level: 2, name: '资产总览' })).toBeVisible();
  // The overview's own unit came with the app, preloaded (its 50-odd files).
  await expectWasmPreloaded(page);
  await expect(page.getByRole('heading', { level: 2, name: '活期账户' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: /未来 30 天/ })).toBeVisible();
  await expect(page.getByText(/\d{4} \*\*\*\* \*\*\*\* \d{4}/).first()).toBeVisible();
  await expectNoAxeViolations(page);

  // The first current account's details and history.
  await page.locator('section', { has: page.getByRole('heading', { name: '活期账户' }) }).locator('.account-card a').first().click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);
  await page.goto(`${page.url()}?period=12m`);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 2, name: '交易明细' })).toBeVisible();
  const rows = page.locator('.tx-list > li');
  await expect(rows).toHaveCount(50);
  await expectNoAxeViolations(page);

  // The full number needs a fresh code.
  const who = demoCustomer(testInfo, 9);
  const since = Date.now();
  await page.getByRole('button', { name: '显示完整账号' }).click();
  await page.getByLabel('6 位短信验证码').fill(await codeFromOutbox(who.phone, since, undefined, 'reveal_number_code'));
  await page.getByRole('button', { name: '显示账号' }).click();
  await expect(page.getByRole('status').filter({ hasText: '完整账号：' })).toContainText(/\d{4} \d{4} \d{4} \d{4}/);

  // The charts are labelled images with their figures as a table.
  await expect(page.getByRole('img', { name: /最近 12 个月每月收入与支出/ })).toBeVisible();
  await page.getByText('以表格显示').first().click();
  await expect(page.getByRole('table', { name: '最近 12 个月每月收入与支出' }).locator('tbody tr')).toHaveCount(12);
  await expect(page.getByRole('img', { name: /按类别的支出：合计/ })).toBeVisible();

  // Load more appends the next page in place.
  await page.getByRole('link', { name: '加载更多' }).click();
  await expect(rows).toHaveCount(100);
  await expect(page).toHaveURL(/\/accounts\/\d+\?period=12m$/);

  // A filter is a URL: money out in the last 12 months, kept across a reload.
  const url = new URL(page.url());
  await page.goto(`${url.origin}${url.pathname}?period=12m&dir=out`);
  await expect(page.getByLabel('时间范围')).toHaveValue('12m');
  await expect(page.getByLabel('收入或支出')).toHaveValue('out');
  await page.reload();
  await expect(page.getByLabel('收入或支出')).toHaveValue('out');
  const amounts = await page.locator('.tx-list .amount').allTextContents();
  expect(amounts.length).toBeGreaterThan(0);
  for (const a of amounts) expect(a.startsWith('\u2212'), a).toBe(true);

  // The form writes the URL: search text plus category.
  await page.getByLabel('类别', { exact: true }).selectOption('dining');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page).toHaveURL(/category=dining/);
  for (const c of await page.locator('.tx-category').allTextContents()) expect(c).toBe('餐饮');

  // The filtered history downloads as CSV (BOM, Chinese header, one line per transaction shown).
  const shown = await page.locator('.tx-list > li').count();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载 CSV 文件（表格）' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^transactions-\d{4}-.*\.csv$/);
  const text = fs.readFileSync(await download.path(), 'utf8');
  expect(text.startsWith('\ufeff时间,摘要,对方户名,类别,币种,金额,交易后余额')).toBe(true);
  if (shown < 50) expect(text.trim().split('\r\n').length - 1).toBe(shown);

  // A wrong filter is named, not silently ignored.
  await page.goto(`${url.origin}${url.pathname}?period=custom&from=2026-05-01&to=2026-01-01`);
  await expect(page.getByRole('alert').filter({ hasText: '开始日期晚于结束日期' })).toBeVisible();
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

test('load more works without WASM, and the overview reads in English', async ({ browser }, testInfo) => {
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const context = await browser.newContext({ viewport, hasTouch, isMobile, locale: 'en' });
  const page = await context.newPage();
  await signIn(page, demoCustomer(testInfo, 10), 'en');
  await expect(page.getByRole('heading', { level: 2, name: 'Everything together' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Current accounts' })).toBeVisible();
  await expectNoAxeViolations(page);
  const href = await page.locator('.account-card a').first().getAttribute('href');

  const noJs = await browser.newContext({ viewport, javaScriptEnabled: false, locale: 'en', storageState: await context.storageState() });
  const plain = await noJs.newPage();
  await plain.goto(`${baseUrl()}${href}?period=12m`);
  await expect(plain.locator('.tx-list > li')).toHaveCount(50);
  const firstPage = await plain.locator('.tx-list > li').first().textContent();
  await plain.getByRole('link', { name: 'Load more' }).click();
  await expect(plain).toHaveURL(/period=12m&after=/);
  await expect(plain.locator('.tx-list > li').first()).not.toHaveText(firstPage ?? '');
  await noJs.close();
  await context.close();
});

test('a problem report sent without WASM is posted, becomes a complaint, and is never put in the address bar', async ({ browser }, testInfo) => {
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const context = await browser.newContext({ viewport, hasTouch, isMobile });
  const page = await context.newPage();
  await signIn(page, demoCustomer(testInfo, 17));
  await page.locator('section', { has: page.getByRole('heading', { name: '活期账户' }) }).locator('.account-card a').first().click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);
  const reportHref = await page.getByRole('link', { name: '报告问题' }).first().getAttribute('href');
  const reportUrl = `${baseUrl()}${reportHref}`;

  const noJs = await browser.newContext({ viewport, javaScriptEnabled: false, storageState: await context.storageState() });
  const plain = await noJs.newPage();
  const sent: string[] = [];
  plain.on('request', (r) => sent.push(`${r.method()} ${r.url()}`));
  await plain.goto(reportUrl);
  await expect(plain.getByRole('heading', { level: 1 })).toHaveText('报告交易问题');
  // The browser's own validation stands in for the app's messages: an empty report is not sent.
  await plain.getByRole('button', { name: '提交报告' }).click();
  expect(await plain.locator('form:invalid').count()).toBe(1);
  await plain.getByLabel('这笔交易不是我做的').check();
  await plain.getByLabel('情况说明').fill('我从未在这家商户消费过，请核查这笔交易。');
  await plain.getByRole('button', { name: '提交报告' }).click();
  await expect(plain.getByRole('status').filter({ hasText: '我们已收到您的报告' })).toContainText(/TS-\d{4}-\d{6}/);
  // Back on the report's own page (the server function sends the browser back; nothing in the query).
  expect(plain.url().replace(/\?$/, '')).toBe(reportUrl);
  expect(sent.filter((r) => r.startsWith('POST ') && r.includes('/api/accounts/report'))).toHaveLength(1);
  expect(sent.filter((r) => /[?&](details|reason)=/.test(r))).toEqual([]);
  // The report is a complaint: followed from the receipt, and listed with the others.
  const reference = (await plain.getByRole('status').filter({ hasText: /TS-\d{4}-\d{6}/ }).textContent())!.match(/TS-\d{4}-\d{6}/)![0];
  await plain.getByRole('link', { name: '查看处理进度' }).click();
  await expect(plain.getByRole('heading', { level: 1 })).toHaveText(`投诉 ${reference}`);
  await expect(plain.getByText('我从未在这家商户消费过，请核查这笔交易。')).toBeVisible();
  await plain.goto(`${baseUrl()}/complaints`);
  await expect(plain.getByRole('listitem').filter({ hasText: reference })).toContainText('存款');
  await noJs.close();
  await context.close();
});
