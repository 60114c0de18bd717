// Friends, a DM with its read receipt, editing with history, pins, search and a thread.

const WAIT = { timeout: 15_000 };

export async function social({ alice, bob }) {
  // A friend request by username, accepted from the pending list.
  await bob.getByRole('button', { name: 'Direct messages' }).click();
  await bob.getByLabel('Add a friend by username').fill('alice');
  await bob.getByRole('button', { name: 'Send request' }).click();
  await bob.getByRole('status').filter({ hasText: 'Friend request sent' }).waitFor(WAIT);
  await alice.getByRole('button', { name: 'Direct messages' }).click();
  await alice.getByRole('tab', { name: 'Pending' }).click();
  await alice.getByRole('button', { name: 'Accept' }).click();
  await alice.getByRole('tab', { name: 'All' }).click();

  // A DM, read on the other side: "Seen by" shows for the sender.
  await alice.locator('.friend', { hasText: 'bob' }).getByRole('button', { name: 'Message' }).click();
  const dm = alice.getByRole('textbox', { name: 'Message @bob' });
  await dm.fill('just between us');
  await dm.press('Enter');
  await bob.getByRole('complementary', { name: 'Direct messages' }).getByRole('button', { name: /^alice/ }).click();
  await bob.locator('.message', { hasText: 'just between us' }).waitFor(WAIT);
  await alice.getByText('Seen by bob').waitFor(WAIT);

  // Edits keep their history.
  await alice.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: /^Test Guild/ }).click();
  await alice.getByRole('button', { name: /^general/ }).click();
  const mine = alice.locator('.message', { hasText: 'hello bob' }).first();
  await mine.hover();
  await mine.getByRole('button', { name: 'Edit' }).click();
  await alice.getByLabel('Edit message').fill('hello bob, edited');
  await alice.getByLabel('Edit message').press('Enter');
  await bob.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: /^Test Guild/ }).click();
  await bob.getByRole('button', { name: /^general/ }).click();
  const edited = bob.locator('.message', { hasText: 'hello bob, edited' });
  await edited.getByRole('button', { name: '(edited)' }).click();
  await bob.getByRole('dialog', { name: 'Edit history' }).getByText('hello bob', { exact: true }).waitFor(WAIT);
  await bob.keyboard.press('Escape');

  // Pins and search.
  const picture = alice.locator('.message', { hasText: 'a picture' });
  await picture.hover();
  await picture.getByRole('button', { name: 'Pin' }).click();
  await bob.getByRole('button', { name: 'Pinned messages' }).click();
  await bob.getByRole('complementary', { name: 'Pinned messages' }).getByText('a picture').waitFor(WAIT);
  await bob.getByRole('button', { name: 'Search' }).click();
  await bob.getByRole('search').getByLabel('Text').fill('picture');
  await bob.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await bob.getByRole('status').filter({ hasText: '1 result' }).waitFor(WAIT);
  await bob.getByRole('button', { name: 'Close search' }).click();

  // A thread, and a message in it.
  await alice.getByRole('button', { name: 'Threads' }).click();
  await alice.getByLabel('New thread').fill('plans');
  await alice.getByRole('button', { name: 'Create thread' }).click();
  const inThread = alice.getByRole('textbox', { name: 'Message #plans' });
  await inThread.fill('first in the thread');
  await inThread.press('Enter');
  await alice.locator('.message', { hasText: 'first in the thread' }).waitFor(WAIT);

  // A forum board and a post in it.
  await alice.getByRole('button', { name: 'Test Guild server menu' }).click();
  await alice.getByRole('menuitem', { name: 'Create channel' }).click();
  await alice.getByLabel('Forum').check();
  await alice.getByLabel('Channel name').fill('ideas');
  await alice.getByRole('button', { name: 'Create', exact: true }).click();
  await alice.getByLabel('Title').fill('Dark mode everywhere');
  await alice.getByLabel('Message', { exact: true }).fill('Please and thank you');
  await alice.getByRole('button', { name: 'Post' }).click();
  await alice.locator('.message', { hasText: 'Please and thank you' }).waitFor(WAIT);
  await bob.getByRole('button', { name: /^ideas/ }).click();
  await bob.getByRole('list', { name: 'Posts' }).getByText('Dark mode everywhere').waitFor(WAIT);
}
