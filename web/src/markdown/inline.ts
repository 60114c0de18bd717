// Inline rules: the scanner that walks a range of message text and turns markers into nodes.
// Each rule looks only at the current position; whatever no rule claims is literal text.
// The work stays near-linear on hostile input because (1) closer searches are memoised per range,
// so a thousand unmatched `*` cost one scan rather than a thousand, (2) nesting stops at MAX_DEPTH,
// and (3) the only regexes are sticky with one bounded quantifier, so none can backtrack badly.

import type { MdNode, StyleType, TimestampStyle } from './ast';
import { MAX_URL_LENGTH, safeHref } from './url';

/** Deepest nesting of formatting, links and blocks; deeper markers are shown literally. */
export const MAX_DEPTH = 10;

/** What a rule found (a node, or literal text) and where scanning resumes. */
export interface Match {
  node: MdNode | string;
  next: number;
}

/** A rule tried only at the start of a line (quotes, headings, lists); they live in `parse.ts`. */
export type LineRule = (src: string, pos: number, end: number, scope: Scope) => Match | undefined;

export interface Scope {
  /** How many constructs enclose this range. */
  depth: number;
  /** False inside link text: an `<a>` inside an `<a>` is invalid HTML. */
  links: boolean;
  /** Block rules; absent inside inline formatting, where a `# ` is just text. */
  lineRule?: LineRule;
}

/** Parses `src[start, end)` into nodes; markers never match across `end`. */
export function parseRange(src: string, start: number, end: number, scope: Scope): MdNode[] {
  const range = new Range(src, start, end);
  const out = new Output();
  let pos = start;
  while (pos < end) {
    const atLineStart = pos === 0 || src[pos - 1] === '\n';
    const match = (atLineStart && scope.lineRule?.(src, pos, end, scope)) || inlineRule(range, pos, scope);
    if (match) {
      out.add(match.node);
      pos = match.next;
    } else {
      out.add(src[pos]);
      pos += 1;
    }
  }
  return out.nodes();
}

type Scan = (src: string, from: number, end: number) => number;

/** The range being scanned, with its memo of closer searches. */
class Range {
  private readonly found = new Map<string, { from: number; at: number }>();

  constructor(
    readonly src: string,
    readonly start: number,
    readonly end: number,
  ) {}

  /**
   * The closer `scan` finds after `from`, or -1. A search from an earlier start that found its
   * closer at `at` answers for every start before `at` as well (and a failed one for every later
   * start), which is what keeps runs of unmatched openers from rescanning the range each time.
   */
  closer(key: string, from: number, scan: Scan): number {
    const seen = this.found.get(key);
    if (seen && seen.from <= from && (seen.at === -1 || seen.at > from)) return seen.at;
    const at = scan(this.src, from, this.end);
    this.found.set(key, { from, at });
    return at;
  }
}

/** Collects nodes, merging adjacent literal text into one text node. */
class Output {
  private readonly list: MdNode[] = [];
  private text = '';

  add(node: MdNode | string): void {
    if (typeof node === 'string') {
      this.text += node;
      return;
    }
    this.flush();
    this.list.push(node);
  }

  nodes(): MdNode[] {
    this.flush();
    return this.list;
  }

  private flush(): void {
    if (this.text) this.list.push({ type: 'text', text: this.text });
    this.text = '';
  }
}

function inlineRule(range: Range, pos: number, scope: Scope): Match | undefined {
  const { src, end } = range;
  switch (src[pos]) {
    case '\\':
      return escape(src, pos, end);
    case '\n':
      return { node: { type: 'br' }, next: pos + 1 };
    case '`':
      return code(range, pos);
    case '<':
      return angle(src, pos, end, scope);
    case '[':
      return scope.links && scope.depth < MAX_DEPTH ? maskedLink(range, pos, scope) : undefined;
    case 'h':
    case 'H':
      return scope.links ? bareUrl(src, pos, end) : undefined;
    case '@':
      return broadcast(src, pos, end);
    case '*':
    case '_':
    case '~':
    case '|':
      return scope.depth < MAX_DEPTH ? styled(range, pos, scope) : undefined;
    default:
      return undefined;
  }
}

