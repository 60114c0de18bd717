import { describe, expect, it } from 'vitest';
import type { Channel, Guild, Member } from '../api/types';
import { ALL, P, channelPermissions, guildPermissions } from './permissions';

const guild: Guild = {
  id: '1',
  name: 'G',
  icon: null,
  owner_id: '9',
  roles: [
    { id: '1', name: '@everyone', color: 0, hoist: false, position: 0, permissions: String(P.VIEW_CHANNEL | P.SEND_MESSAGES), mentionable: false },
    { id: '2', name: 'mod', color: 0, hoist: false, position: 1, permissions: String(P.MANAGE_MESSAGES), mentionable: false },
    { id: '3', name: 'admin', color: 0, hoist: false, position: 2, permissions: String(P.ADMINISTRATOR), mentionable: false },
  ],
};
const member = (roles: string[]): Member => ({ roles, joined_at: '' });

describe('permissions', () => {
  it('adds role permissions to @everyone, and gives owners and administrators all', () => {
    expect(guildPermissions(guild, member(['2']), '5')).toBe(P.VIEW_CHANNEL | P.SEND_MESSAGES | P.MANAGE_MESSAGES);
    expect(guildPermissions(guild, member([]), '9')).toBe(ALL);
    expect(guildPermissions(guild, member(['3']), '5')).toBe(ALL);
  });

  it('applies @everyone, role and member overwrites in order', () => {
    const channel: Channel = {
      id: '20',
      type: 0,
      permission_overwrites: [
        { id: '1', type: 0, allow: '0', deny: String(P.SEND_MESSAGES) },
        { id: '2', type: 0, allow: String(P.SEND_MESSAGES), deny: '0' },
        { id: '5', type: 1, allow: '0', deny: String(P.MANAGE_MESSAGES) },
      ],
    };
    expect(channelPermissions(guild, member([]), '4', channel) & P.SEND_MESSAGES).toBe(0n);
    const mod = channelPermissions(guild, member(['2']), '5', channel);
    expect(mod & P.SEND_MESSAGES).toBe(P.SEND_MESSAGES);
    expect(mod & P.MANAGE_MESSAGES).toBe(0n);
  });

  it('sees nothing in a channel it cannot view', () => {
    const hidden: Channel = { id: '21', type: 0, permission_overwrites: [{ id: '1', type: 0, allow: '0', deny: String(P.VIEW_CHANNEL) }] };
    expect(channelPermissions(guild, member([]), '4', hidden)).toBe(0n);
    expect(channelPermissions(guild, member(['3']), '4', hidden)).toBe(ALL);
  });

  it('gives threads their parent overwrites', () => {
    const parent: Channel = { id: '21', type: 0, permission_overwrites: [{ id: '1', type: 0, allow: '0', deny: String(P.VIEW_CHANNEL) }] };
    const thread: Channel = { id: '22', type: 11, parent_id: '21' };
    expect(channelPermissions(guild, member([]), '4', thread, parent)).toBe(0n);
  });
});
