import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Markdown, type MarkdownProps, plainText, type Resolver } from './Markdown';

const html = (content: string, props: Partial<MarkdownProps> = {}) =>
  renderToStaticMarkup(<Markdown content={content} {...props} />);

// Test-only: parse the rendered string back into a document to inspect it structurally.
const dom = (markup: string) => new DOMParser().parseFromString(markup, 'text/html').body;

const resolver: Resolver = {
  user: (id) => ({ '1': 'alice' })[id],
  role: (id) => ({ '2': { name: 'mods', color: 0xff0000 }, '3': { name: 'plain', color: 0 } })[id],
  channel: (id) => ({ '4': 'general' })[id],
  emojiUrl: (id, animated) => `/emojis/${id}.${animated ? 'gif' : 'webp'}`,
};

const ALLOWED_TAGS = new Set(
  'div span br strong em u s code pre blockquote h1 h2 h3 ul li a time img'.split(' '),
);

/** Everything an XSS payload could use to run: asserted on the markup and on the parsed DOM. */
function expectInert(markup: string, allowImages = false): void {
  expect(markup).not.toMatch(/<(script|iframe|object|embed|svg|style|form|math|base|meta|link)\b/i);
  // Inside a tag only: escaped text such as `&lt;img onerror=…&gt;` is fine, it is just words.
  expect(markup).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
  expect(markup).not.toMatch(/(href|src)\s*=\s*"\s*(javascript|data|vbscript):/i);
  if (!allowImages) expect(markup).not.toMatch(/<img/i);
  for (const el of dom(markup).querySelectorAll('*')) {
    expect(ALLOWED_TAGS.has(el.tagName.toLowerCase())).toBe(true);
    for (const attr of el.getAttributeNames()) expect(attr.startsWith('on')).toBe(false);
    const href = el.getAttribute('href');
    if (href !== null) expect(['http:', 'https:', 'mailto:']).toContain(new URL(href).protocol);
  }
}

describe('XSS: rendered output is inert', () => {
  it.each([
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x](java\tscript:alert(1))',
    '[x](java\nscript:alert(1))',
    '[x](\u0001javascript:alert(1))',
    '[x]( javascript:alert(1))',
    '[x](&#106;avascript:alert(1))',
    '[x](javascript&colon;alert(1))',
    '[x](data:text/html,<script>alert(1)</script>)',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x](vbscript:msgbox(1))',
    '[x](//evil.example/x)',
    '[x](https://ok.example" onmouseover="alert(1))',
    '[x](https://ok.example"onmouseover="alert(1))',
    '[<img src=x onerror=alert(1)>](https://ok.example)',
    '<javascript:alert(1)>',
    'javascript:alert(1)',
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    '<svg onload=alert(1)>',
    '<style>body{display:none}</style>',
    '<https://ok.example/"><script>alert(1)</script>>',
    'https://ok.example/<script>alert(1)</script>',
    '```"><script>alert(1)</script>\nx```',
    '```js" onclick="alert(1)\nx```',
    '||<img src=x onerror=alert(1)>||',
    '**<img src=x onerror=alert(1)>**',
    '> <img src=x onerror=alert(1)>',
    '# <script>alert(1)</script>',
    '`<script>alert(1)</script>`',
    '<:x" onerror="alert(1):1>',
    '<t:1" onmouseover="alert(1)>',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
  ])('%j', (content) => {
    expectInert(html(content, { resolve: resolver }));
  });

  it.each(['<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '<b onmouseover=alert(1)>hi</b>'])(
    'shows raw HTML %j as text',
    (content) => {
      const body = dom(html(content));
      expect(body.textContent).toBe(content);
      expect(body.querySelectorAll('img, script, b')).toHaveLength(0);
    },
  );

  it('shows a refused link as its text, not as a link', () => {
    const body = dom(html('[click me](javascript:alert(1))'));
    expect(body.querySelector('a')).toBeNull();
    expect(body.textContent).toContain('click me');
  });

  it('renders names from the resolver as text', () => {
    const payload = '<img src=x onerror=alert(1)>';
    const hostile: Resolver = {
      user: () => payload,
      role: () => ({ name: payload, color: 1 }),
      channel: () => payload,
    };
    const markup = html('<@1> <@&2> <#3>', { resolve: hostile });
    expectInert(markup);
    expect(dom(markup).textContent).toBe(`@${payload} @${payload} #${payload}`);
  });

  it.each(['javascript:alert(1)', 'data:image/svg+xml,<svg onload=alert(1)>', '//evil.example/e.png'])(
    'refuses the emoji URL %j',
    (url) => {
      const markup = html('<:blob:9>', { resolve: { ...resolver, emojiUrl: () => url } });
      expectInert(markup);
      expect(dom(markup).textContent).toBe(':blob:');
    },
  );
});

