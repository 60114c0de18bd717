// History paging: a channel with 120 messages opens at the latest, and scrolling up loads
// older pages (50 at a time) until the channel's beginning, in order and without repeats.

import assert from 'node:assert/strict';

const WAIT = { timeout: 15_000 };

export async function history({ alice }) {
  const { guild, channel } = await alice.evaluate(async () => {
    const { token } = JSON.parse(localStorage.getItem('accord.session'));
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const guild = location.pathname.split('/')[2];
    const made = await fetch(`/api/v10/guilds/${guild}/channels`, { method: 'POST', headers, body: JSON.stringify({ name: 'history' }) });
    const channel = (await made.json()).id;
    for (let n = 0; n < 120; n++) {
      await fetch(`/api/v10/channels/${channel}/messages`, { method: 'POST', headers, body: JSON.stringify({ content: `m${n}` }) });
    }
    return { guild, channel };
  });
  await alice.goto(`/channels/${guild}/${channel}`);
  await alice.locator('.message', { hasText: 'm119' }).waitFor(WAIT);
  const scroller = alice.locator('.message-scroll');
  const beginning = alice.getByText('This is the beginning of the channel.');
  for (let i = 0; i < 10 && !(await beginning.isVisible()); i++) {
    await scroller.evaluate((el) => el.scrollTo(0, 0));
    await alice.waitForTimeout(300);
  }
  await beginning.waitFor(WAIT);
  const contents = await alice.locator('.message .md').allTextContents();
  assert.deepEqual(contents, Array.from({ length: 120 }, (_, n) => `m${n}`), 'every message once, in order');
}
