// Voice in two browsers with fake media devices: both join the guild's voice channel, audio
// packets flow both ways (the peer connections' statistics), each sees the other speaking,
// and one shares a screen that the other watches.

import assert from 'node:assert/strict';

const WAIT = { timeout: 20_000 };

async function joinVoice(page) {
  await page.getByRole('button', { name: /^General \(voice\)/ }).click();
  await page.getByRole('region', { name: 'Voice connection' }).getByText('Voice connected').waitFor(WAIT);
  await page.getByRole('button', { name: 'Connection info' }).click();
}

async function packetsReceived(page) {
  return Number(await page.getByTestId('audio-received').textContent());
}

export async function voice({ alice, bob, shots }) {
  await joinVoice(alice);
  await joinVoice(bob);

  // Audio both ways, counted by each browser's RTCPeerConnection statistics.
  for (const page of [alice, bob]) {
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="audio-received"]')?.textContent) > 20, null, WAIT);
  }
  assert.ok((await packetsReceived(alice)) > 20 && (await packetsReceived(bob)) > 20);

  // The fake microphone beeps: each sees the other's tile light up as speaking.
  await alice.locator('.voice-tile[data-user="bob"][data-speaking="true"]').waitFor(WAIT);
  await bob.locator('.voice-tile[data-user="alice"][data-speaking="true"]').waitFor(WAIT);

  // Go Live: alice shares her screen; bob watches it and gets frames.
  await alice.getByRole('button', { name: 'Share screen' }).click();
  await alice.getByRole('button', { name: 'Stop sharing' }).waitFor(WAIT);
  const watch = bob.getByRole('button', { name: 'Watch stream' });
  await watch.waitFor(WAIT);
  await bob.getByLabel('Quality').selectOption('480p24');
  await watch.click();
  const screen = bob.getByLabel("alice's screen");
  await screen.waitFor(WAIT);
  await bob.waitForFunction(
    (video) => video.videoWidth > 0 && video.currentTime > 0,
    await screen.elementHandle(),
    WAIT,
  );
  await alice.getByText('1 watching').waitFor(WAIT);
  // Bob's camera shows in his tile for alice.
  await bob.getByRole('button', { name: 'Turn camera on' }).click();
  const camera = alice.getByLabel("bob's camera");
  await camera.waitFor(WAIT);
  await alice.waitForFunction((video) => video.videoWidth > 0 && video.currentTime > 0, await camera.elementHandle(), WAIT);
  await bob.screenshot({ path: shots('03-voice.png') });
  await bob.getByRole('button', { name: 'Turn camera off' }).click();

  await alice.getByRole('button', { name: 'Disconnect' }).click();
  await bob.locator('.voice-tile[data-user="alice"]').waitFor({ state: 'detached', timeout: 20_000 });
}
