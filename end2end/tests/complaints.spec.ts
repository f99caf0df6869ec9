// Complaints: a customer files one (the form names what is missing, a review step before
// sending, a file refused by its content and named while nothing typed is lost, a receipt sent
// with it and downloaded), gets its reference on the page, in Messages and by SMS, follows it on its status
// page with the deadline, adds information, reads it in English, and withdraws it. Without
// WASM the form cannot be sent by the browser itself (nothing typed lands in the address bar).
// Then the complaints desk: an agent claims a complaint, asks the customer (who is told), notes
// internally, records who the complaint is about (the customer sees neither), pauses and resumes
// the clock; the customer answers, the agent decides; the customer asks for a review, a second
// agent decides it (the first may not), and the customer accepts and rates the outcome in English.
import * as fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { baseUrl, collectErrors, demoCustomer, expectNoAxeViolations, sentTo, signIn, staffSignIn, waitForHydration } from './helpers';

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
  // The account's latest transactions are offered once it is chosen: pick the newest.
  const transaction = page.getByLabel('涉及哪笔交易？（选填，近三个月）');
  await expect(transaction.locator('option')).not.toHaveCount(1);
  await transaction.selectOption({ index: 1 });
  const picked = (await transaction.locator('option:checked').textContent())!;
  const what = '10月在柜台取款时被重复收取了两次手续费，每次20元。';
  await page.getByLabel('发生了什么').fill(what);
  await page.getByLabel('您希望银行怎样处理？（选填）').fill('退还多收的手续费。');
  await page.getByRole('radio', { name: '短信' }).check();
  // Two files: a receipt, and a text file named like a photo, which only its content gives away.
  await page.getByLabel('附件（可选）').setInputFiles([
    { name: '照片.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') },
    { name: '收据.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj receipt\n%%EOF\n') },
  ]);
  await expect(page.locator('.file-list li')).toHaveCount(2);
  await expect(page.getByRole('status').filter({ hasText: '已添加：照片.png、收据.pdf' })).toHaveCount(1);
  await page.getByRole('button', { name: '检查后提交' }).click();
  await expect(page.getByRole('heading', { name: '请确认您要提交的内容' })).toBeVisible();
  await expect(page.getByText(what)).toBeVisible();
  await expect(page.getByText('收费', { exact: true })).toBeVisible();
  await expect(page.locator('dd').filter({ hasText: picked })).toBeVisible();
  await expect(page.getByText('照片.png、收据.pdf', { exact: true })).toBeVisible();
  await expectNoAxeViolations(page);
  // Sent: the server refuses the false photo by name, and nothing typed is lost.
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: '“照片.png”不是 JPEG、PNG 或 PDF 文件' })).toBeVisible();
  await expect(page.getByText(what)).toBeVisible();
  // Back to change it keeps what was typed; the photo is removed.
  await page.getByRole('button', { name: '返回修改' }).click();
  await expect(page.getByLabel('发生了什么')).toHaveValue(what);
  await page.getByRole('button', { name: '移除 照片.png' }).click();
  await expect(page.locator('.file-list li')).toHaveCount(1);
  // Said, and the focus goes back to the file input (the button went with the file).
  await expect(page.getByRole('status').filter({ hasText: '已移除 照片.png' })).toHaveCount(1);
  await expect(page.getByLabel('附件（可选）')).toBeFocused();
  await page.getByRole('button', { name: '检查后提交' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '照片.png' })).toHaveCount(0);
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
  const timeline = page.getByRole('list', { name: '处理经过' });
  await expect(timeline.locator(':scope > li')).toHaveCount(1);
  // The receipt went with it, and downloads under its name.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    timeline.getByRole('link', { name: /^下载 收据\.pdf（\d+ B）$/ }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('收据.pdf');
  expect(fs.readFileSync(await download.path(), 'utf8')).toContain('1 0 obj receipt');
  await expectNoAxeViolations(page);

  // Adding information: empty is refused by name, then it joins the timeline.
  await page.getByRole('button', { name: '补充', exact: true }).click();
  await expect(page.getByText('请填写要补充的内容。')).toBeVisible();
  await expect(page.getByLabel('您要补充什么？')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('您要补充什么？').fill('两笔手续费的时间分别是10月8日上午和下午。');
  await page.getByRole('button', { name: '补充', exact: true }).click();
  await expect(timeline.locator(':scope > li')).toHaveCount(2);
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
  // The refused file was answered 422, which the browser logs; nothing else may be.
  expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
});

