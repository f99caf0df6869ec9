// Shared helpers: where the portal is, its pages, and the checks every page must pass.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';

export const PASSWORD = 'Demo-2026!';

export function baseUrl(): string {
  const url = process.env.PORTAL_BASE_URL;
  if (!url) throw new Error('PORTAL_BASE_URL is not set: global-setup.ts did not run');
  return url;
}

/** Written by a11y.setup.ts in the run's data directory, read by a11y.spec.ts. */
export const A11Y_FILES = { pages: 'a11y-pages.json' };
/** Whom the matrix signs in. */
export const A11Y_PEOPLE = { customer: 'C000011', staff: 'S0110' };

/** Pages anyone may see, with their heading in each language. */
export const PUBLIC_PAGES = [
  { path: '/', zh: '随时随地，自己办理银行业务', en: 'Your bank, whenever you need it' },
  { path: '/sign-in', zh: '登录', en: 'Sign in' },
];

/** Pages only a signed-in customer sees. */
export const CUSTOMER_PAGES = [
  { path: '/accounts', zh: '账户', en: 'Accounts' },
  { path: '/appointments', zh: '预约', en: 'Appointments' },
  { path: '/complaints', zh: '投诉与建议', en: 'Complaints' },
  { path: '/wealth', zh: '理财评估', en: 'Wealth' },
  { path: '/messages', zh: '消息', en: 'Messages' },
  { path: '/settings', zh: '设置', en: 'Settings' },
];

/** Records console errors and uncaught exceptions from the moment it is called. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

/**
 * Resolves once the page is live: the WASM app has hydrated the whole page, or at once on a page
 * that loads no app (the pages before signing in, `shell::PAGES_WITHOUT_APP`).
 */
export async function waitForHydration(page: Page) {
  // Set by the app's entry point (app/src/lib.rs) once the page, its own code included, is live.
  await page.waitForFunction(
    () => document.documentElement.hasAttribute('data-hydrated') || !document.getElementById('app-loader'),
  );
}

/** The build under test is the islands build (scripts/test.sh sets it): one WASM file for every page. */
export const islandsBuild = Boolean(process.env.PORTAL_E2E_ISLANDS);

/**
 * Every WASM file the page has loaded was asked for by the loader's preloads (shell::AppLoader),
 * before the app started: the app itself and, in the split build, each file of the page's unit.
 * A file the split loader had to request itself, from inside the task that starts the app, shows
 * as a `fetch`.
 */
export async function expectWasmPreloaded(page: Page) {
  const loaded = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((entry) => new URL(entry.name).pathname.endsWith('.wasm'))
      .map((entry) => [new URL(entry.name).pathname, (entry as PerformanceResourceTiming).initiatorType]),
  );
  if (islandsBuild) {
    expect(loaded.map(([path]) => path), 'the one file of the islands').toEqual(['/pkg/portal.wasm']);
  } else {
    expect(loaded.map(([path]) => path), 'the app and its unit').toContain('/pkg/portal.wasm');
    expect(loaded.length, 'the unit\'s files too').toBeGreaterThan(1);
  }
  expect(loaded.filter(([, initiator]) => initiator !== 'link'), 'files requested after the app started').toEqual([]);
}

