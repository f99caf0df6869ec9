// Satisfaction after a branch visit: branch staff check a visitor in; the customer is asked in
// Messages to rate the visit, is told what is missing, rates it low, and turns the comment into
// a complaint about the visit, pre-filled, which they check and send; a supervisor reads the
// branch's ratings in the weekly report and downloads it. The customer at phone width in Chinese,
// at desktop width in English; every step passes axe.
import { expect, test } from '@playwright/test';
import { arrangeVisitSoon, baseUrl, collectErrors, expectNoAxeViolations, signIn, staffSignIn, waitForHydration } from './helpers';

test('a checked-in visit is rated, and a low rating becomes a complaint about it', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const zh = testInfo.project.name === 'phone-360';
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const [staffNo, branch, reference, login, mobile, supervisorNo, branchName] = zh
    ? ['S0206', 'B006', 'APRATEPHON', 'C000002', '13800000002', 'S0104', '虹桥支行']
    : ['S0207', 'B007', 'APRATEDESK', 'C000003', '13800000003', 'S0105', '莘庄支行'];
  const day = arrangeVisitSoon(branch, reference, login);

  // The branch checks the visitor in.
  const desk = await browser.newContext({ viewport, hasTouch, isMobile });
  const staff = await desk.newPage();
  await staffSignIn(staff, staffNo);
  await staff.goto(`${baseUrl()}/staff/appointments?day=${day}`);
  await waitForHydration(staff);
  const row = staff.getByRole('row').filter({ hasText: reference });
  await row.getByRole('button', { name: /^签到：.+/ }).click();
  await expect(row).toContainText('已到店');
  await desk.close();

  // The customer is asked in Messages, and follows the link to the visit's page.
  const context = await browser.newContext({ viewport, hasTouch, isMobile, locale: zh ? 'zh-CN' : 'en' });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await signIn(page, { login, phone: mobile }, zh ? 'zh-CN' : 'en');
  await page.goto(`${baseUrl()}/messages`);
  const asked = page.getByRole('listitem').filter({ hasText: reference });
  await expect(asked).toContainText(zh ? '请评价您的网点服务' : 'How was your visit?');
  await expectNoAxeViolations(page);
  await asked.getByRole('link', { name: zh ? '评价本次服务' : 'Rate the visit' }).click();
  await expect(page).toHaveURL(/\/appointments\/\d+#rate$/);
  await waitForHydration(page);
  const visitUrl = page.url();
  const question = (zhName: string, enName: string) => page.getByRole('group', { name: zh ? zhName : enName });
  const waiting = question('等候时间', 'The waiting time');
  const attitude = question('工作人员的服务态度', "The staff's attitude");
  const handling = question('您的业务办理得怎么样', 'How well your matter was handled');

  // Sent with one question unanswered: that question says so, nothing is stored.
  await waiting.getByLabel(zh ? '1 星' : '1 of 5 stars', { exact: true }).check();
  await attitude.getByLabel(zh ? '4 星' : '4 of 5 stars', { exact: true }).check();
  const send = page.getByRole('button', { name: zh ? '提交评价' : 'Send the rating' });
  await send.click();
  await expect(handling).toContainText(zh ? '请选择 1 至 5 星。' : 'Please choose 1 to 5 stars.');
  await expect(waiting.locator('.error')).toHaveCount(0);
  await expectNoAxeViolations(page);
  await handling.getByLabel(zh ? '3 星' : '3 of 5 stars', { exact: true }).check();
  const comment = zh ? '预约了十点，等了四十分钟才叫到我的号。' : 'I booked ten o\'clock and waited forty minutes to be called.';
  await page.getByLabel(zh ? '您的意见（选填）' : 'Your comment (optional)').fill(comment);
  await send.click();
  await expect(page.getByRole('status').filter({ hasText: zh ? '感谢您的评价。' : 'Thank you for your rating.' })).toBeVisible();
  await expect(page.getByText(comment)).toBeVisible();
  await expect(send).toHaveCount(0);
  await expectNoAxeViolations(page);

  // Rated once: the page, opened again, shows the rating and the offer, not the form.
  await page.goto(visitUrl);
  await waitForHydration(page);
  await expect(page.getByRole('button', { name: zh ? '提交评价' : 'Send the rating' })).toHaveCount(0);
  await page.getByRole('link', { name: zh ? '将意见转为投诉' : 'Turn my comment into a complaint' }).click();
  await expect(page).toHaveURL(/\/complaints\/new\?visit=\d+$/);
  await waitForHydration(page);

  // The complaint starts from the rating: about the visit, the waiting time, the comment.
  await expect(page.getByLabel(zh ? '发生了什么' : 'What happened')).toHaveValue(comment);
  await expect(page.getByLabel(zh ? '涉及哪方面？' : 'What is it about?')).toHaveValue('waiting_time');
  const visitPicked = page.getByLabel(zh ? '涉及哪次网点预约？（选填）' : 'Which branch visit is it about? (optional)');
  await expect(visitPicked.locator('option:checked')).toContainText(reference);
  await expect(page.getByRole('radio', { name: zh ? '投诉' : 'Complaint', exact: true })).toBeChecked();
  await expectNoAxeViolations(page);
  await page.getByRole('radio', { name: zh ? '门户站内消息' : 'A message here in the portal' }).check();
  await page.getByRole('button', { name: zh ? '检查后提交' : 'Review before sending' }).click();
  await expect(page.getByRole('heading', { name: zh ? '请确认您要提交的内容' : 'Check what you are sending' })).toBeVisible();
  await expect(page.locator('dd').filter({ hasText: reference })).toBeVisible();
  await page.getByRole('button', { name: zh ? '提交' : 'Send', exact: true }).click();
  const receipt = page.getByRole('status').filter({ hasText: /TS-\d{4}-\d{6}/ });
  await expect(receipt).toBeVisible();
  await page.getByRole('link', { name: zh ? '查看进度' : 'Follow it' }).click();
  await expect(page.getByRole('link', { name: zh ? `涉及预约：${reference}` : `About visit ${reference}` })).toBeVisible();
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
  await context.close();

  // A supervisor reads the week's figures: the branch's low rating and the complaint it became.
  const office = await browser.newContext({ viewport, hasTouch, isMobile });
  const supervisor = await office.newPage();
  const officeErrors = collectErrors(supervisor);
  await staffSignIn(supervisor, supervisorNo);
  await supervisor.locator('.card', { hasText: '投诉与满意度周报' }).getByRole('link', { name: '打开' }).click();
  await expect(supervisor).toHaveURL(/\/staff\/complaints\/report$/);
  await expect(supervisor.getByRole('heading', { level: 1 })).toHaveText('投诉与满意度周报');
  // The week of the visit (the same as today's but when the test starts just before a Monday).
  await supervisor.goto(`${baseUrl()}/staff/complaints/report?week=${day}`);
  await waitForHydration(supervisor);
  const [byCategory, byBranch] = [supervisor.locator('table').nth(0), supervisor.locator('table').nth(1)];
  await expect(byCategory.locator('tbody tr')).toHaveCount(9);
  const branchRow = byBranch.getByRole('row').filter({ hasText: branchName });
  // This test's rating is the only one at the branch: 1 rating, low, waiting 1 star.
  await expect(branchRow.getByRole('cell').nth(1)).toHaveText('1');
  await expect(branchRow.getByRole('cell').nth(2)).toHaveText('1.0');
  await expect(branchRow.getByRole('cell').last()).toHaveText('100%');
  // The week's complaints as a chart (the one filed above, unless the week turned meanwhile).
  await expect(supervisor.getByRole('img', { name: /当周收到的投诉/ }).or(supervisor.getByText('这一周没有收到投诉。'))).toBeVisible();
  await expectNoAxeViolations(supervisor);
  const csvHref = await supervisor.getByRole('link', { name: '下载 CSV' }).getAttribute('href');
  const csv = await supervisor.request.get(`${baseUrl()}${csvHref}`);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain(branchName);
  expect(officeErrors).toEqual([]);
  await office.close();
});
