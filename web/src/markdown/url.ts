// The link allow-list: decides which author-supplied URLs may become an `href` or an image `src`.
// Everything here fails closed: a URL that needs any normalisation to look safe is refused, because
// browsers and the `URL` parser strip tabs, newlines and leading controls (`java\tscript:`).

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
const IMAGE_PROTOCOLS = new Set(['http:', 'https:']);

/** Longest URL we turn into a link; longer ones are not real links, just noise to parse. */
export const MAX_URL_LENGTH = 2048;

// Controls, format characters (zero-width, bidi overrides), any kind of space, and the characters
// RFC 3986 never allows unencoded, which only appear in URLs crafted to break out of an attribute.
const SUSPICIOUS = /[\p{Cc}\p{Cf}\p{Z}\s"<>]/u;
// The scheme must be spelled out literally at the start: no relative or `//host` URLs, and no
// entity-encoded schemes (`&#106;avascript:`) that something downstream might decode.
const ABSOLUTE = /^(?:https?:\/\/|mailto:)/i;

/** The normalised `href` for an author-supplied link, or undefined when it must stay plain text. */
export function safeHref(raw: string): string | undefined {
  if (raw.length > MAX_URL_LENGTH || SUSPICIOUS.test(raw) || !ABSOLUTE.test(raw)) return undefined;
  const url = parseUrl(raw);
  if (!url || !LINK_PROTOCOLS.has(url.protocol)) return undefined;
  if (url.protocol !== 'mailto:' && !url.hostname) return undefined;
  return url.href;
}

/**
 * An image `src` from the app (custom emoji): absolute http(s), or a path on our own origin.
 * The app builds these, but a bug there should still not produce a `javascript:` or `data:` source.
 */
export function safeImageSrc(raw: string): string | undefined {
  if (raw.length > MAX_URL_LENGTH || SUSPICIOUS.test(raw)) return undefined;
  if (raw.startsWith('/') && !raw.startsWith('//') && !raw.startsWith('/\\')) return raw;
  const url = parseUrl(raw);
  return url && IMAGE_PROTOCOLS.has(url.protocol) && /^https?:\/\//i.test(raw) ? url.href : undefined;
}

function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}
