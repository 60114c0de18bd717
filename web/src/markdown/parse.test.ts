import { describe, expect, it } from 'vitest';
import type { MdNode } from './ast';
import { MAX_DEPTH } from './inline';
import { MAX_INPUT, parse } from './parse';

/** A compact, readable rendering of the tree: `b(…)` bold, `i(…)` italic, `⏎` line break, … */
function show(nodes: MdNode[]): string {
  return nodes.map(showNode).join('');
}

function showNode(node: MdNode): string {
  switch (node.type) {
    case 'text':
      return node.text;
    case 'br':
      return '⏎';
    case 'bold':
      return `b(${show(node.children)})`;
    case 'italic':
      return `i(${show(node.children)})`;
    case 'underline':
      return `u(${show(node.children)})`;
    case 'strike':
      return `s(${show(node.children)})`;
    case 'spoiler':
      return `spoiler(${show(node.children)})`;
    case 'code':
      return `code(${node.text})`;
    case 'codeBlock':
      return `block[${node.lang}](${node.text})`;
    case 'quote':
      return `quote(${show(node.children)})`;
    case 'heading':
      return `h${node.level}(${show(node.children)})`;
    case 'subtext':
      return `sub(${show(node.children)})`;
    case 'list':
      return `list(${node.items.map(show).join('|')})`;
    case 'link':
      return `link[${node.url}](${show(node.children)})`;
    case 'url':
      return `url${node.embed ? '' : '!embed'}[${node.url}]`;
    case 'mention':
      return `${node.kind}:${node.id}`;
    case 'broadcast':
      return `ping:${node.target}`;
    case 'emoji':
      return `emoji${node.animated ? '!a' : ''}:${node.name}:${node.id}`;
    case 'timestamp':
      return `time:${node.seconds}:${node.style}`;
  }
}

const md = (content: string) => show(parse(content));

function depthOf(nodes: MdNode[]): number {
  let deepest = 0;
  for (const node of nodes) {
    const inner = 'children' in node ? node.children : node.type === 'list' ? node.items.flat() : [];
    deepest = Math.max(deepest, 1 + depthOf(inner));
  }
  return deepest;
}

describe('inline formatting', () => {
  it.each([
    ['**bold**', 'b(bold)'],
    ['*italic*', 'i(italic)'],
    ['_italic_', 'i(italic)'],
    ['__underline__', 'u(underline)'],
    ['~~strike~~', 's(strike)'],
    ['||spoiler||', 'spoiler(spoiler)'],
    ['`code`', 'code(code)'],
    ['``has ` inside``', 'code(has ` inside)'],
    ['a **b** c', 'a b(b) c'],
  ])('%s', (input, expected) => {
    expect(md(input)).toBe(expected);
  });

  it('keeps markdown inside inline code literal', () => {
    expect(md('`**not bold** <@1>`')).toBe('code(**not bold** <@1>)');
  });

  it.each([
    ['***both***', 'b(i(both))'],
    ['___both___', 'u(i(both))'],
    ['**a *b* c**', 'b(a i(b) c)'],
    ['*a **b** c*', 'i(a b(b) c)'],
    ['||**x** ~~y~~||', 'spoiler(b(x) s(y))'],
    ['~~__x__~~', 's(u(x))'],
    ['**a `x` b**', 'b(a code(x) b)'],
  ])('nests %s', (input, expected) => {
    expect(md(input)).toBe(expected);
  });

  it('leaves underscores inside words alone', () => {
    expect(md('snake_case_name and _this_')).toBe('snake_case_name and i(this)');
  });

  it('does not treat a spaced asterisk as emphasis', () => {
    expect(md('2 * 3 * 4')).toBe('2 * 3 * 4');
  });

  const unterminated = ['**bold', '*it', '_it', '__under', '~~strike', '||spoiler', '`code', '``code`', '```code'];
  it.each([...unterminated, 'a ** b', '~a~'])('renders the unterminated %s literally', (input) => {
    expect(md(input)).toBe(input);
  });

  it('lets formatting span lines', () => {
    expect(md('**a\nb**')).toBe('b(a⏎b)');
  });
});

describe('code blocks', () => {
  it('keeps the language and the body verbatim', () => {
    expect(md('```rust\nfn main() { *x* }\n```')).toBe('block[rust](fn main() { *x* })');
  });

  it('has no language without a newline after the tag', () => {
    expect(md('```just code```')).toBe('block[](just code)');
  });

  it('treats a lone tag as the body', () => {
    expect(md('```js\n```')).toBe('block[](js)');
  });

  it('ends the line it closes', () => {
    expect(md('before ```x``` \n```y```\nafter')).toBe('before block[](x) ⏎block[](y)after');
  });

  it('is literal when empty', () => {
    expect(md('``````')).toBe('``````');
  });
});