describe('links', () => {
  it.each([
    ['[docs](https://a.example/x)', 'https://a.example/x', 'docs'],
    ['[site](http://a.example)', 'http://a.example/', 'site'],
    ['[mail me](mailto:someone@example.com)', 'mailto:someone@example.com', 'mail me'],
    ['go to https://a.example/p.', 'https://a.example/p', 'https://a.example/p'],
    ['<https://a.example/quiet>', 'https://a.example/quiet', 'https://a.example/quiet'],
  ])('%s becomes a safe anchor', (content, href, text) => {
    const a = dom(html(content)).querySelector('a');
    expect(a?.getAttribute('href')).toBe(href);
    expect(a?.textContent).toBe(text);
    expect(a?.getAttribute('target')).toBe('_blank');
    expect(a?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(a?.className).toBe('md-link');
  });

  it('shows where a masked link goes in its title', () => {
    expect(dom(html('[bank](https://evil.example)')).querySelector('a')?.title).toBe('https://evil.example');
  });
});

describe('constructs', () => {
  it.each([
    ['**b**', '<strong class="md-bold">b</strong>'],
    ['*i*', '<em class="md-italic">i</em>'],
    ['__u__', '<u class="md-underline">u</u>'],
    ['~~s~~', '<s class="md-strike">s</s>'],
    ['`c`', '<code class="md-code">c</code>'],
    ['a\nb', 'a<br/>b'],
    ['```rust\nfn x() {}\n```', '<pre class="md-codeblock"><code class="lang-rust">fn x() {}</code></pre>'],
    ['```\nplain\n```', '<pre class="md-codeblock"><code>plain</code></pre>'],
    ['> q', '<blockquote class="md-quote">q</blockquote>'],
    ['# h', '<h1 class="md-heading md-h1">h</h1>'],
    ['### h', '<h3 class="md-heading md-h3">h</h3>'],
    ['-# small', '<div class="md-subtext">small</div>'],
    ['- a\n- b', '<ul class="md-list"><li>a</li><li>b</li></ul>'],
    ['@everyone', '<span class="md-mention md-mention-broadcast">@everyone</span>'],
  ])('%j', (content, inner) => {
    expect(html(content)).toBe(`<div class="md">${inner}</div>`);
  });

  it.each([
    ['```C++\nx```', 'lang-c++'],
    ['```c#\nx```', 'lang-c#'],
    ['```we.ird_x\nx```', 'lang-weirdx'],
  ])('keeps only safe characters of the language in %j', (content, className) => {
    expect(dom(html(content)).querySelector('code')?.className).toBe(className);
  });

  it('renders a hidden spoiler as a labelled button', () => {
    const spoiler = dom(html('||secret||')).querySelector('.md-spoiler');
    expect(spoiler?.getAttribute('role')).toBe('button');
    expect(spoiler?.getAttribute('tabindex')).toBe('0');
    expect(spoiler?.getAttribute('aria-label')).toBe('Spoiler');
    expect(spoiler?.querySelector('.md-spoiler-content')?.hasAttribute('inert')).toBe(true);
  });

  it('resolves mentions to names, with fallbacks for unknown ids', () => {
    const body = dom(html('<@1> <@!1> <@&2> <#4> <@9> <@&9> <#9>', { resolve: resolver }));
    const pills = [...body.querySelectorAll('.md-mention')].map((el) => `${el.className}=${el.textContent}`);
    expect(pills).toEqual([
      'md-mention md-mention-user=@alice',
      'md-mention md-mention-user=@alice',
      'md-mention md-mention-role=@mods',
      'md-mention md-mention-channel=#general',
      'md-mention md-mention-user=@unknown-user',
      'md-mention md-mention-role=@unknown-role',
      'md-mention md-mention-channel=#unknown-channel',
    ]);
  });

  it('renders unknown mentions without a resolver', () => {
    expect(dom(html('<@1> <#4>')).textContent).toBe('@unknown-user #unknown-channel');
  });

  it('passes a role colour as a custom property, and none for colour 0', () => {
    const body = dom(html('<@&2> <@&3>', { resolve: resolver }));
    const [coloured, plain] = body.querySelectorAll<HTMLElement>('.md-mention-role');
    expect(coloured.getAttribute('style')).toBe('--md-role-color:#ff0000');
    expect(plain.getAttribute('style')).toBeNull();
  });

  it('renders custom emoji as images only when the app gives a URL', () => {
    const img = dom(html('<a:dance:43>', { resolve: resolver })).querySelector('img');
    expect(img?.getAttribute('src')).toBe('/emojis/43.gif');
    expect(img?.getAttribute('alt')).toBe(':dance:');
    expect(img?.className).toBe('md-emoji');
    const { emojiUrl: _, ...withoutEmoji } = resolver;
    expect(html('<:blob:42>', { resolve: withoutEmoji })).toBe('<div class="md">:blob:</div>');
  });

  it('renders timestamps as <time> with the full date as title', () => {
    const time = dom(html('<t:1700000000:D>')).querySelector('time');
    expect(time?.className).toBe('md-timestamp');
    expect(time?.getAttribute('datetime')).toBe('2023-11-14T22:13:20.000Z');
    expect(time?.title).toMatch(/2023/);
    expect(time?.textContent).toMatch(/2023/);
  });
});

describe('interaction', () => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  let container: HTMLDivElement;
  let unmount = () => {};

  function mount(props: MarkdownProps): HTMLDivElement {
    container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    act(() => root.render(<Markdown {...props} />));
    unmount = () => act(() => root.unmount());
    return container;
  }

  afterEach(() => {
    unmount();
    container.remove();
  });

  const press = (el: Element, key: string) =>
    act(() => el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true })));

  it('reveals a spoiler on click', () => {
    const spoiler = mount({ content: '||secret||' }).querySelector('.md-spoiler')!;
    act(() => (spoiler as HTMLElement).click());
    const revealed = container.querySelector('.md-spoiler')!;
    expect(revealed.className).toBe('md-spoiler md-spoiler-revealed');
    expect(revealed.getAttribute('role')).toBeNull();
    expect(revealed.textContent).toBe('secret');
  });

  it.each(['Enter', ' '])('reveals a spoiler on %j', (key) => {
    press(mount({ content: '||secret||' }).querySelector('.md-spoiler')!, key);
    expect(container.querySelector('.md-spoiler-revealed')).not.toBeNull();
  });

  it('ignores other keys on a spoiler', () => {
    press(mount({ content: '||secret||' }).querySelector('.md-spoiler')!, 'a');
    expect(container.querySelector('.md-spoiler-revealed')).toBeNull();
  });

  it('reports clicked and activated mentions', () => {
    const onMention = vi.fn();
    const rendered = mount({ content: '<@1> <#4>', resolve: resolver, onMention });
    const [user, channel] = rendered.querySelectorAll('.md-mention');
    act(() => (user as HTMLElement).click());
    press(channel, 'Enter');
    expect(onMention.mock.calls).toEqual([[{ kind: 'user', id: '1' }], [{ kind: 'channel', id: '4' }]]);
    expect(user.getAttribute('role')).toBe('button');
  });

  it('leaves mentions inert without onMention', () => {
    const pill = mount({ content: '<@1>' }).querySelector('.md-mention')!;
    expect(pill.getAttribute('role')).toBeNull();
    expect(pill.getAttribute('tabindex')).toBeNull();
  });
});

