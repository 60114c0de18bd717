// Debian's Chromium driven by playwright-core (never a downloaded browser), with fake media
// devices so voice, camera and screen share run headless; each page's console errors are kept
// so a test can require there were none.

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.ACCORD_TEST_CHROMIUM || '/usr/bin/chromium';

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--auto-select-desktop-capture-source=Entire screen',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** A new browser context (its own storage: its own signed-in user) and page at `url`. */
export async function openPage(browser, url, name, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ baseURL: url, viewport, permissions: ['microphone', 'camera', 'notifications'] });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(`${name} console: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.errors.push(`${name} page error: ${e.message}`));
  await page.goto(url);
  return page;
}