describe('lines and blocks', () => {
  it('turns newlines into breaks and normalises CRLF', () => {
    expect(md('a\nb\r\nc')).toBe('a⏎b⏎c');
  });

  it.each([
    ['# Title', 'h1(Title)'],
    ['## Title', 'h2(Title)'],
    ['### *Title*', 'h3(i(Title))'],
    ['#### Title', '#### Title'],
    ['#Title', '#Title'],
    ['# ', '# '],
    ['-# small print', 'sub(small print)'],
    ['text # not heading', 'text # not heading'],
    ['# a\nb', 'h1(a)b'],
  ])('%s', (input, expected) => {
    expect(md(input)).toBe(expected);
  });

  it('groups consecutive list lines into one list', () => {
    expect(md('- one\n* **two**\n- three\nafter')).toBe('list(one|b(two)|three)after');
  });

  it('needs text after the bullet', () => {
    expect(md('- \n-x')).toBe('- ⏎-x');
  });

  it('groups consecutive quote lines', () => {
    expect(md('> a\n> **b**\nc')).toBe('quote(a⏎b(b))c');
  });

  it('quotes the rest of the message with >>>', () => {
    expect(md('x\n>>> a\n# b\nc')).toBe('x⏎quote(a⏎h1(b)c)');
  });

  it('does not nest quotes', () => {
    expect(md('> > inner')).toBe('quote(> inner)');
    expect(md('>>> > inner')).toBe('quote(> inner)');
  });

  it('needs a space after >', () => {
    expect(md('>no\n3 > 2')).toBe('>no⏎3 > 2');
  });

  it('applies block rules only at the start of a line', () => {
    expect(md('**# x**')).toBe('b(# x)');
  });
});

describe('links', () => {
  it('parses masked links with formatted text', () => {
    expect(md('[**docs**](https://example.com/a)')).toBe('link[https://example.com/a](b(docs))');
  });

  it('keeps balanced parentheses in the URL', () => {
    expect(md('[w](https://en.wikipedia.org/wiki/Rust_(language))!')).toBe(
      'link[https://en.wikipedia.org/wiki/Rust_(language)](w)!',
    );
  });

  it('accepts <url> as the target', () => {
    expect(md('[x](<https://a.example/>)')).toBe('link[https://a.example/](x)');
  });

  it('does not nest links inside link text', () => {
    expect(md('[https://a.example](https://b.example)')).toBe('link[https://b.example](https://a.example)');
  });

  it.each([
    '[x](javascript:alert(1))',
    '[x](data:text/html,hi)',
    '[x](/relative)',
    '[x](//evil.example)',
    '[x](https://a.example with space)',
    '[](https://a.example)',
    '[x] (https://a.example)',
  ])('leaves %s as text', (input) => {
    expect(parse(input).some((n) => n.type === 'link')).toBe(false);
  });

  it('autolinks bare http(s) URLs and drops trailing punctuation', () => {
    expect(md('see https://a.example/x?y=1, then (http://b.example/p).')).toBe(
      'see url[https://a.example/x?y=1], then (url[http://b.example/p]).',
    );
  });

  it('keeps underscores and stars inside URLs', () => {
    expect(md('https://a.example/snake_case_*x*')).toBe('url[https://a.example/snake_case_*x*]');
  });

  it('does not autolink other schemes or mid-word', () => {
    expect(md('ftp://a.example xhttps://a.example javascript:alert(1)')).toBe(
      'ftp://a.example xhttps://a.example javascript:alert(1)',
    );
  });

  it('marks <url> as not embedded', () => {
    expect(md('<https://a.example/>')).toBe('url!embed[https://a.example/]');
  });
});

describe('mentions, emoji and timestamps', () => {
  it.each([
    ['<@123>', 'user:123'],
    ['<@!123>', 'user:123'],
    ['<@&456>', 'role:456'],
    ['<#789>', 'channel:789'],
    ['<:blob:42>', 'emoji:blob:42'],
    ['<a:dance:43>', 'emoji!a:dance:43'],
    ['<t:1700000000>', 'time:1700000000:f'],
    ['<t:1700000000:R>', 'time:1700000000:R'],
    ['<t:-60:d>', 'time:-60:d'],
    ['@everyone and @here', 'ping:everyone and ping:here'],
  ])('%s', (input, expected) => {
    expect(md(input)).toBe(expected);
  });

  const malformed = ['<@abc>', '<@>', '<#1 >', '<t:1700000000:X>', '<t:99999999999999>', '<:no id:1>'];
  it.each([...malformed, 'ops@here.example'])('leaves %s as text', (input) => {
    expect(md(input)).toBe(input);
  });
});

describe('escapes', () => {
  it.each([
    ['\\*not italic\\*', '*not italic*'],
    ['\\<@123>', '<@123>'],
    ['\\\\', '\\'],
    ['\\# not heading', '# not heading'],
    ['\\a stays', '\\a stays'],
    ['**a \\** b**', 'b(a ** b)'],
    ['\\[x](https://a.example)', '[x](url[https://a.example])'],
  ])('%s', (input, expected) => {
    expect(md(input)).toBe(expected);
  });
});

describe('bounded work', () => {
  it('caps nesting depth and shows deeper markers literally', () => {
    const input = '||'.repeat(40) + 'x' + '||'.repeat(40);
    const nodes = parse(input);
    expect(depthOf(nodes)).toBeLessThanOrEqual(MAX_DEPTH);
    expect(md(input)).toContain('x');
  });

  it('parses only the first MAX_INPUT characters, keeping the rest as text', () => {
    const input = 'a'.repeat(MAX_INPUT - 2) + '**bold**';
    const nodes = parse(input);
    expect(nodes).toEqual([{ type: 'text', text: input }]);
  });

  it.each([
    ['*_~|', 1000],
    ['*', 50_000],
    ['[a](', 1000],
    ['<https://', 500],
    ['`', 4000],
    ['> ', 2000],
    ['\\', 4001],
    ['**__~~||', 500],
    ['https://a.example/(', 200],
  ])('survives %j repeated %i times', (unit, times) => {
    const input = unit.repeat(times);
    expect(() => parse(input)).not.toThrow();
  });

  it('handles random marker noise', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const alphabet = '*_~|`>#-[]()<@:\\\n ah';
    const input = Array.from({ length: 4000 }, () => alphabet[next() % alphabet.length]).join('');
    expect(() => parse(input)).not.toThrow();
  });
});