describe('plainText', () => {
  it('strips formatting and keeps the words', () => {
    expect(plainText('**bold** *it* __u__ ~~s~~ `code` [link](https://a.example) https://b.example')).toBe(
      'bold it u s code link https://b.example',
    );
  });

  it('hides spoilers', () => {
    expect(plainText('the butler ||did it||')).toBe('the butler [spoiler]');
  });

  it('names mentions and emoji', () => {
    expect(plainText('hi <@1> in <#4>, <@&2> <:blob:1> @here', resolver)).toBe(
      'hi @alice in #general, @mods :blob: @here',
    );
    expect(plainText('<@1>')).toBe('@unknown-user');
  });

  it('keeps block structure as lines', () => {
    const content = '# Title\n- a\n- b\n> quoted\n```js\ncode\n```\nend';
    expect(plainText(content)).toBe('Title\n• a\n• b\nquoted\ncode\nend');
  });
});

describe('bounded work', () => {
  it('renders 4000 characters of marker noise', () => {
    const noise = Array.from({ length: 4000 }, (_, i) => '*_~|'[(i * 7 + (i >> 3)) % 4]).join('');
    expect(() => html(noise)).not.toThrow();
    expect(() => html('*'.repeat(50_000))).not.toThrow();
    expect(() => html('||**'.repeat(1000))).not.toThrow();
  });
});
