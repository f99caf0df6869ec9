// Customer sign-in: password, then the SMS code read from the development outbox.
// Each project signs in as its own demo customer (codes are limited to one a minute per person).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test, type TestInfo } from '@playwright/test';
import { baseUrl, collectErrors, expectNoAxeViolations, waitForHydration } from './helpers';

const PASSWORD = 'Demo-2026!';

/** Demo customer n (C0000nn, mobile 138000000nn), a different one per project and purpose. */
function customer(testInfo: TestInfo, offset: number) {
  const n = 12 + offset * 2 + (testInfo.project.name === 'phone-360' ? 0 : 1);
  return { login: `C${String(n).padStart(6, '0')}`, phone: `138${String(n).padStart(8, '0')}` };
}

/** Waits for the newest sign-in code sent to `phone` after `since` (ms). */
async function codeFromOutbox(phone: string, since: number): Promise<string> {
  const outbox = path.join(process.env.PORTAL_E2E_DATA_DIR ?? '', 'outbox.jsonl');
  for (let i = 0; i < 100; i++) {
    if (fs.existsSync(outbox)) {
      const messages = fs
        .readFileSync(outbox, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .filter((m) => m.to === phone && m.kind === 'sign_in_code' && m.sent_at * 1000 >= since - 1000);
      const last = messages.at(-1);
      if (last) return (last.body as string).match(/\d{6}/)![0];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no sign-in code for ${phone} in ${outbox}`);
}

test('a customer signs in with password and the SMS code', async ({ page, context }, testInfo) => {
  const errors = collectErrors(page);
  const who = customer(testInfo, 0);
  await page.goto(`${baseUrl()}/sign-in`);
  await waitForHydration(page);
  await page.getByLabel('手机号或客户号').fill(who.login.toLowerCase());
  await page.getByLabel('登录密码').fill(PASSWORD);
  const since = Date.now();
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('heading', { name: '输入短信验证码' })).toBeVisible();
  await expect(page.getByText(`${who.phone.slice(0, 3)}****${who.phone.slice(-4)}`)).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel('6 位短信验证码').fill(await codeFromOutbox(who.phone, since));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page).toHaveURL(/\/accounts$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('账户');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'portal_session');
  expect(session?.httpOnly, 'the session cookie is HttpOnly').toBe(true);
  expect(session?.sameSite).toBe('Strict');
  expect(await page.evaluate(() => document.cookie)).not.toContain('portal_session');
  expect(errors).toEqual([]);
});

test('a wrong password says how many attempts remain', async ({ page }, testInfo) => {
  const who = customer(testInfo, 1);
  await page.goto(`${baseUrl()}/sign-in`);
  await waitForHydration(page);
  await page.getByLabel('手机号或客户号').fill(who.login);
  await page.getByLabel('登录密码').fill('not-the-password');
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('alert')).toContainText('还可尝试 4 次');
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('alert')).toContainText('还可尝试 3 次');
});

test('a wrong code says how many entries remain, in English too', async ({ browser }, testInfo) => {
  const { viewport, hasTouch, isMobile } = testInfo.project.use;
  const context = await browser.newContext({ viewport, hasTouch, isMobile, locale: 'en' });
  const page = await context.newPage();
  const who = customer(testInfo, 2);
  await page.goto(`${baseUrl()}/sign-in`);
  await waitForHydration(page);
  await page.getByLabel('Mobile number or customer number').fill(who.login);
  await page.getByLabel('Password').fill(PASSWORD);
  const since = Date.now();
  await page.getByRole('button', { name: 'Continue' }).click();
  const code = await codeFromOutbox(who.phone, since);
  await page.getByLabel('6-digit SMS code').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('4 more tries');
  await page.getByRole('button', { name: 'Start again' }).click();
  await expect(page.getByLabel('Password')).toBeVisible();
  await context.close();
});
