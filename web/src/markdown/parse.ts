// Message text -> syntax tree. This file holds the entry point and the rules that apply only at the
// start of a line (block quotes, headings, subtext, lists); everything inline is in `inline.ts`.

import type { MdNode } from './ast';
import { type LineRule, type Match, type Scope, MAX_DEPTH, parseRange } from './inline';

/** Longest content parsed as markdown (Discord's limit with Nitro); any rest is shown as plain text. */
export const MAX_INPUT = 4000;

export function parse(content: string): MdNode[] {
  const text = content.replace(/\r\n?/g, '\n');
  const head = text.slice(0, MAX_INPUT);
  const nodes = parseRange(head, 0, head.length, TOP);
  if (text.length > head.length) appendText(nodes, text.slice(head.length));
  return nodes;
}

function appendText(nodes: MdNode[], text: string): void {
  const last = nodes[nodes.length - 1];
  if (last?.type === 'text') last.text += text;
  else nodes.push({ type: 'text', text });
}

function lineRules(quotes: boolean): LineRule {
  return (src, pos, end, scope) =>
    (quotes ? quote(src, pos, end, scope) : undefined) ??
    heading(src, pos, end, scope) ??
    subtext(src, pos, end, scope) ??
    list(src, pos, end, scope);
}

const TOP: Scope = { depth: 0, links: true, lineRule: lineRules(true) };
// Discord has no nested quotes: inside one, a `> ` line is just text.
const QUOTED = lineRules(false);

/** Scope for the text of a one-line block: inline rules only. */
function inlineIn(scope: Scope): Scope {
  return { depth: scope.depth + 1, links: scope.links };
}

/** `>>> ` quotes the rest of the message; consecutive `> ` lines form one quote. */
function quote(src: string, pos: number, end: number, scope: Scope): Match | undefined {
  if (scope.depth >= MAX_DEPTH) return undefined;
  if (src.startsWith('>>> ', pos)) return quoteOf(src.slice(pos + 4, end), end, scope);
  if (!src.startsWith('> ', pos)) return undefined;
  const lines: string[] = [];
  let next = pos;
  while (next < end && src.startsWith('> ', next)) {
    const stop = lineEnd(src, next, end);
    lines.push(src.slice(next + 2, stop));
    next = Math.min(stop + 1, end);
  }
  return quoteOf(lines.join('\n'), next, scope);
}

// The quoted lines are not contiguous in the source (each lost its `> `), so the body is parsed
// as a string of its own.
function quoteOf(body: string, next: number, scope: Scope): Match {
  const inner: Scope = { depth: scope.depth + 1, links: scope.links, lineRule: QUOTED };
  return { node: { type: 'quote', children: parseRange(body, 0, body.length, inner) }, next };
}

function heading(src: string, pos: number, end: number, scope: Scope): Match | undefined {
  let level = 0;
  while (level < 4 && src[pos + level] === '#') level += 1;
  if (level < 1 || level > 3 || src[pos + level] !== ' ') return undefined;
  const size = level as 1 | 2 | 3;
  const make = (children: MdNode[]): MdNode => ({ type: 'heading', level: size, children });
  return lineBlock(src, pos + level + 1, end, scope, make);
}

function subtext(src: string, pos: number, end: number, scope: Scope): Match | undefined {
  if (!src.startsWith('-# ', pos)) return undefined;
  return lineBlock(src, pos + 3, end, scope, (children) => ({ type: 'subtext', children }));
}

/** A block whose text runs to the end of the line; an empty one (`# ` alone) stays literal. */
function lineBlock(
  src: string,
  from: number,
  end: number,
  scope: Scope,
  make: (children: MdNode[]) => MdNode,
): Match | undefined {
  const stop = lineEnd(src, from, end);
  if (scope.depth >= MAX_DEPTH || !src.slice(from, stop).trim()) return undefined;
  return { node: make(parseRange(src, from, stop, inlineIn(scope))), next: Math.min(stop + 1, end) };
}

/** Consecutive `- ` / `* ` lines form one list, one item per line. */
function list(src: string, pos: number, end: number, scope: Scope): Match | undefined {
  if (scope.depth >= MAX_DEPTH) return undefined;
  const items: MdNode[][] = [];
  let next = pos;
  while (next < end && isListItem(src, next, end)) {
    const stop = lineEnd(src, next, end);
    items.push(parseRange(src, next + 2, stop, inlineIn(scope)));
    next = Math.min(stop + 1, end);
  }
  return items.length ? { node: { type: 'list', items }, next } : undefined;
}

function isListItem(src: string, pos: number, end: number): boolean {
  const bullet = src.startsWith('- ', pos) || src.startsWith('* ', pos);
  return bullet && src.slice(pos + 2, lineEnd(src, pos, end)).trim() !== '';
}

function lineEnd(src: string, pos: number, end: number): number {
  const at = src.indexOf('\n', pos);
  return at === -1 || at > end ? end : at;
}
