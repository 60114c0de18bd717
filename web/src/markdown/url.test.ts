import { describe, expect, it } from 'vitest';
import { safeHref, safeImageSrc } from './url';

describe('safeHref', () => {
  it.each([
    ['https://a.example/x?y=1#z', 'https://a.example/x?y=1#z'],
    ['HTTP://A.example', 'http://a.example/'],
    ['mailto:someone@example.com', 'mailto:someone@example.com'],
    ['https://en.wikipedia.org/wiki/Rust_(language)', 'https://en.wikipedia.org/wiki/Rust_(language)'],
  ])('allows %s', (raw, href) => {
    expect(safeHref(raw)).toBe(href);
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0001javascript:alert(1)',
    ' javascript:alert(1)',
    '\u200bjavascript:alert(1)',
    '&#106;avascript:alert(1)',
    'javascript&colon;alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:text/html;base64,PHNjcmlwdD4=',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://a.example',
    '//evil.example',
    '/relative',
    'relative/path',
    'https:evil.example',
    'https://',
    'https://a.example/\u202etxt.exe',
    'https://a.example/" onmouseover="alert(1)',
    'https://a.example"onmouseover="x',
    'https://' + 'a'.repeat(3000) + '.example',
    'mailto:\u0000x@y.z',
  ])('refuses %j', (raw) => {
    expect(safeHref(raw)).toBeUndefined();
  });
});

describe('safeImageSrc', () => {
  it.each([
    ['/emojis/1.webp', '/emojis/1.webp'],
    ['https://cdn.example/e/1.png', 'https://cdn.example/e/1.png'],
  ])('allows %s', (raw, src) => {
    expect(safeImageSrc(raw)).toBe(src);
  });

  const hostile = ['javascript:alert(1)', 'data:image/svg+xml,<svg onload=alert(1)>', '//evil.example/x.png'];
  it.each([...hostile, '/\\evil.example'])('refuses %j', (raw) => {
    expect(safeImageSrc(raw)).toBeUndefined();
  });
});
