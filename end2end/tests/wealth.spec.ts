// Wealth products, as a customer does it: the risk questionnaire one question per screen (back
// keeps the answer), the result signed with a code, the catalogue with a suitability badge on
// every product, a product above the customer's level refused in words, a suitable one bought
// with a code, the holding on the overview and the debit in the history. A customer aged 65 or
// more is warned before a high-risk purchase, which then waits for review. The optional needs form
// is saved, said, and kept for the next visit. At phone width in Chinese, at desktop width in
// English; every page passes axe. The steps work without WASM.
import { expect, test, type Page } from '@playwright/test';
import {
  arrangeBalance,
  baseUrl,
  codeFromOutbox,
  collectErrors,
  PASSWORD,
  expectNoAxeViolations,
  signIn,
  staffSignIn,
  waitForHydration,
} from './helpers';

/** Signs the result shown on the page with the code sent to `phone`. */
async function signResult(page: Page, phone: string, zh: boolean) {
  const since = Date.now();
  await page.getByRole('button', { name: zh ? '获取验证码确认结果' : 'Get a code to sign' }).click();
  await page.getByLabel(zh ? '6 位短信验证码' : '6-digit SMS code').fill(await codeFromOutbox(phone, since, undefined, 'sign_assessment_code'));
  await page.getByRole('button', { name: zh ? '确认结果' : 'Sign the result' }).click();
  await expect(page.getByRole('status').filter({ hasText: zh ? '测评结果已确认。' : 'Your result is signed.' })).toBeVisible();
}