test('the desk claims, replies and decides; the customer asks for a review, accepts it and rates it', async ({ page, browser }, testInfo) => {
  // A customer and two agents in four browser contexts: 80 s under the full suite here, 120 s on CI.
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  const who = demoCustomer(testInfo, 16);
  const phone = testInfo.project.name === 'phone-360';
  const [handlerNo, reviewerNo] = phone ? ['S0003', 'S0004'] : ['S0005', 'S0006'];
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const staffContext = () => browser.newContext({ viewport, hasTouch, isMobile });

  // The customer files a complaint about the waiting time.
  await signIn(page, who);
  await page.goto(`${baseUrl()}/complaints/new`);
  await waitForHydration(page);
  await page.getByRole('radio', { name: '投诉' }).check();
  await page.getByLabel('涉及哪方面？').selectOption('waiting_time');
  await page.getByLabel('发生了什么').fill('11月28日在世纪大道支行取号后等候了两个小时才办理。');
  await page.getByRole('radio', { name: '门户站内消息' }).check();
  await page.getByRole('button', { name: '检查后提交' }).click();
  await page.getByRole('button', { name: '提交', exact: true }).click();
  const receipt = page.getByRole('status').filter({ hasText: '已收到，编号为' });
  const reference = (await receipt.textContent())!.match(/TS-\d{4}-\d{6}/)![0];
  await page.getByRole('link', { name: '查看进度' }).click();
  await expect(page).toHaveURL(/\/complaints\/\d+$/);
  const customerUrl = page.url();

  // The handler finds it in the queue, from the staff home.
  const desk = await staffContext();
  const agent = await desk.newPage();
  const agentErrors = collectErrors(agent);
  await staffSignIn(agent, handlerNo);
  await agent.locator('.card', { hasText: '投诉待办' }).getByRole('link', { name: '打开' }).click();
  await expect(agent).toHaveURL(/\/staff\/complaints$/);
  await waitForHydration(agent);
  await expect(agent.getByRole('heading', { level: 1 })).toHaveText('投诉待办');
  await expectNoAxeViolations(agent);
  await agent.getByLabel('方面').selectOption('waiting_time');
  await agent.getByRole('button', { name: '筛选' }).click();
  await expect(agent).toHaveURL(/category=waiting_time/);
  await agent.getByRole('link', { name: reference }).click();
  await waitForHydration(agent);
  await expect(agent.getByRole('heading', { level: 1 })).toHaveText(`投诉 ${reference}`);
  await expect(agent.getByText('尚未认领').first()).toBeVisible();
  await expectNoAxeViolations(agent);

  // Every step is a plain form, after which the page comes back as it now is; its fields are
  // checked before it is sent once the page is live. Claim; a reply is required before it is sent;
  // the note is internal.
  await agent.getByRole('button', { name: '认领' }).click();
  await expect(agent.getByText('已受理', { exact: true })).toBeVisible();
  await waitForHydration(agent);
  await agent.getByRole('button', { name: '发送回复' }).click();
  await expect(agent.locator('#reply-text-error')).toHaveText('请填写此项。');
  await expect(agent.locator('#reply-text-error')).toBeVisible();
  await expect(agent.getByLabel('给客户的回复')).toBeFocused();
  await agent.getByLabel('给客户的回复').fill('您好，我们正在调取当天的排队记录，请问您取的号码是多少？');
  // The question goes with a form for the customer to fill in, as a PDF.
  await agent.getByLabel('附件（可选）').setInputFiles([
    { name: '取号说明.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj form\n%%EOF\n') },
  ]);
  await agent.getByRole('button', { name: '请客户补充' }).click();
  await expect(agent.getByText('待客户补充', { exact: true })).toBeVisible();
  await agent.getByLabel('备注内容').fill('内部：当天上午叫号系统故障。');
  await agent.getByRole('button', { name: '添加备注' }).click();
  await expect(agent.getByText('内部：当天上午叫号系统故障。')).toBeVisible();
  await waitForHydration(agent);
  // The handler records who the complaint is about (a choice is required first).
  await agent.getByRole('button', { name: '登记', exact: true }).click();
  await expect(agent.getByText('请选择一位员工。')).toBeVisible();
  await agent.getByLabel('投诉涉及的员工').selectOption({ label: 'S0201 网点柜员1' });
  await agent.getByRole('button', { name: '登记', exact: true }).click();
  await expect(agent.getByText('登记回避（投诉涉及的员工）')).toBeVisible();
  // The clock stops for an appraisal and runs again.
  await agent.getByLabel('暂停原因（客户可见）').fill('调取叫号系统日志，送厂商鉴定。');
  await agent.getByRole('button', { name: '暂停计时（外部鉴定）' }).click();
  await expect(agent.locator('.deadline')).toHaveText('外部鉴定期间，期限暂停计算');
  await expectNoAxeViolations(agent);
  await agent.getByRole('button', { name: '恢复计时' }).click();
  await expect(agent.locator('.deadline')).toContainText(/还剩 \d+ 天/);
  // Complex: 30 days; then a further extension goes to a supervisor, days and reason required.
  await agent.getByLabel('理由（将告知客户）').fill('需调取多个系统的记录。');
  await agent.getByRole('button', { name: '标记为情况复杂' }).click();
  await expect(agent.getByText('30 日（情况复杂）')).toBeVisible();
  await waitForHydration(agent);
  await agent.getByRole('button', { name: '申请进一步延期' }).click();
  await expect(agent.getByText('请填写 1 到 30 之间的天数。')).toBeVisible();
  await agent.getByLabel('延长天数（1–30）').fill('20');
  await agent.getByLabel('理由（将告知客户）').fill('厂商鉴定报告预计三周后出具。');
  await agent.getByRole('button', { name: '申请进一步延期' }).click();
  await expect(agent.getByText(/延长 20 日，.* 申请，待主管审批/)).toBeVisible();
  await expect(agent.getByRole('button', { name: '申请进一步延期' })).toHaveCount(0);
  // A telephone call is recorded on the timeline, for the customer to read too.
  await agent.getByLabel('通话内容（客户可见）').fill('已致电客户，说明正在核查当天的叫号记录。');
  await agent.getByRole('button', { name: '保存通话记录' }).click();
  await expect(agent.getByText('已致电客户，说明正在核查当天的叫号记录。')).toBeVisible();
  await expectNoAxeViolations(agent);

  // The customer sees the question (not the note), is told in Messages, and answers.
  await page.goto(`${baseUrl()}/messages`);
  await expect(page.getByText('银行回复了您的投诉').first()).toBeVisible();
  await page.goto(customerUrl);
  await waitForHydration(page);
  await expect(page.getByText('请问您取的号码是多少？')).toBeVisible();
  await expect(page.getByRole('link', { name: /取号说明\.pdf/ })).toBeVisible();
  await expect(page.getByText('已致电客户，说明正在核查当天的叫号记录。')).toBeVisible();
  await expect(page.getByText('叫号系统故障')).toHaveCount(0);
  await expect(page.getByText('登记回避')).toHaveCount(0);
  await page.getByLabel('您要补充什么？').fill('号码是 A068。');
  await page.getByRole('button', { name: '补充', exact: true }).click();
  await expect(page.getByText('号码是 A068。')).toBeVisible();
  await expect(page.getByText('处理中', { exact: true })).toBeVisible();

  // The decision needs facts and grounds.
  await agent.reload();
  await waitForHydration(agent);
  await expect(agent.getByText('号码是 A068。')).toBeVisible();
  await agent.getByRole('button', { name: '发送决定' }).click();
  await expect(agent.locator('#decision-facts')).toHaveAttribute('aria-invalid', 'true');
  await expect(agent.locator('#decision-grounds')).toHaveAttribute('aria-invalid', 'true');
  await agent.getByLabel('核实的事实').fill('11月28日上午叫号系统故障约两小时，A068 号等候 118 分钟。');
  await agent.getByLabel('处理依据').fill('本行网点服务规范第 5 条：等候超过 30 分钟应主动安抚并分流。');
  await agent.getByLabel('银行将采取的措施（选填）').fill('向您致歉，并已为该网点增配备用叫号设备。');
  await agent.getByRole('button', { name: '发送决定' }).click();
  await expect(agent.getByText('已作出决定', { exact: true })).toBeVisible();

  // The customer reads the decision and the options, and asks for a review.
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: '处理决定', exact: true })).toBeVisible();
  await expect(page.getByText('A068 号等候 118 分钟')).toBeVisible();
  await expect(page.getByText(/12378/)).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: '申请复核' }).click();
  await expect(page.getByText('请写明理由。')).toBeVisible();
  await page.getByLabel('您申请复核的理由').fill('希望银行对当天等候的客户给予补偿。');
  await page.getByRole('button', { name: '申请复核' }).click();
  await expect(page.getByText('已申请复核', { exact: true })).toBeVisible();

  // The first decision's author may not decide the review; another agent does.
  await agent.reload();
  await waitForHydration(agent);
  await expect(agent.getByText('已申请复核', { exact: true })).toBeVisible();
  await expect(agent.getByRole('heading', { name: '作出复核决定' })).toHaveCount(0);
  const second = await staffContext();
  const reviewer = await second.newPage();
  await staffSignIn(reviewer, reviewerNo);
  await reviewer.goto(`${baseUrl()}/staff/complaints?status=review_requested`);
  await reviewer.getByRole('link', { name: reference }).click();
  await waitForHydration(reviewer);
  await expect(reviewer.getByRole('heading', { name: '作出复核决定' })).toBeVisible();
  await reviewer.getByLabel('核实的事实').fill('复核确认当天叫号系统故障，原决定所述事实无误。');
  await reviewer.getByLabel('处理依据').fill('本行客户补偿办法第 3 条。');
  await reviewer.getByLabel('银行将采取的措施（选填）').fill('向您账户返还一个月的账户管理费。');
  await reviewer.getByRole('button', { name: '发送决定' }).click();
  await expect(reviewer.getByText('已作出复核决定', { exact: true })).toBeVisible();
  await expectNoAxeViolations(reviewer);

  // In English, the customer reads the review decision, accepts it and rates the outcome once.
  const state = await page.context().storageState();
  state.cookies = state.cookies.filter((c) => !c.name.includes('locale'));
  const english = await browser.newContext({ viewport, hasTouch, isMobile, locale: 'en', storageState: state });
  const en = await english.newPage();
  await en.goto(customerUrl);
  await waitForHydration(en);
  await expect(en.getByRole('heading', { name: 'Review decision', exact: true })).toBeVisible();
  await expect(en.getByText('一个月的账户管理费')).toBeVisible();
  await en.getByRole('button', { name: 'Accept the decision' }).click();
  await expect(en.getByText('Closed', { exact: true })).toBeVisible();
  await waitForHydration(en);
  await en.getByRole('button', { name: 'Send rating' }).click();
  await expect(en.getByText('Please choose 1 to 5 stars.')).toBeVisible();
  await en.getByLabel('4 of 5 stars').check();
  await en.getByLabel('Your comments (optional)').fill('Fair in the end.');
  await en.getByRole('button', { name: 'Send rating' }).click();
  await expect(en.getByText('Your rating: 4 stars.')).toBeVisible();
  await expect(en.getByRole('button', { name: 'Send rating' })).toHaveCount(0);
  await expectNoAxeViolations(en);

  // The customer's security activity shows the staff's look at the complaint.
  await page.goto(`${baseUrl()}/settings`);
  await expect(page.getByText('客服人员查阅了您的投诉').first()).toBeVisible();
  await Promise.all([english.close(), desk.close(), second.close()]);
  expect(errors).toEqual([]);
  expect(agentErrors).toEqual([]);
});
