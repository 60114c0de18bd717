// How `<t:…:X>` timestamps read: Discord's seven styles, in the reader's locale and time zone.

import type { TimestampStyle } from './ast';

export interface TimestampOptions {
  /** The reference for relative (`R`) timestamps, in ms; defaults to the current time. */
  now?: number;
  /** Tests pin these; the app leaves them to the browser. */
  locale?: string;
  timeZone?: string;
}

export interface FormattedTimestamp {
  text: string;
  /** The full date and time, for the hover title. */
  title: string;
  /** For `<time dateTime>`. */
  iso: string;
}

const ABSOLUTE: Record<Exclude<TimestampStyle, 'R'>, Intl.DateTimeFormatOptions> = {
  t: { timeStyle: 'short' },
  T: { timeStyle: 'medium' },
  d: { dateStyle: 'short' },
  D: { dateStyle: 'long' },
  f: { dateStyle: 'long', timeStyle: 'short' },
  F: { dateStyle: 'full', timeStyle: 'short' },
};

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

export function formatTimestamp(
  seconds: number,
  style: TimestampStyle,
  options: TimestampOptions = {},
): FormattedTimestamp {
  const date = new Date(seconds * 1000);
  // The parser refuses out-of-range values; a hand-built node must not make Intl throw either.
  if (Number.isNaN(date.getTime())) return { text: String(seconds), title: '', iso: '' };
  const { locale, timeZone } = options;
  const absolute = (format: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, { ...format, timeZone }).format(date);
  const text =
    style === 'R' ? relative(seconds, options.now ?? Date.now(), locale) : absolute(ABSOLUTE[style]);
  return { text, title: absolute(ABSOLUTE.F), iso: date.toISOString() };
}

function relative(seconds: number, now: number, locale: string | undefined): string {
  const diff = seconds - now / 1000;
  const [unit, size] = UNITS.find(([, length]) => Math.abs(diff) >= length) ?? UNITS[UNITS.length - 1];
  return new Intl.RelativeTimeFormat(locale, { numeric: 'always' }).format(Math.round(diff / size), unit);
}
