// Markdown -> plain text, for places that cannot show formatting: notifications, reply previews,
// the document title. Spoilers are replaced, not revealed: a notification must not give them away.

import { isBlock, type MdNode } from './ast';
import { type Resolver, mentionLabel } from './labels';
import { parse } from './parse';
import { formatTimestamp } from './timestamp';

export const SPOILER_PLACEHOLDER = '[spoiler]';

export function plainText(content: string, resolve?: Resolver): string {
  return flatten(parse(content), resolve);
}

function flatten(nodes: MdNode[], resolve: Resolver | undefined): string {
  let out = '';
  nodes.forEach((node, i) => {
    out += nodeText(node, resolve);
    if (isBlock(node) && i < nodes.length - 1) out += '\n';
  });
  return out;
}

function nodeText(node: MdNode, resolve: Resolver | undefined): string {
  switch (node.type) {
    case 'text':
      return node.text;
    case 'br':
      return '\n';
    case 'bold':
    case 'italic':
    case 'underline':
    case 'strike':
    case 'link':
    case 'quote':
    case 'heading':
    case 'subtext':
      return flatten(node.children, resolve);
    case 'spoiler':
      return SPOILER_PLACEHOLDER;
    case 'code':
    case 'codeBlock':
      return node.text;
    case 'list':
      return node.items.map((item) => `• ${flatten(item, resolve)}`).join('\n');
    case 'url':
      return node.url;
    case 'mention':
      return mentionLabel(node.kind, node.id, resolve);
    case 'broadcast':
      return `@${node.target}`;
    case 'emoji':
      return `:${node.name}:`;
    case 'timestamp':
      return formatTimestamp(node.seconds, node.style).text;
  }
}