test('take the questionnaire, sign it, be refused an unsuitable product and buy a suitable one', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const zh = testInfo.project.name === 'phone-360';
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const who = zh ? { login: 'C000004', phone: '13800000004' } : { login: 'C000050', phone: '13800000050' };
  arrangeBalance(who.login, 20_000);
  const context = await browser.newContext({ viewport, hasTouch, isMobile, locale: zh ? 'zh-CN' : 'en' });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await signIn(page, who, zh ? 'zh-CN' : 'en');

  // No level yet: the overview and the Wealth page say so, and every badge says why.
  await expect(page.getByText(zh ? '您还没有有效的风险测评结果。' : 'You have no valid risk assessment yet.')).toBeVisible();
  await page.goto(`${baseUrl()}/wealth`);
  await waitForHydration(page);
  const equity = page.getByRole('listitem').filter({ hasText: zh ? '安心优选成长股票' : 'Anxin Growth Equity' });
  await expect(equity).toContainText(zh ? '尚未进行风险测评' : 'Assessment missing');
  await expectNoAxeViolations(page);

  // The questionnaire, one question per screen: a balanced profile (C3).
  await page.getByRole('link', { name: zh ? '开始风险测评' : 'Take the risk questionnaire' }).click();
  await waitForHydration(page);
  const picks = [2, 3, 3, 3, 3, 3, 3, 2, 3, 3];
  const next = (n: number) => page.getByRole('button', { name: n === 10 ? (zh ? '核对回答' : 'Check answers') : zh ? '下一题' : 'Next' });
  for (let i = 0; i < picks.length; i++) {
    await expect(page.getByText(zh ? `第 ${i + 1} 题，共 10 题` : `Question ${i + 1} of 10`)).toBeVisible();
    if (i === 0) await expectNoAxeViolations(page);
    await page.getByRole('radio').nth(picks[i] - 1).check();
    await next(i + 1).click();
    if (i === 2) {
      // Back keeps what was answered.
      await page.getByRole('link', { name: zh ? '上一题' : 'Previous' }).click();
      await expect(page.getByText(zh ? '第 3 题，共 10 题' : 'Question 3 of 10')).toBeVisible();
      await expect(page.getByRole('radio').nth(2)).toBeChecked();
      await next(3).click();
    }
  }
  await expect(page.getByRole('heading', { name: zh ? '请核对您的回答' : 'Check your answers' })).toBeVisible();
  await expectNoAxeViolations(page);
  await waitForHydration(page);
  await page.getByRole('button', { name: zh ? '提交测评' : 'Submit' }).click();
  await expect(page).toHaveURL(/\/wealth\/assessments\/\d+$/);
  await expect(page.locator('.level-name')).toHaveText(zh ? 'C3 平衡型' : 'C3 balanced');
  await expect(page.getByText(zh ? '未确认' : 'Not signed', { exact: true })).toBeVisible();
  await expectNoAxeViolations(page);
  await waitForHydration(page);
  await signResult(page, who.phone, zh);
  await expectNoAxeViolations(page);

  // The catalogue: a badge in words on every product; the filter narrows it.
  await page.goto(`${baseUrl()}/wealth`);
  await waitForHydration(page);
  await expect(equity).toContainText(zh ? '超出您的风险等级' : 'Above your risk level');
  const steady = page.getByRole('listitem').filter({ hasText: zh ? '安心稳盈 91 天' : 'Anxin Steady 91 Days' });
  await expect(steady).toContainText(zh ? '适合您' : 'Suitable for you');
  await page.getByLabel(zh ? '风险等级' : 'Risk level').selectOption('2');
  await page.getByRole('button', { name: zh ? '筛选' : 'Filter' }).click();
  await expect(page).toHaveURL(/risk=2/);
  await expect(equity).toHaveCount(0);
  await expect(steady).toBeVisible();

  // Above the customer's level: refused in words, no form to buy.
  await page.goto(`${baseUrl()}/wealth/products/AX-EQ-01`);
  await waitForHydration(page);
  await expect(page.getByRole('alert')).toContainText(zh ? '该产品的风险等级高于您的风险承受等级' : "This product's risk is above your risk level");
  await expect(page.getByRole('button', { name: zh ? '获取验证码并确认' : 'Get a code to confirm' })).toHaveCount(0);
  await expectNoAxeViolations(page);

  // A suitable product, bought with a code.
  await page.goto(`${baseUrl()}/wealth/products/AX-FI-91`);
  await waitForHydration(page);
  await page.getByLabel(zh ? '购买金额（CNY）' : 'Amount (CNY)').fill('1500');
  const getCode = page.getByRole('button', { name: zh ? '获取验证码并确认' : 'Get a code to confirm' });
  await getCode.click();
  await expect(page.getByRole('alert').filter({ hasText: zh ? '请先阅读并勾选确认风险揭示。' : 'Read the risk disclosure and tick' })).toBeVisible();
  await page.getByLabel(zh ? '我已阅读并理解上述风险揭示，自愿购买本产品。' : 'I have read and understood the risk disclosure above').check();
  await expectNoAxeViolations(page);
  const since = Date.now();
  await getCode.click();
  await page.getByLabel(zh ? '6 位短信验证码' : '6-digit SMS code').fill(await codeFromOutbox(who.phone, since, undefined, 'subscribe_code'));
  await page.getByRole('button', { name: zh ? '确认购买' : 'Confirm purchase' }).click();
  await expect(page.getByRole('status').filter({ hasText: zh ? '购买成功。' : 'Bought.' })).toBeVisible();
  await expectNoAxeViolations(page);

  // The holding on the overview, the debit in the paying account's history.
  await page.goto(`${baseUrl()}/accounts`);
  await expect(page.getByRole('link', { name: '安心稳盈 91 天' })).toBeVisible();
  await expect(page.locator('.level-note')).toContainText(zh ? 'C3 平衡型' : 'C3 balanced');
  const current = page.getByRole('link', { name: /活期储蓄/ }).first();
  await page.goto(`${baseUrl()}${await current.getAttribute('href')}`);
  await expect(page.getByText('理财产品申购').first()).toBeVisible();

  // The optional needs form on the Wealth page: saved, said once, and there again on the next visit.
  await page.goto(`${baseUrl()}/wealth`);
  await waitForHydration(page);
  const needsForm = page.getByText(zh ? '贵宾客户需求调查（选填）' : 'VIP needs form (optional)', { exact: true });
  await needsForm.click();
  const fundsFor = page.getByRole('group', { name: zh ? '您的个人资金主要用于哪些方面？' : 'What is your money mainly used for?' });
  const gold = fundsFor.getByLabel(zh ? '黄金' : 'Gold', { exact: true });
  await gold.check();
  const other = page.getByLabel(zh ? '其他（请填写）' : 'Other (please say)', { exact: true });
  await other.fill(zh ? '养老' : 'Retirement');
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: zh ? '保存' : 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: zh ? '已保存。' : 'Saved.' })).toBeVisible();
  await page.reload();
  await needsForm.click();
  await expect(gold).toBeChecked();
  await expect(other).toHaveValue(zh ? '养老' : 'Retirement');
  // The customer's refusals above answer 422, which the browser logs.
  expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
  await context.close();
});