// Like Discord, a backslash escapes any symbol; before a letter, digit or space it is literal.
function escape(src: string, pos: number, end: number): Match | undefined {
  const next = src[pos + 1];
  return pos + 1 < end && !/[0-9A-Za-z\s]/.test(next) ? { node: next, next: pos + 2 } : undefined;
}

function code(range: Range, pos: number): Match | undefined {
  const { src, end } = range;
  let run = 1;
  while (pos + run < end && src[pos + run] === '`') run += 1;
  const literal = { node: src.slice(pos, pos + run), next: pos + run };
  if (run >= 3) return codeBlock(range, pos) ?? literal;
  const close = range.closer('`'.repeat(run), pos + run, (s, from, e) => backtickRun(s, from, e, run));
  if (close === -1) return literal;
  return { node: { type: 'code', text: src.slice(pos + run, close) }, next: close + run };
}

/** Start of the next run of exactly `length` backticks after `from`. */
function backtickRun(src: string, from: number, end: number, length: number): number {
  let i = from;
  while (i < end) {
    if (src[i] !== '`') {
      i += 1;
      continue;
    }
    let stop = i;
    while (stop < end && src[stop] === '`') stop += 1;
    if (stop - i === length && i > from) return i;
    i = stop;
  }
  return -1;
}

