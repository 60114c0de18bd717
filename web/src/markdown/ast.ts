// The message-markdown syntax tree: what `parse` produces and what `Markdown` and `plainText` consume.
// Nodes carry data only (ids, raw URLs, text); turning ids into names and URLs into links is the
// renderer's job, so the tree can be cached independently of who is in the guild.

export type MdNode = InlineNode | BlockNode;

/** Formatting that just wraps other nodes. */
export type StyleType = 'bold' | 'italic' | 'underline' | 'strike' | 'spoiler';

export type MentionKind = 'user' | 'role' | 'channel';

/** Discord's `<t:…:X>` styles: short/long time, short/long date, short/long date-time, relative. */
export type TimestampStyle = 't' | 'T' | 'd' | 'D' | 'f' | 'F' | 'R';

export type InlineNode =
  | { type: 'text'; text: string }
  | { type: 'br' }
  | { type: StyleType; children: MdNode[] }
  | { type: 'code'; text: string }
  /** `[text](url)`; `url` is the raw source text, already checked by `safeHref` once. */
  | { type: 'link'; url: string; children: MdNode[] }
  /** A bare URL, or `<url>` (`embed: false`: the author asked for no preview). */
  | { type: 'url'; url: string; embed: boolean }
  | { type: 'mention'; kind: MentionKind; id: string }
  | { type: 'broadcast'; target: 'everyone' | 'here' }
  | { type: 'emoji'; name: string; id: string; animated: boolean }
  | { type: 'timestamp'; seconds: number; style: TimestampStyle };

export type BlockNode =
  | { type: 'codeBlock'; lang: string; text: string }
  | { type: 'quote'; children: MdNode[] }
  | { type: 'heading'; level: 1 | 2 | 3; children: MdNode[] }
  | { type: 'subtext'; children: MdNode[] }
  | { type: 'list'; items: MdNode[][] };

/** Block nodes end a line: plain-text output puts a line break after them. */
export function isBlock(node: MdNode): node is BlockNode {
  return (
    node.type === 'codeBlock' ||
    node.type === 'quote' ||
    node.type === 'heading' ||
    node.type === 'subtext' ||
    node.type === 'list'
  );
}
