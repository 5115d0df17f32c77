// The training run of the split build: opens /events of an instrumented build in Chromium,
// waits until the list has shown its first item, and writes
// the profile wasm-split's instrumentation recorded (which functions ran, in what order).
// Those functions are the first screen's; `cargo xtask dist` keeps them in the primary module.
//
//   node xtask/wasm-split/train.mjs BASE_URL PROFILE_OUT CHROMIUM
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [base, out, executablePath] = process.argv.slice(2);
if (!executablePath) throw new Error('usage: node xtask/wasm-split/train.mjs BASE_URL PROFILE_OUT CHROMIUM');

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => {
      window.__trainWasm = e.detail.wasm;
    });
  });
  // The list's answer comes late, as on a slow network: the loading state is part of the
  // first screen there, and must not wait for the deferred module.
  await page.route('**/api/events?*', async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  await page.goto(new URL('events', base).href);
  await page.locator('ul[aria-label="Events"] > li').first().waitFor({ timeout: 30_000 });
  // Only the first screen: boot.js fetches the deferred module at the first idle moment
  // after it, so what runs later finds it attached (or loads it on the spot).
  await page.waitForTimeout(100);
  if (errors.length) throw new Error(`the instrumented app failed: ${errors.join('; ')}`);
  const bytes = await page.evaluate(() => {
    const wasm = window.__trainWasm;
    if (!wasm || typeof wasm.__write_profile !== 'function') return null;
    const size = wasm.__write_profile(0, 0);
    const at = wasm.__wbindgen_malloc(size, 8);
    if (wasm.__write_profile(at, size) !== size) return null;
    return Array.from(new Uint8Array(wasm.memory.buffer, at, size));
  });
  if (!bytes) throw new Error('the page has no instrumented wasm (__write_profile export missing)');
  writeFileSync(out, Buffer.from(bytes));
  const called = new DataView(Uint8Array.from(bytes).buffer);
  let n = 0;
  for (let i = 8; i < bytes.length; i += 4) if (called.getUint32(i, true) !== 0) n += 1;
  console.error(`wasm-split training: ${n} of ${(bytes.length - 8) / 4} functions ran on /events`);
} finally {
  await browser.close();
}