// A language tag is only a tag when a newline follows it: "```js\n…```", not "```js```".
const LANG_LINE = /[a-z0-9_+\-.#]{1,32}\n/iy;

function codeBlock(range: Range, pos: number): Match | undefined {
  const { src, end } = range;
  const close = range.closer('```', pos + 3, (s, from, e) => {
    const at = s.indexOf('```', from);
    return at === -1 || at + 3 > e ? -1 : at;
  });
  if (close === -1) return undefined;
  let bodyStart = pos + 3;
  let lang = '';
  LANG_LINE.lastIndex = bodyStart;
  if (LANG_LINE.test(src) && LANG_LINE.lastIndex < close) {
    lang = src.slice(bodyStart, LANG_LINE.lastIndex - 1);
    bodyStart = LANG_LINE.lastIndex;
  }
  const text = trimNewlines(src.slice(bodyStart, close));
  if (!text) return undefined;
  let next = close + 3;
  if (next < end && src[next] === '\n') next += 1; // the block already ends the line
  return { node: { type: 'codeBlock', lang, text }, next };
}

// A loop, not /\n+$/: that regex retries at every newline of a long run and goes quadratic.
function trimNewlines(text: string): string {
  let start = 0;
  let stop = text.length;
  while (start < stop && text[start] === '\n') start += 1;
  while (stop > start && text[stop - 1] === '\n') stop -= 1;
  return text.slice(start, stop);
}

// Date can hold ±8.64e15 ms; a timestamp beyond that would make Intl throw while rendering.
const MAX_TIMESTAMP_SECONDS = 8.64e12;

type AngleRule = [RegExp, (m: RegExpExecArray, scope: Scope) => MdNode | undefined];

const ANGLE_RULES: AngleRule[] = [
  [/<@!?(\d{1,20})>/y, (m) => ({ type: 'mention', kind: 'user', id: m[1] })],
  [/<@&(\d{1,20})>/y, (m) => ({ type: 'mention', kind: 'role', id: m[1] })],
  [/<#(\d{1,20})>/y, (m) => ({ type: 'mention', kind: 'channel', id: m[1] })],
  [/<(a?):(\w{1,32}):(\d{1,20})>/y, (m) => ({ type: 'emoji', animated: m[1] === 'a', name: m[2], id: m[3] })],
  [/<t:(-?\d{1,14})(?::([tTdDfFR]))?>/y, (m) => timestamp(m[1], m[2])],
  [
    /<(https?:\/\/[^\s<>]{1,2048})>/iy,
    (m, scope) => (scope.links && safeHref(m[1]) ? { type: 'url', url: m[1], embed: false } : undefined),
  ],
];

function angle(src: string, pos: number, end: number, scope: Scope): Match | undefined {
  for (const [pattern, build] of ANGLE_RULES) {
    pattern.lastIndex = pos;
    const m = pattern.exec(src);
    if (!m || pattern.lastIndex > end) continue;
    const node = build(m, scope);
    if (node) return { node, next: pattern.lastIndex };
  }
  return undefined;
}

function timestamp(digits: string, style: string | undefined): MdNode | undefined {
  const seconds = Number(digits);
  if (Math.abs(seconds) > MAX_TIMESTAMP_SECONDS) return undefined;
  return { type: 'timestamp', seconds, style: (style ?? 'f') as TimestampStyle };
}

function maskedLink(range: Range, pos: number, scope: Scope): Match | undefined {
  const { src, end } = range;
  // The first bracket after `[`: a `]` closes the text, another `[` means this one is literal.
  const close = range.closer('[]', pos + 1, (s, from, e) => {
    for (let i = from; i < e; i += 1) {
      if (s[i] === '\\') i += 1;
      else if (s[i] === '[' || s[i] === ']') return i;
    }
    return -1;
  });
  if (close === -1 || src[close] !== ']' || src[close + 1] !== '(' || !src.slice(pos + 1, close).trim()) {
    return undefined;
  }
  const target = linkTarget(src, close + 2, end);
  if (!target || !safeHref(target.url)) return undefined;
  const children = parseRange(src, pos + 1, close, { depth: scope.depth + 1, links: false });
  return { node: { type: 'link', url: target.url, children }, next: target.next };
}

/** The `(url)` or `(<url>)` after a link's text; parentheses inside the URL must balance. */
function linkTarget(src: string, from: number, end: number): { url: string; next: number } | undefined {
  const limit = Math.min(end, from + MAX_URL_LENGTH + 2);
  const bracketed = src[from] === '<';
  let depth = 0;
  for (let i = bracketed ? from + 1 : from; i < limit; i += 1) {
    const c = src[i];
    if (c === ' ' || c === '\n' || c === '\t') return undefined;
    if (bracketed) {
      if (c !== '>') continue;
      return i + 1 < end && src[i + 1] === ')' ? { url: src.slice(from + 1, i), next: i + 2 } : undefined;
    }
    if (c === '(') {
      depth += 1;
    } else if (c === ')') {
      if (depth === 0) return i > from ? { url: src.slice(from, i), next: i + 1 } : undefined;
      depth -= 1;
    }
  }
  return undefined;
}

const URL_START = /https?:\/\//iy;
// Punctuation that ends a sentence rather than a URL: "see https://x.com." links without the dot.
const URL_TRAILING = '.,:;"\'!?]';

function bareUrl(src: string, pos: number, end: number): Match | undefined {
  if (pos > 0 && isWordChar(src[pos - 1])) return undefined;
  URL_START.lastIndex = pos;
  if (!URL_START.test(src)) return undefined;
  const limit = Math.min(end, pos + MAX_URL_LENGTH);
  let stop = pos;
  let open = 0;
  let closed = 0;
  for (; stop < limit && !/[\s<]/.test(src[stop]); stop += 1) {
    if (src[stop] === '(') open += 1;
    else if (src[stop] === ')') closed += 1;
  }
  // Keep a closing parenthesis only when it pairs with one in the URL: "(see https://x.com/a_(b))".
  for (;;) {
    const last = src[stop - 1];
    if (URL_TRAILING.includes(last)) stop -= 1;
    else if (last === ')' && closed > open) {
      stop -= 1;
      closed -= 1;
    } else break;
  }
  const url = src.slice(pos, stop);
  return safeHref(url) ? { node: { type: 'url', url, embed: true }, next: stop } : undefined;
}

function broadcast(src: string, pos: number, end: number): Match | undefined {
  if (pos > 0 && isWordChar(src[pos - 1])) return undefined; // "ops@here.example" is an address
  for (const target of ['everyone', 'here'] as const) {
    const next = pos + 1 + target.length;
    if (next <= end && src.startsWith(target, pos + 1)) return { node: { type: 'broadcast', target }, next };
  }
  return undefined;
}

interface Delimiter {
  marker: string;
  type: StyleType;
  /** Whether the marker at `pos` may open; `start` and `end` bound the range being parsed. */
  opens(src: string, pos: number, start: number, end: number): boolean;
  scan: Scan;
}

// Longest markers first, so `**` is bold before `*` can be italic.
const DELIMITERS: Delimiter[] = [
  { marker: '**', type: 'bold', opens: () => true, scan: doubleCloser('**', true) },
  { marker: '__', type: 'underline', opens: () => true, scan: doubleCloser('__', true) },
  { marker: '~~', type: 'strike', opens: () => true, scan: doubleCloser('~~', false) },
  { marker: '||', type: 'spoiler', opens: () => true, scan: doubleCloser('||', false) },
  // `* ` is a list bullet or a lone asterisk, not emphasis; `**` that failed as bold is not `*` + `*…`.
  {
    marker: '*',
    type: 'italic',
    opens: (src, pos, _start, end) => pos + 1 < end && !/[\s*]/.test(src[pos + 1]),
    scan: singleCloser('*', (src, i) => !/\s/.test(src[i - 1])),
  },
  // Underscores inside words (snake_case_name) are not emphasis; the start of a range (as in
  // `___both___`, where the underline's inner text starts with `_`) counts as a word boundary.
  {
    marker: '_',
    type: 'italic',
    opens: (src, pos, start, end) =>
      pos + 1 < end && src[pos + 1] !== '_' && (pos === start || !isWordChar(src[pos - 1])),
    scan: singleCloser('_', (src, i, end) => i + 1 >= end || !isWordChar(src[i + 1])),
  },
];

function styled(range: Range, pos: number, scope: Scope): Match | undefined {
  const { src, end } = range;
  for (const d of DELIMITERS) {
    if (!src.startsWith(d.marker, pos) || !d.opens(src, pos, range.start, end)) continue;
    const inner = pos + d.marker.length;
    const close = range.closer(d.marker, inner, d.scan);
    if (close === -1) continue;
    const children = parseRange(src, inner, close, { depth: scope.depth + 1, links: scope.links });
    return { node: { type: d.type, children }, next: close + d.marker.length };
  }
  return undefined;
}

/**
 * Closer for a two-character marker. With `lastOfRun`, a longer run closes on its last two
 * characters, so `***both***` is bold around italic rather than bold around `*both` plus a `*`.
 */
function doubleCloser(marker: string, lastOfRun: boolean): Scan {
  return (src, from, end) => {
    for (let i = from; i + 2 <= end; i += 1) {
      if (src[i] === '\\') {
        i += 1;
        continue;
      }
      if (i === from || !src.startsWith(marker, i)) continue;
      if (lastOfRun && i + 2 < end && src[i + 2] === marker[0]) continue;
      return i;
    }
    return -1;
  };
}

/** Closer for `*` or `_`: a doubled marker inside is nested bold/underline, never the closer. */
function singleCloser(marker: string, closes: (src: string, i: number, end: number) => boolean): Scan {
  return (src, from, end) => {
    for (let i = from; i < end; i += 1) {
      if (src[i] === '\\') i += 1;
      else if (src[i] === marker) {
        if (i + 1 < end && src[i + 1] === marker) i += 1;
        else if (i > from && closes(src, i, end)) return i;
      }
    }
    return -1;
  };
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}_]/u.test(c);
}
