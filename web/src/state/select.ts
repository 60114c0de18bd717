// Derived views of the state that several screens share.

import type { Channel, Member, Role, Snowflake } from '../api/types';
import { displayName } from '../api/rest';
import type { State } from './state';
import { channelPermissions, isThread } from './permissions';

/** The guild's channels the user can see, in Discord's order: uncategorised first, then each
 * category with its channels; text-like before voice within a category. */
export function channelTree(state: State, guild: Snowflake): { category: Channel | null; channels: Channel[] }[] {
  const all = (state.guildChannels[guild] ?? []).map((id) => state.channels[id]).filter(Boolean);
  const visible = all.filter((c) => !isThread(c) && canView(state, c));
  const order = (a: Channel, b: Channel) =>
    voiceRank(a) - voiceRank(b) || (a.position ?? 0) - (b.position ?? 0) || (BigInt(a.id) < BigInt(b.id) ? -1 : 1);
  const categories = visible.filter((c) => c.type === 4).sort(order);
  const inside = (parent: Snowflake | null) =>
    visible.filter((c) => c.type !== 4 && (c.parent_id ?? null) === parent).sort(order);
  const groups: { category: Channel | null; channels: Channel[] }[] = [{ category: null, channels: inside(null) }];
  for (const category of categories) groups.push({ category, channels: inside(category.id) });
  return groups.filter((g) => g.category || g.channels.length);
}

function voiceRank(channel: Channel): number {
  return channel.type === 2 || channel.type === 13 ? 1 : 0;
}

export function permissionsIn(state: State, channel: Channel): bigint {
  const me = state.me?.id;
  if (!channel.guild_id) return (1n << 53n) - 1n;
  const guild = state.guilds[channel.guild_id];
  if (!guild || !me) return 0n;
  const member = state.members[channel.guild_id]?.[me];
  const parent = channel.parent_id ? state.channels[channel.parent_id] : undefined;
  return channelPermissions(guild, member, me, channel, parent);
}

export function canView(state: State, channel: Channel): boolean {
  return permissionsIn(state, channel) !== 0n;
}

/** Unread: a newer message than the last one read. Mentions counted by the server. */
export function unread(state: State, channel: Channel): { unread: boolean; mentions: number } {
  const read = state.readStates[channel.id];
  const last = channel.last_message_id;
  const isUnread = !!last && (!read?.last_message_id || BigInt(last) > BigInt(read.last_message_id));
  return { unread: isUnread, mentions: read?.mention_count ?? 0 };
}

export function memberName(state: State, guild: Snowflake | null | undefined, user: Snowflake): string {
  const member = guild ? state.members[guild]?.[user] : undefined;
  return member?.nick || displayName(state.users[user] ?? member?.user);
}

/** The colour of the member's highest coloured role, or 0. */
export function roleColor(state: State, guild: Snowflake | null | undefined, member?: Member): number {
  if (!guild || !member) return 0;
  const roles = rolesOf(state, guild, member).filter((r) => r.color);
  return roles[0]?.color ?? 0;
}

/** The member's roles, highest first. */
export function rolesOf(state: State, guild: Snowflake, member: Member): Role[] {
  const roles = state.guilds[guild]?.roles ?? [];
  return roles.filter((r) => member.roles.includes(r.id)).sort((a, b) => b.position - a.position);
}

export function colorCss(color: number): string | undefined {
  return color ? `#${color.toString(16).padStart(6, '0')}` : undefined;
}

/** A private channel's name: its own, or its other recipients'. */
export function privateName(state: State, channel: Channel): string {
  if (channel.name) return channel.name;
  const others = (channel.recipients ?? []).filter((u) => u.id !== state.me?.id);
  return others.map((u) => displayName(state.users[u.id] ?? u)).join(', ') || 'Empty group';
}

export function channelLabel(state: State, channel: Channel | undefined): string {
  if (!channel) return '';
  return channel.guild_id ? (channel.name ?? '') : privateName(state, channel);
}