test('from 65, a high-risk product needs the extra warning and waits for review; the steps work without WASM', async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  const zh = testInfo.project.name === 'phone-360';
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const who = zh ? { login: 'C000006', phone: '13800000006' } : { login: 'C000007', phone: '13800000007' };
  arrangeBalance(who.login, 200_000);
  const context = await browser.newContext({ viewport, hasTouch, isMobile, locale: zh ? 'zh-CN' : 'en' });
  const page = await context.newPage();
  const errors = collectErrors(page);

  // Answers travel in the address: signing in (again, after an idle sign-out too) comes back to
  // the same question with them.
  await page.goto(`${baseUrl()}/wealth/assessment?a=4.5.5.0.0.0.0.0.0.0&q=4`);
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await waitForHydration(page);
  await page.getByLabel(zh ? '手机号或客户号' : 'Mobile number or customer number').fill(who.login);
  await page.getByLabel(zh ? '登录密码' : 'Password').fill(PASSWORD);
  const signedIn = Date.now();
  await page.getByRole('button', { name: zh ? '下一步' : 'Continue' }).click();
  await page.getByLabel(zh ? '6 位短信验证码' : '6-digit SMS code').fill(await codeFromOutbox(who.phone, signedIn));
  await page.getByRole('button', { name: zh ? '登录' : 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/wealth\/assessment\?a=4\.5\.5\.0\.0\.0\.0\.0\.0\.0&q=4$/);
  await expect(page.getByText(zh ? '第 4 题，共 10 题' : 'Question 4 of 10')).toBeVisible();
  await page.getByRole('link', { name: zh ? '上一题' : 'Previous' }).click();
  await expect(page.getByRole('radio').nth(4)).toBeChecked();

  // Without WASM a step is a plain form: the answer travels in the address.
  const noJs = await browser.newContext({ viewport, javaScriptEnabled: false, locale: zh ? 'zh-CN' : 'en', storageState: await context.storageState() });
  const plain = await noJs.newPage();
  await plain.goto(`${baseUrl()}/wealth/assessment`);
  await plain.getByRole('radio').nth(3).check();
  await plain.getByRole('button', { name: zh ? '下一题' : 'Next' }).click();
  await expect(plain.getByText(zh ? '第 2 题，共 10 题' : 'Question 2 of 10')).toBeVisible();
  await expect(plain).toHaveURL(/a=0\.0.*at=1.*pick=4/);
  await noJs.close();

  // Five years' experience with shares: not capped at C3.
  await page.goto(`${baseUrl()}/wealth/assessment?a=4.5.5.5.4.5.4.3.4.4&q=11`);
  await waitForHydration(page);
  await page.getByRole('button', { name: zh ? '提交测评' : 'Submit' }).click();
  await expect(page).toHaveURL(/\/wealth\/assessments\/\d+$/);
  await expect(page.locator('.level-name')).toHaveText(zh ? 'C5 进取型' : 'C5 aggressive');
  await waitForHydration(page);
  await signResult(page, who.phone, zh);

  await page.goto(`${baseUrl()}/wealth/products/AX-EQ-01`);
  await waitForHydration(page);
  await expect(page.getByText(zh ? '特别风险提示' : 'Special risk warning')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel(zh ? '购买金额（CNY）' : 'Amount (CNY)').fill('50000');
  await page.getByLabel(zh ? '我已阅读并理解上述风险揭示，自愿购买本产品。' : 'I have read and understood the risk disclosure above').check();
  const getCode = page.getByRole('button', { name: zh ? '获取验证码并确认' : 'Get a code to confirm' });
  await getCode.click();
  await expect(page.getByRole('alert').filter({ hasText: zh ? '请阅读特别风险提示并勾选确认。' : 'Read the special risk warning' })).toBeVisible();
  await page.getByLabel(zh ? '我已知悉上述提示，仍希望购买。' : 'I understand this warning and still wish to buy.').check();
  const since = Date.now();
  await getCode.click();
  await page.getByLabel(zh ? '6 位短信验证码' : '6-digit SMS code').fill(await codeFromOutbox(who.phone, since, undefined, 'subscribe_code'));
  await page.getByRole('button', { name: zh ? '确认购买' : 'Confirm purchase' }).click();
  await expect(page.getByRole('status').filter({ hasText: zh ? '已提交，待本行复核后扣款。' : 'Submitted: we take the money once' })).toBeVisible();
  await page.goto(`${baseUrl()}/wealth`);
  await expect(page.getByRole('listitem').filter({ hasText: /WS\d{8}/ })).toContainText(zh ? '待复核，尚未扣款' : 'Awaiting review, not yet paid');
  await expectNoAxeViolations(page);

  // A supervisor approves it with a reason; the money moves and the customer is told.
  const desk = await browser.newContext({ viewport, hasTouch, isMobile });
  const staff = await desk.newPage();
  await staffSignIn(staff, zh ? 'S0106' : 'S0107');
  await staff.getByRole('link', { name: /理财审核/ }).click();
  await expect(staff).toHaveURL(/\/staff\/wealth$/);
  await waitForHydration(staff);
  const item = staff.getByRole('listitem').filter({ hasText: who.login });
  await expect(item).toContainText('R4');
  await expectNoAxeViolations(staff);
  // A plain form, its reason checked before it is sent; the queue comes back without the item.
  await item.getByRole('button', { name: '批准' }).click();
  await expect(item.getByText(/^请写明理由，至少 \d+ 个字。$/)).toBeVisible();
  await expect(item.getByLabel('理由（客户可见）')).toBeFocused();
  await item.getByLabel('理由（客户可见）').fill('已电话确认客户了解产品风险。');
  await item.getByRole('button', { name: '批准' }).click();
  await expect(staff.getByRole('status').filter({ hasText: '已完成，页面已更新。' })).toBeVisible();
  await expect(item).toHaveCount(0);
  await desk.close();
  await page.goto(`${baseUrl()}/wealth`);
  await expect(page.getByRole('listitem').filter({ hasText: /WS\d{8}/ })).toContainText(zh ? '购买成功' : 'Bought');
  await page.goto(`${baseUrl()}/messages`);
  await expect(page.getByText(zh ? '理财审核结果' : 'Wealth review decided').first()).toBeVisible();
  // The customer's refusals above answer 422, which the browser logs.
  expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
  await context.close();
});