/** Moves the focus with Tab (Shift+Tab when `back`) until `target` has it; fails if it never does. */
export async function tabTo(page: Page, target: Locator, back = false) {
  await target.waitFor();
  for (let presses = 0; presses < 150; presses++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${target} never took the focus by ${back ? 'Shift+Tab' : 'Tab'}`);
}

/**
 * axe-core on the page as shown: WCAG 2.1 AA; with `bestPractice` also axe's best practices; with
 * `enhancedContrast` also elder mode's promise of 7:1 for body text: axe's AAA rule would let
 * large text (all of elder mode's) pass at 4.5:1, so the ratio it measured is checked here, for
 * every text but headings.
 */
export async function expectNoAxeViolations(page: Page, { bestPractice = false, enhancedContrast = false } = {}) {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', ...(bestPractice ? ['best-practice'] : [])];
  const results = await new AxeBuilder({ page }).withTags(tags).analyze();
  const violations = [...results.violations];
  const summary = violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  if (enhancedContrast) {
    const contrast = await new AxeBuilder({ page }).withRules(['color-contrast-enhanced']).analyze();
    for (const node of [...contrast.passes, ...contrast.violations].flatMap((v) => v.nodes)) {
      const ratio = (node.any[0]?.data as { contrastRatio?: number } | undefined)?.contrastRatio;
      if (ratio !== undefined && ratio > 0 && ratio < 7 && !/^<h[1-6]\b/.test(node.html)) summary.push(`body text below 7:1 (${ratio}): ${node.target.join(' ')}`);
    }
  }
  expect(summary, `axe-core violations (${tags.join(', ')}${enhancedContrast ? ', 7:1 contrast' : ''}) on ${page.url()}`).toEqual([]);
}

/** Elder mode's promises on the page shown: text size, target size, no sideways scrolling. */
export async function expectElderPage(page: Page) {
  await expect(page.locator('html')).toHaveClass(/\belder\b/);
  // Every visible text in the page's content (charts' own labels aside) is 24 px (18 pt) or more.
  const smallText = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('main *')]
      .filter((el) => !el.closest('svg') && el.offsetParent !== null)
      .filter((el) => [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== ''))
      .map((el) => ({ size: parseFloat(getComputedStyle(el).fontSize), text: `${el.tagName}.${el.className} "${(el.textContent ?? '').trim().slice(0, 20)}"` }))
      .filter(({ size }) => size < 23.9)
      .map(({ size, text }) => `${text} ${size}px`),
  );
  expect(smallText, 'text smaller than 24 px in elder mode').toEqual([]);
  const small = await page.evaluate(() => {
    const controls = document.querySelectorAll<HTMLElement>(
      'header a, header button, main a, main button, main input:not([type=hidden]):not([type=radio]):not([type=checkbox]), main select, main textarea, main summary',
    );
    return [...controls]
      .filter((el) => el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden')
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.width < 59.5 || box.height < 59.5))
      .map(({ el, box }) => `${el.tagName} "${(el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
  });
  expect(small, 'controls smaller than 60 x 60 px in elder mode').toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'sideways scrolling').toBeLessThanOrEqual(0);
}

/**
 * Demo customer for one test: C0000nn with mobile 138000000nn. Each (slot, project) pair gets its
 * own customer, because codes are sent to one person at most once a minute. Slots in use on the
 * shared portal: sign-in 0-3, shell 4-5, settings 6, password 7-8, accounts 9, 10 and 17,
 * messages 11-13, appointments 14-15, complaints 16 and 18 (16 is C000044/45, whom the branch
 * tests book visits for without signing them in); 18 is the last slot: the demo data has 50
 * customers. Slot 2 also serves settings' ending of devices, which signs in without a code
 * (arrangeSession): sign-in's slot 2 test only gets codes sent and never opens a session. Outside the slots, the visit-rating test signs in as C000002 and C000003, the wealth
 * tests as C000004, C000050 and (aged 65 or more) C000006 and C000007, the delegation tests as
 * C000008 and C000005, the elder-mode offer as C000009 (aged 65 or more), the accessibility matrix
 * (a11y.setup.ts) as C000011 and the supervisor S0110, signing in without script as C000001.
 * C000010's e-banking is suspended.
 */
export function demoCustomer(testInfo: TestInfo, slot: number) {
  const n = 12 + slot * 2 + (testInfo.project.name === 'phone-360' ? 0 : 1);
  return { login: `C${String(n).padStart(6, '0')}`, phone: `138${String(n).padStart(8, '0')}` };
}

