// End-to-end tests of the web client in Debian's Chromium against the real binary.
// ACCORD_BIN names the binary; screenshots go to ACCORD_E2E_SCREENSHOTS (default
// target/e2e-screenshots). Exits non-zero on the first failure or on any console error.

import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startServer } from './server.mjs';
import { launch, openPage } from './browser.mjs';
import { chat } from './chat.mjs';
import { voice } from './voice.mjs';
import { settings } from './settings.mjs';
import { account } from './account.mjs';
import { social } from './social.mjs';
import { history } from './history.mjs';

const shotsDir = resolve(process.env.ACCORD_E2E_SCREENSHOTS || join(import.meta.dirname, '../../target/e2e-screenshots'));
rmSync(shotsDir, { recursive: true, force: true });
mkdirSync(shotsDir, { recursive: true });
const shots = (name) => join(shotsDir, name);

const server = await startServer();
const browser = await launch();
let failed = false;
const pages = [];
try {
  const alice = await openPage(browser, server.url, 'alice');
  const bob = await openPage(browser, server.url, 'bob');
  pages.push(alice, bob);
  await alice.screenshot({ path: shots('00-login.png') });
  const timing = await alice.evaluate(() => {
    const navigation = performance.getEntriesByType('navigation')[0];
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    return { paint: paint?.startTime ?? NaN, load: navigation.loadEventEnd };
  });
  console.log(`first screen: first contentful paint ${Math.round(timing.paint)} ms, load event ${Math.round(timing.load)} ms`);
  for (const [name, scenario] of [['chat', chat], ['voice', voice], ['social', social], ['history', history], ['settings', settings], ['account', account]]) {
    const started = Date.now();
    await scenario({ alice, bob, shots });
    console.log(`ok ${name} (${Date.now() - started} ms)`);
  }
  const errors = pages.flatMap((p) => p.errors);
  if (errors.length) throw new Error(`console errors:\n${errors.join('\n')}`);
} catch (error) {
  failed = true;
  console.error(error);
  for (const [i, page] of pages.entries()) await page.screenshot({ path: shots(`failure-${i}.png`) }).catch(() => undefined);
} finally {
  await browser.close();
  server.stop();
}
console.log(`screenshots in ${shotsDir}: ${readdirSync(shotsDir).sort().join(', ')}`);
process.exit(failed ? 1 : 0);
