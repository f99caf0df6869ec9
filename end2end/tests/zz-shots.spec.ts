import { test } from '@playwright/test';
import { arrangeBalance, baseUrl, signIn, waitForHydration } from './helpers';
test('shots', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const p = testInfo.project.name;
  arrangeBalance('C000004', 20000);
  await signIn(page, { login: 'C000004', phone: '13800000004' });
  for (const [name, path] of [['q', '/wealth/assessment?a=2.3.3&q=4'], ['review', '/wealth/assessment?a=2.3.3.3.3.3.3.2.3.3&q=11'], ['wealth', '/wealth'], ['product', '/wealth/products/AX-PP-01'], ['product2', '/wealth/products/AX-CASH-01']]) {
    await page.goto(baseUrl() + path);
    await waitForHydration(page);
    await page.screenshot({ path: `/tmp/w/shot-${p}-${name}.png`, fullPage: true });
  }
});
