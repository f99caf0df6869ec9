// Complaints: a customer files one (the form names what is missing, a review step before
// sending), gets its reference on the page, in Messages and by SMS, follows it on its status
// page with the deadline, adds information, reads it in English, and withdraws it. Without
// WASM the form cannot be sent by the browser itself (nothing typed lands in the address bar).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { baseUrl, collectErrors, demoCustomer, expectNoAxeViolations, signIn, waitForHydration } from './helpers';

function sentTo(phone: string, kind: string) {
  const outbox = path.join(process.env.PORTAL_E2E_DATA_DIR ?? '', 'outbox.jsonl');
  return fs
    .readFileSync(outbox, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((m) => m.kind === kind && m.to === phone);
}

test('file a complaint, follow it, add information, read it in English, withdraw it', async ({ page, browser }, testInfo) => {
  const errors = collectErrors(page);
  const who = demoCustomer(testInfo, 18);
  await signIn(page, who);

  await page.goto(`${baseUrl()}/complaints`);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('投诉与建议');
  await expect(page.getByText('您还没有提交过投诉或建议。')).toBeVisible();
  await expectNoAxeViolations(page);

  // Without WASM the form's button stays disabled: nothing can be sent by a GET.
  const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  const bare = await noJs.newPage();
  await bare.goto(`${baseUrl()}/complaints/new`);
  await expect(bare.getByRole('button', { name: '检查后提交' })).toBeDisabled();
  await noJs.close();

  await page.getByRole('link', { name: '提交投诉或建议' }).click();
  await expect(page).toHaveURL(/\/complaints\/new$/);
  await waitForHydration(page);
  // Sent empty: every missing choice is named, and the short text too.
  await page.getByRole('button', { name: '检查后提交' }).click();
  await expect(page.getByText('请选择投诉或建议。')).toBeVisible();
  await expect(page.getByText('请选择涉及的方面。')).toBeVisible();
  await expect(page.getByText('请选择联系方式。')).toBeVisible();
  await expect(page.getByText('请至少用 10 个字说明发生了什么。')).toBeVisible();
  await expect(page.getByLabel('发生了什么')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page);

  // By keyboard-reachable controls, as a customer fills it in.
  await page.getByRole('radio', { name: '投诉' }).check();
  await page.getByLabel('涉及哪方面？').selectOption('fees');
  await page.getByLabel('涉及哪个账户？（选填）').selectOption({ index: 1 });
  const what = '10月在柜台取款时被重复收取了两次手续费，每次20元。';
  await page.getByLabel('发生了什么').fill(what);
  await page.getByLabel('您希望银行怎样处理？（选填）').fill('退还多收的手续费。');
  await page.getByRole('radio', { name: '短信' }).check();
  await page.getByRole('button', { name: '检查后提交' }).click();
  await expect(page.getByRole('heading', { name: '请确认您要提交的内容' })).toBeVisible();
  await expect(page.getByText(what)).toBeVisible();
  await expect(page.getByText('收费', { exact: true })).toBeVisible();
  await expectNoAxeViolations(page);
  // Back to change it keeps what was typed.
  await page.getByRole('button', { name: '返回修改' }).click();
  await expect(page.getByLabel('发生了什么')).toHaveValue(what);
  await page.getByRole('button', { name: '检查后提交' }).click();
  await page.getByRole('button', { name: '提交', exact: true }).click();

  const receipt = page.getByRole('status').filter({ hasText: '已收到，编号为' });
  await expect(receipt).toBeVisible();
  const reference = (await receipt.textContent())!.match(/TS-\d{4}-\d{6}/)![0];
  expect(sentTo(who.phone, 'message_complaint_received').some((m) => (m.body as string).includes(reference))).toBe(true);

  await page.getByRole('link', { name: '查看进度' }).click();
  await expect(page).toHaveURL(/\/complaints\/\d+$/);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`投诉 ${reference}`);
  await expect(page.getByText('已提交', { exact: true })).toBeVisible();
  await expect(page.locator('.deadline')).toContainText('处理期限');
  await expect(page.locator('.deadline')).toContainText(/还剩 \d+ 天/);
  await expect(page.getByRole('list', { name: '处理经过' }).getByRole('listitem')).toHaveCount(1);
  await expectNoAxeViolations(page);

  // Adding information: empty is refused by name, then it joins the timeline.
  await page.getByRole('button', { name: '补充', exact: true }).click();
  await expect(page.getByText('请填写要补充的内容。')).toBeVisible();
  await expect(page.getByLabel('您要补充什么？')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('您要补充什么？').fill('两笔手续费的时间分别是10月8日上午和下午。');
  await page.getByRole('button', { name: '补充', exact: true }).click();
  await expect(page.getByRole('list', { name: '处理经过' }).getByRole('listitem')).toHaveCount(2);
  await expect(page.getByText('您补充了信息')).toBeVisible();

  // The list shows it with its deadline; so does Messages.
  await page.goto(`${baseUrl()}/complaints`);
  await waitForHydration(page);
  await expect(page.locator('.complaint-card')).toHaveCount(1);
  await expect(page.locator('.complaint-card')).toContainText(reference);
  await page.goto(`${baseUrl()}/messages`);
  await expect(page.getByText('我们已收到您的投诉')).toBeVisible();

  // In English (a browser asking for English, same session), the same complaint reads in English.
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  // (The session's cookies without any language choice, so the browser's language decides.)
  const state = await page.context().storageState();
  state.cookies = state.cookies.filter((c) => !c.name.includes('locale'));
  const english = await browser.newContext({ viewport, hasTouch, isMobile, locale: 'en', storageState: state });
  const en = await english.newPage();
  await en.goto(`${baseUrl()}/complaints`);
  await waitForHydration(en);
  await expect(en.locator('html')).toHaveAttribute('lang', 'en');
  await expect(en.locator('.complaint-card')).toContainText(`Reference ${reference}`);
  await expect(en.locator('.complaint-card')).toContainText('Complaint · Fees and charges');
  await en.locator('.complaint-card a').click();
  await waitForHydration(en);
  await expect(en.getByRole('heading', { level: 1 })).toHaveText(`Complaint ${reference}`);
  await expect(en.locator('.deadline')).toContainText(/Decision due by .* · \d+ days left/);
  await expectNoAxeViolations(en);

  // Withdrawn: the page says so, and neither adding nor withdrawing is offered any more.
  await en.getByRole('button', { name: 'Withdraw' }).click();
  await expect(en.getByText('Withdrawn', { exact: true })).toBeVisible();
  await expect(en.getByText('You withdrew it')).toBeVisible();
  await expect(en.getByRole('button', { name: 'Withdraw' })).toHaveCount(0);
  await expect(en.getByRole('button', { name: 'Add', exact: true })).toHaveCount(0);
  await expectNoAxeViolations(en);
  await english.close();
  expect(errors).toEqual([]);
});
