// Message markdown: parse Discord-flavoured text, render it safely, or flatten it to plain text.

export type { MdNode, MentionKind, StyleType, TimestampStyle } from './ast';
export { Markdown, type MarkdownProps } from './Markdown';
export { type MentionTarget, type Resolver } from './labels';
export { MAX_INPUT, parse } from './parse';
export { SPOILER_PLACEHOLDER, plainText } from './plainText';
export { safeHref } from './url';
