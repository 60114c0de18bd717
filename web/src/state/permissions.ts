// Discord's permission arithmetic, as the server computes it, so the client shows only what
// the user may do (the server checks again on every request).

import type { Channel, Guild, Member, Snowflake } from '../api/types';

export const P = {
  CREATE_INSTANT_INVITE: 1n << 0n,
  KICK_MEMBERS: 1n << 1n,
  BAN_MEMBERS: 1n << 2n,
  ADMINISTRATOR: 1n << 3n,
  MANAGE_CHANNELS: 1n << 4n,
  MANAGE_GUILD: 1n << 5n,
  ADD_REACTIONS: 1n << 6n,
  VIEW_AUDIT_LOG: 1n << 7n,
  STREAM: 1n << 9n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  MANAGE_MESSAGES: 1n << 13n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  MENTION_EVERYONE: 1n << 17n,
  CONNECT: 1n << 20n,
  SPEAK: 1n << 21n,
  MUTE_MEMBERS: 1n << 22n,
  DEAFEN_MEMBERS: 1n << 23n,
  MOVE_MEMBERS: 1n << 24n,
  MANAGE_ROLES: 1n << 28n,
  REQUEST_TO_SPEAK: 1n << 32n,
  CREATE_PUBLIC_THREADS: 1n << 35n,
  SEND_MESSAGES_IN_THREADS: 1n << 38n,
  MODERATE_MEMBERS: 1n << 40n,
} as const;

export const ALL = (1n << 53n) - 1n;

export function guildPermissions(guild: Guild, member: Member | undefined, userId: Snowflake): bigint {
  if (guild.owner_id === userId) return ALL;
  const everyone = guild.roles.find((r) => r.id === guild.id);
  let permissions = BigInt(everyone?.permissions ?? '0');
  for (const role of guild.roles) {
    if (member?.roles.includes(role.id)) permissions |= BigInt(role.permissions);
  }
  return permissions & P.ADMINISTRATOR ? ALL : permissions;
}

export function channelPermissions(
  guild: Guild,
  member: Member | undefined,
  userId: Snowflake,
  channel: Channel,
  parent?: Channel,
): bigint {
  const base = guildPermissions(guild, member, userId);
  if (base === ALL) return ALL;
  // Threads take their parent's overwrites.
  const source = isThread(channel) && parent ? parent : channel;
  const overwrites = source.permission_overwrites ?? [];
  let permissions = base;
  const everyone = overwrites.find((o) => o.id === guild.id);
  if (everyone) permissions = (permissions & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== guild.id && member?.roles.includes(o.id)) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  permissions = (permissions & ~deny) | allow;
  const own = overwrites.find((o) => o.type === 1 && o.id === userId);
  if (own) permissions = (permissions & ~BigInt(own.deny)) | BigInt(own.allow);
  if (!(permissions & P.VIEW_CHANNEL)) return 0n;
  return permissions;
}

export function has(permissions: bigint, flag: bigint): boolean {
  return (permissions & flag) === flag;
}

export function isThread(channel: Channel): boolean {
  return channel.type === 10 || channel.type === 11 || channel.type === 12;
}

export function isVoice(channel: Channel): boolean {
  return channel.type === 2 || channel.type === 13;
}
