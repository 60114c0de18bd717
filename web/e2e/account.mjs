// The account screens by keyboard: two-factor authentication turned on in settings, then
// logging out and back in with a code, and the sessions list.

import assert from 'node:assert/strict';
import { totp } from './totp.mjs';

const WAIT = { timeout: 15_000 };
const PASSWORD = 'correct horse battery staple';

export async function account({ alice }) {
  await alice.getByRole('button', { name: 'User settings' }).click();
  await alice.getByRole('tab', { name: 'Two-factor authentication' }).click();
  const secret = (await alice.getByTestId('totp-secret').textContent()).trim();
  await alice.getByLabel('Password').fill(PASSWORD);
  await alice.getByLabel('Code').fill(totp(secret));
  await alice.getByRole('button', { name: 'Turn on' }).click();
  await alice.getByRole('status').filter({ hasText: 'Two-factor authentication is on.' }).waitFor(WAIT);
  assert.equal(await alice.locator('.codes li').count(), 10, 'ten recovery codes');

  await alice.getByRole('tab', { name: 'My account' }).click();
  await alice.getByRole('button', { name: 'Log out' }).click();
  await alice.getByRole('heading', { name: 'Welcome back' }).waitFor(WAIT);

  // Only the keyboard from here: the fields take focus in order and Enter submits.
  await alice.getByLabel('Username or email').focus();
  await alice.keyboard.type('alice');
  await alice.keyboard.press('Tab');
  await alice.keyboard.type(PASSWORD);
  await alice.keyboard.press('Enter');
  await alice.getByRole('heading', { name: 'Two-factor authentication' }).waitFor(WAIT);
  // The code that turned it on is spent; the next step's code is accepted (one step of
  // clock drift is allowed either way).
  await alice.keyboard.type(totp(secret, Date.now() + 30_000));
  await alice.keyboard.press('Enter');
  await alice.getByRole('navigation', { name: 'Servers' }).waitFor(WAIT);

  await alice.getByRole('button', { name: 'User settings' }).click();
  await alice.getByRole('tab', { name: 'Sessions' }).click();
  await alice.locator('.sessions li', { hasText: 'this browser' }).waitFor(WAIT);
  await alice.keyboard.press('Escape');
}