/** Waits for the newest code of `kind` sent to `phone` at or after `since` (ms), from the outbox. */
export async function codeFromOutbox(
  phone: string,
  since: number,
  dataDir = process.env.PORTAL_E2E_DATA_DIR ?? '',
  kind = 'sign_in_code',
): Promise<string> {
  const outbox = path.join(dataDir, 'outbox.jsonl');
  for (let i = 0; i < 100; i++) {
    if (fs.existsSync(outbox)) {
      const messages = fs
        .readFileSync(outbox, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .filter((m) => m.to === phone && m.kind === kind && m.sent_at * 1000 >= since - 1000);
      const last = messages.at(-1);
      if (last) return (last.body as string).match(/\d{6}/)![0];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${kind} for ${phone} in ${outbox}`);
}

/** Signs in through the page as a person would, in whichever language the page is in. */
export async function signIn(
  page: Page,
  who: { login: string; phone: string },
  locale: 'zh-CN' | 'en' = 'zh-CN',
  portal = { baseUrl: baseUrl(), dataDir: process.env.PORTAL_E2E_DATA_DIR ?? '' },
) {
  const zh = locale === 'zh-CN';
  await page.goto(`${portal.baseUrl}/sign-in`);
  await waitForHydration(page);
  await page.getByLabel(zh ? '手机号或客户号' : 'Mobile number or customer number').fill(who.login);
  await page.getByLabel(zh ? '登录密码' : 'Password').fill(PASSWORD);
  const since = Date.now();
  await page.getByRole('button', { name: zh ? '下一步' : 'Continue' }).click();
  await page.getByLabel(zh ? '6 位短信验证码' : '6-digit SMS code').fill(await codeFromOutbox(who.phone, since, portal.dataDir));
  await page.getByRole('button', { name: zh ? '登录' : 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/accounts$/);
  // Signing in ends in a full page load (the sign-in page has no app): wait until it is live.
  await waitForHydration(page);
}

/** Signs a member of staff (password `Staff-2026!`) in at the staff door, as a person would. */
export async function staffSignIn(page: Page, no: string) {
  await page.goto(`${baseUrl()}/staff`);
  await waitForHydration(page);
  await page.getByLabel('员工号').fill(no);
  await page.getByLabel('登录密码').fill('Staff-2026!');
  const since = Date.now();
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByLabel('6 位短信验证码').fill(await codeFromOutbox(`139${no.slice(1).padStart(8, '0')}`, since));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page).toHaveURL(/\/staff\/home$/);
  await waitForHydration(page);
}

/** The messages of `kind` the portal sent to `phone`, from the development outbox. */
export function sentTo(phone: string, kind: string): { body: string }[] {
  const outbox = path.join(process.env.PORTAL_E2E_DATA_DIR ?? '', 'outbox.jsonl');
  return fs
    .readFileSync(outbox, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((m) => m.kind === kind && m.to === phone);
}

/**
 * Runs a Python `script` on the test server's SQLite file (its path is `sys.argv[1]`, then `args`)
 * while the server keeps running, and answers what it printed: the arrangements below.
 */
function inDatabase(script: string, ...args: string[]): string {
  const db = path.join(process.env.PORTAL_E2E_DATA_DIR ?? '', 'portal.db');
  return execFileSync('python3', ['-c', script, db, ...args], { encoding: 'utf8' }).trim();
}

/**
 * Test arrangement straight in the portal's SQLite file (the server keeps running): books a
 * visit under `reference` for a demo customer (C000044 unless named) at `branch`, starting in 10
 * minutes, so that staff can check it in whatever the time of day. Answers the visit's day in China.
 */
export function arrangeVisitSoon(branch: string, reference: string, customer = 'C000044'): string {
  const script = `
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
now = int(time.time())
service, minutes = db.execute("SELECT id, duration_minutes FROM services WHERE code = 'card_replacement'").fetchone()
db.execute(
    "INSERT INTO appointments (reference, customer_id, branch_id, service_id, starts_at, ends_at, status, regular_place, created_at) "
    "SELECT ?, c.id, b.id, ?, ?, ?, 'booked', 1, ? FROM customers c, branches b WHERE c.customer_no = ? AND b.code = ?",
    (sys.argv[3], service, now + 600, now + 600 + minutes * 60, now, sys.argv[4], sys.argv[2]))
db.commit()
print(time.strftime('%Y-%m-%d', time.gmtime(now + 600 + 8 * 3600)))
`;
  return inDatabase(script, branch, reference, customer);
}

/**
 * Test arrangement straight in the portal's SQLite file: a session for `person` (a customer or
 * staff number) as signing in opens one, and its refresh token, which a browser context holds
 * as its `portal_refresh` cookie: the first request trades it for an access token. For tests
 * that reuse one person across parallel browser contexts for longer than a token lives (the
 * accessibility matrix): contexts sharing one signed-in state would trade the same refresh token
 * after the access token's 5 minutes, and the second trade is rightly taken for a stolen token,
 * which ends the session. Signing in itself is what sign-in.spec.ts tests.
 */
export function arrangeSession(person: string): { name: string; value: string; domain: string; path: string; httpOnly: boolean; sameSite: 'Strict' } {
  const script = `
import hashlib, secrets, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
now, no = int(time.time()), sys.argv[2]
row = db.execute("SELECT 'customer:' || id, 'customer' FROM customers WHERE customer_no = ? "
                 "UNION SELECT 'staff:' || id, role FROM staff_users WHERE staff_no = ?", (no, no)).fetchone()
session, token = secrets.token_hex(16), secrets.token_hex(32)
db.execute("INSERT INTO sessions (id, principal, role, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
           (session, row[0], row[1], now, now, now + 8 * 3600))
db.execute("INSERT INTO refresh_tokens (token_hash, session_id, issued_at) VALUES (?, ?, ?)",
           (hashlib.sha256(token.encode()).hexdigest(), session, now))
db.commit()
print(token)
`;
  const value = inDatabase(script, person);
  return { name: 'portal_refresh', value, domain: new URL(baseUrl()).hostname, path: '/', httpOnly: true, sameSite: 'Strict' };
}

/**
 * Test arrangement straight in the portal's SQLite file: a request by agent `staff` to help
 * `customer`, waiting for a supervisor's approval (as a diamond-tier customer's would), under
 * `reference`.
 */
export function arrangeAssistRequest(customer: string, staff: string, reference: string) {
  const script = `
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
db.execute("INSERT INTO delegations (customer_id, staff_id, reason, reference, status, requested_at) "
           "SELECT c.id, s.id, '客户来电，请求协助查询账户交易明细', ?, 'awaiting_approval', ? "
           "FROM customers c, staff_users s WHERE c.customer_no = ? AND s.staff_no = ?",
           (sys.argv[4], int(time.time()), sys.argv[2], sys.argv[3]))
db.commit()
`;
  inDatabase(script, customer, staff, reference);
}

/**
 * Test arrangement straight in the portal's SQLite file: sets the available and ledger balance
 * of a demo customer's first active current account in yuan, so a purchase's figures are known.
 */
export function arrangeBalance(customer: string, yuan: number) {
  const script = `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
db.execute(
    "UPDATE accounts SET available_balance_minor = ?, ledger_balance_minor = ? WHERE id = (SELECT MIN(a.id) FROM accounts a "
    "JOIN customers c ON c.id = a.customer_id WHERE c.customer_no = ? AND a.kind = 'demand' AND a.currency = 'CNY' AND a.status = 'active')",
    (int(sys.argv[3]) * 100, int(sys.argv[3]) * 100, sys.argv[2]))
db.commit()
`;
  inDatabase(script, customer, String(yuan));
}

/**
 * Marks every message in `customer`'s inbox read, for a test that counts unread messages from
 * zero. The alert job at the server's start posts the due reminders of the day, so which demo
 * customers already have one depends on the date the suite runs.
 */
export function arrangeReadInbox(customer: string) {
  const script = `
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
db.execute(
    "UPDATE notifications SET read_at = ? WHERE read_at IS NULL AND customer_id = (SELECT id FROM customers WHERE customer_no = ?)",
    (int(time.time()), sys.argv[2]))
db.commit()
`;
  inDatabase(script, customer);
}
