/*
 * Discord-flavoured message markdown rendered as React elements, never as an HTML string.
 *
 * Class names for the app's stylesheet:
 *   md                    root <div>; needs `white-space: pre-wrap` (spaces in messages matter)
 *   md-bold md-italic md-underline md-strike      <strong> <em> <u> <s>
 *   md-code               inline <code>
 *   md-codeblock          <pre>; its <code> has `lang-<tag>` when the block names a language
 *   md-quote              <blockquote>
 *   md-heading md-h1 md-h2 md-h3                  <h1>..<h3>
 *   md-subtext            `-# ` line, a <div>
 *   md-list               <ul> of <li>
 *   md-link               <a> (http, https, mailto only; opens in a new tab)
 *   md-spoiler            hidden spoiler, role=button; md-spoiler-content wraps what it hides
 *   md-spoiler-revealed   added once clicked or activated from the keyboard
 *   md-mention            every mention pill, plus one of md-mention-user, md-mention-role,
 *                         md-mention-channel, md-mention-broadcast (@everyone / @here);
 *                         role pills carry their colour as the custom property --md-role-color
 *   md-emoji              custom emoji <img>
 *   md-timestamp          <time>, full date in its title
 */

import { useMemo } from 'react';
import type { MentionTarget, Resolver } from './labels';
import { parse } from './parse';
import { renderNodes } from './render';

export type { MentionTarget, Resolver } from './labels';
export { plainText } from './plainText';

export interface MarkdownProps {
  content: string;
  resolve?: Resolver;
  /** Makes mention pills buttons; called with what was clicked. */
  onMention?(target: MentionTarget): void;
}

export function Markdown({ content, resolve, onMention }: MarkdownProps) {
  const nodes = useMemo(() => parse(content), [content]);
  return <div className="md">{renderNodes(nodes, { resolve, onMention, now: Date.now() })}</div>;
}
