import { describe, expect, it } from 'vitest';
import { formatTimestamp } from './timestamp';

// 2023-11-14T22:13:20Z, a Tuesday.
const SECONDS = 1_700_000_000;
const pinned = { locale: 'en-US', timeZone: 'UTC' };
// ICU versions differ on the space before AM/PM (U+202F or U+0020).
const plain = (text: string) => text.replace(/\s/g, ' ');

describe('formatTimestamp', () => {
  it.each([
    ['t', '10:13 PM'],
    ['T', '10:13:20 PM'],
    ['d', '11/14/23'],
    ['D', 'November 14, 2023'],
  ] as const)('style %s', (style, expected) => {
    expect(plain(formatTimestamp(SECONDS, style, pinned).text)).toBe(expected);
  });

  it('shows date and time for f and the weekday too for F', () => {
    expect(plain(formatTimestamp(SECONDS, 'f', pinned).text)).toMatch(/^November 14, 2023,? (at )?10:13 PM$/);
    expect(plain(formatTimestamp(SECONDS, 'F', pinned).text)).toMatch(/^Tuesday, November 14, 2023/);
  });

  it('gives the full date as title and an ISO dateTime', () => {
    const { title, iso } = formatTimestamp(SECONDS, 't', pinned);
    expect(plain(title)).toMatch(/^Tuesday, November 14, 2023,? (at )?10:13 PM$/);
    expect(iso).toBe('2023-11-14T22:13:20.000Z');
  });

  it.each([
    [SECONDS + 3600, '1 hour ago'],
    [SECONDS - 300, 'in 5 minutes'],
    [SECONDS + 3 * 86_400, '3 days ago'],
    [SECONDS - 2 * 365 * 86_400, 'in 2 years'],
    [SECONDS, 'in 0 seconds'],
  ])('relative to now=%i reads %s', (now, expected) => {
    expect(formatTimestamp(SECONDS, 'R', { ...pinned, now: now * 1000 }).text).toBe(expected);
  });

  it('does not throw on a date JavaScript cannot hold', () => {
    expect(formatTimestamp(1e20, 'f').text).toBe('100000000000000000000');
  });
});
