// Syntax tree -> React elements. Author text reaches the DOM only as React text children or as
// attributes React escapes. Links pass `safeHref` again here, so a hand-built tree is safe too.

import { type CSSProperties, type KeyboardEvent, type ReactNode, createElement } from 'react';
import type { MdNode } from './ast';
import { type MentionTarget, type Resolver, mentionLabel } from './labels';
import { Spoiler } from './Spoiler';
import { formatTimestamp } from './timestamp';
import { safeHref, safeImageSrc } from './url';

export interface RenderContext {
  resolve?: Resolver;
  onMention?(target: MentionTarget): void;
  /** One clock reading per message, so every relative timestamp in it agrees. */
  now: number;
}

export function renderNodes(nodes: MdNode[], ctx: RenderContext): ReactNode[] {
  return nodes.map((node, i) => renderNode(node, ctx, i));
}

function renderNode(node: MdNode, ctx: RenderContext, key: number): ReactNode {
  const children = (nodes: MdNode[]) => renderNodes(nodes, ctx);
  switch (node.type) {
    case 'text':
      return node.text;
    case 'br':
      return <br key={key} />;
    case 'bold':
      return <strong key={key} className="md-bold">{children(node.children)}</strong>;
    case 'italic':
      return <em key={key} className="md-italic">{children(node.children)}</em>;
    case 'underline':
      return <u key={key} className="md-underline">{children(node.children)}</u>;
    case 'strike':
      return <s key={key} className="md-strike">{children(node.children)}</s>;
    case 'spoiler':
      return <Spoiler key={key}>{children(node.children)}</Spoiler>;
    case 'code':
      return <code key={key} className="md-code">{node.text}</code>;
    case 'codeBlock':
      return (
        <pre key={key} className="md-codeblock">
          <code className={langClass(node.lang)}>{node.text}</code>
        </pre>
      );
    case 'quote':
      return <blockquote key={key} className="md-quote">{children(node.children)}</blockquote>;
    case 'heading': {
      const className = `md-heading md-h${node.level}`;
      return createElement(`h${node.level}`, { key, className }, children(node.children));
    }
    case 'subtext':
      return <div key={key} className="md-subtext">{children(node.children)}</div>;
    case 'list':
      return (
        <ul key={key} className="md-list">
          {node.items.map((item, i) => <li key={i}>{children(item)}</li>)}
        </ul>
      );
    case 'link':
      return link(node.url, children(node.children), key, node.url);
    case 'url':
      return link(node.url, node.url, key);
    case 'mention':
      return mention({ kind: node.kind, id: node.id }, ctx, key);
    case 'broadcast':
      return <span key={key} className="md-mention md-mention-broadcast">@{node.target}</span>;
    case 'emoji':
      return emoji(node.name, node.id, node.animated, ctx, key);
    case 'timestamp': {
      const { text, title, iso } = formatTimestamp(node.seconds, node.style, { now: ctx.now });
      return <time key={key} className="md-timestamp" dateTime={iso} title={title}>{text}</time>;
    }
  }
}

/** Only `[a-z0-9+#-]` reaches the class attribute: the tag is author text. */
function langClass(lang: string): string | undefined {
  const safe = lang.toLowerCase().replace(/[^a-z0-9+#-]/g, '');
  return safe ? `lang-${safe}` : undefined;
}

// `title` on masked links shows where `[your bank](https://evil.example)` really goes.
function link(url: string, content: ReactNode, key: number, title?: string): ReactNode {
  const href = safeHref(url);
  if (!href) return <span key={key}>{content}</span>;
  return (
    <a
      key={key}
      className="md-link"
      href={href}
      title={title}
      target="_blank"
      rel="noopener noreferrer nofollow"
    >
      {content}
    </a>
  );
}

function mention(target: MentionTarget, ctx: RenderContext, key: number): ReactNode {
  const className = `md-mention md-mention-${target.kind}`;
  const label = mentionLabel(target.kind, target.id, ctx.resolve);
  const style = target.kind === 'role' ? roleColor(ctx.resolve?.role(target.id)?.color) : undefined;
  const { onMention } = ctx;
  if (!onMention) return <span key={key} className={className} style={style}>{label}</span>;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    onMention(target);
  };
  return (
    <span
      key={key}
      className={className}
      style={style}
      role="button"
      tabIndex={0}
      onClick={() => onMention(target)}
      onKeyDown={onKeyDown}
    >
      {label}
    </span>
  );
}

// Role colours are data, not design: they reach CSS as a custom property for the stylesheet to use.
function roleColor(color: number | undefined): CSSProperties | undefined {
  if (!color || !Number.isInteger(color) || color < 0 || color > 0xffffff) return undefined;
  return { '--md-role-color': `#${color.toString(16).padStart(6, '0')}` } as CSSProperties;
}

function emoji(name: string, id: string, animated: boolean, ctx: RenderContext, key: number): ReactNode {
  const raw = ctx.resolve?.emojiUrl?.(id, animated);
  const src = raw === undefined ? undefined : safeImageSrc(raw);
  const text = `:${name}:`;
  if (!src) return text;
  return <img key={key} className="md-emoji" src={src} alt={text} title={text} draggable={false} />;
}
