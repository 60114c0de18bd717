// Two people in two browsers: register, make a server, invite, chat live, typing, presence,
// replies, reactions, an image upload, and a channel one of them must not see.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const WAIT = { timeout: 15_000 };
const PASSWORD = 'correct horse battery staple';

export async function register(page, username) {
  await page.getByRole('link', { name: 'Register' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('navigation', { name: 'Servers' }).waitFor(WAIT);
}

/** A 2x2 red PNG. */
function png() {
  const file = join(tmpdir(), `accord-e2e-${process.pid}.png`);
  const bytes = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
    'base64',
  );
  writeFileSync(file, bytes);
  return file;
}

export async function chat({ alice, bob, shots }) {
  await register(alice, 'alice');
  await alice.screenshot({ path: shots('01-home.png') });
  await alice.getByRole('button', { name: 'Add a server' }).click();
  await alice.getByLabel('Server name').fill('Test Guild');
  await alice.getByRole('button', { name: 'Create' }).click();
  const composer = (page) => page.getByRole('textbox', { name: /^Message #general/ });
  await composer(alice).waitFor(WAIT);

  await alice.getByRole('button', { name: 'Test Guild server menu' }).click();
  await alice.getByRole('menuitem', { name: 'Invite people' }).click();
  const link = await alice.getByLabel(/Send this link/).inputValue();
  assert.match(link, /\/invite\/[A-Za-z0-9-]+$/);
  await alice.keyboard.press('Escape');

  await register(bob, 'bob');
  await bob.goto(link);
  await bob.getByRole('button', { name: 'Accept invite' }).click();
  await composer(bob).waitFor(WAIT);

  // Presence: each sees the other online in the member list.
  await alice.locator('.member', { hasText: 'bob' }).locator('.presence-dot.online').waitFor(WAIT);
  await bob.locator('.member', { hasText: 'alice' }).locator('.presence-dot.online').waitFor(WAIT);

  // Typing, then the message, live.
  await composer(alice).pressSequentially('hello bob', { delay: 20 });
  await bob.getByRole('status').filter({ hasText: 'alice is typing' }).waitFor(WAIT);
  await composer(alice).press('Enter');
  const fromAlice = bob.locator('.message', { hasText: 'hello bob' });
  await fromAlice.waitFor(WAIT);
  await bob.getByRole('status').filter({ hasText: 'is typing' }).waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);

  // A reply, shown with the original under it.
  await fromAlice.hover();
  await fromAlice.getByRole('button', { name: 'Reply' }).click();
  await composer(bob).fill('hi alice, **welcome**');
  await composer(bob).press('Enter');
  const reply = alice.locator('.message', { hasText: 'hi alice' });
  await reply.locator('.reply-preview', { hasText: 'hello bob' }).waitFor(WAIT);
  assert.equal(await reply.locator('strong, .md-bold').first().textContent(), 'welcome', 'markdown renders');

  // A reaction from the picker, seen by the other.
  await reply.hover();
  await reply.getByRole('button', { name: 'Add reaction' }).click();
  await alice.getByRole('dialog', { name: 'Emoji picker' }).getByRole('button', { name: ':thumbsup:' }).click();
  await bob.locator('.message', { hasText: 'hi alice' }).getByRole('button', { name: '👍: 1' }).waitFor(WAIT);

  // An image upload: bob sees the progress finish, alice sees the preview load.
  await bob.getByTestId('file-input').setInputFiles(png());
  await composer(bob).fill('a picture');
  await composer(bob).press('Enter');
  const image = alice.locator('.message', { hasText: 'a picture' }).locator('img[alt$=".png"]');
  await image.waitFor(WAIT);
  await alice.waitForFunction((img) => img.complete && img.naturalWidth === 2, await image.elementHandle(), WAIT);
  await alice.screenshot({ path: shots('02-chat.png') });

  // A channel only alice may see: hidden from bob's list, refused by link.
  const secret = await alice.evaluate(async () => {
    const { token } = JSON.parse(localStorage.getItem('accord.session'));
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const guild = location.pathname.split('/')[2];
    const made = await fetch(`/api/v10/guilds/${guild}/channels`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'secret', permission_overwrites: [{ id: guild, type: 0, deny: String(1 << 10), allow: '0' }] }),
    });
    return { guild, channel: (await made.json()).id };
  });
  await alice.getByRole('button', { name: /^secret/ }).waitFor(WAIT);
  await bob.waitForTimeout(500);
  assert.equal(await bob.getByRole('button', { name: /^secret/ }).count(), 0, 'bob does not see the hidden channel');
  await bob.goto(`/channels/${secret.guild}/${secret.channel}`);
  await bob.getByText('cannot see').waitFor(WAIT);
  await bob.goBack();
  return { guild: secret.guild };
}
