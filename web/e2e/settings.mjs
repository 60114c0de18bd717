// Settings screens and the rest of the main screens: server settings (roles, audit log),
// user settings and the light theme, a phone-sized window, and resuming after a dropped
// connection without a reload.

import assert from 'node:assert/strict';

const WAIT = { timeout: 15_000 };

export async function settings({ alice, bob, shots }) {
  // Server settings: a new role, then the audit log shows it.
  await alice.getByRole('button', { name: 'Test Guild server menu' }).click();
  await alice.getByRole('menuitem', { name: 'Server settings' }).click();
  await alice.getByRole('tab', { name: 'Roles' }).click();
  await alice.getByRole('button', { name: 'Create role' }).click();
  await alice.getByLabel('Role name').fill('moderators');
  await alice.getByRole('button', { name: 'Save role' }).click();
  await alice.getByRole('status').filter({ hasText: 'Role saved.' }).waitFor(WAIT);
  await alice.screenshot({ path: shots('04-server-settings.png') });
  await alice.getByRole('tab', { name: 'Audit log' }).click();
  await alice.locator('.audit-log li', { hasText: 'created a role' }).first().waitFor(WAIT);
  await alice.keyboard.press('Escape');

  // User settings: the light theme applies at once.
  await bob.getByRole('button', { name: 'User settings' }).click();
  await bob.getByRole('tab', { name: 'Appearance and notifications' }).click();
  await bob.getByLabel('Light').check();
  assert.equal(await bob.evaluate(() => document.documentElement.dataset.theme), 'light');
  await bob.screenshot({ path: shots('05-user-settings-light.png') });
  await bob.keyboard.press('Escape');

  // A dropped connection: the banner shows, the session resumes, and messages sent
  // meanwhile arrive without a reload.
  for (const page of [alice, bob]) await page.getByRole('button', { name: /^general/ }).click();
  const marker = await bob.evaluate(() => (window.__accordMarker = Math.random()));
  await bob.context().setOffline(true);
  await bob.evaluate(() => window.dispatchEvent(new Event('offline')));
  await bob.getByText(/Reconnecting|offline/).first().waitFor(WAIT);
  await alice.getByRole('textbox', { name: /^Message #general/ }).fill('sent while bob was away');
  await alice.getByRole('textbox', { name: /^Message #general/ }).press('Enter');
  await bob.context().setOffline(false);
  await bob.locator('.message', { hasText: 'sent while bob was away' }).waitFor({ timeout: 40_000 });
  assert.equal(await bob.evaluate(() => window.__accordMarker), marker, 'no page reload');

  // Phone width: the navigation folds away behind a button.
  await bob.setViewportSize({ width: 390, height: 800 });
  await bob.getByRole('navigation', { name: 'Servers' }).waitFor({ state: 'hidden', timeout: 5000 });
  await bob.getByRole('button', { name: 'Open navigation' }).click();
  await bob.getByRole('navigation', { name: 'Servers' }).waitFor({ state: 'visible', timeout: 5000 });
  await bob.waitForTimeout(300); // the slide-in ends
  await bob.screenshot({ path: shots('06-phone.png') });
  await bob.setViewportSize({ width: 1280, height: 800 });
}
