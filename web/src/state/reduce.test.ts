import { describe, expect, it } from 'vitest';
import type { Dispatch } from '../api/gateway';
import type { Message } from '../api/types';
import { addHistory, expireTyping, reduce, setMessages } from './reduce';
import { initialState, type State } from './state';
import { unread } from './select';

let seq = 0;
const ev = (t: string, d: unknown): Dispatch => ({ t, d, s: ++seq });
const user = (id: string, username = `u${id}`) => ({ id, username });

function message(id: string, over: Partial<Message> = {}): Message {
  return {
    id,
    channel_id: '20',
    guild_id: '10',
    author: user('2'),
    content: `message ${id}`,
    timestamp: '2026-11-27T00:00:00Z',
    edited_timestamp: null,
    type: 0,
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    attachments: [],
    embeds: [],
    pinned: false,
    ...over,
  };
}

function started(): State {
  let s = reduce(initialState, ev('READY', {
    v: 10,
    user: user('1', 'me'),
    session_id: 's',
    resume_gateway_url: 'ws://x',
    guilds: [{ id: '10', unavailable: true }],
    private_channels: [{ id: '30', type: 1, recipients: [user('3')] }],
    relationships: [],
    read_state: { entries: [{ id: '20', last_message_id: '100', mention_count: 0 }] },
  }));
  s = reduce(s, ev('GUILD_CREATE', {
    id: '10', name: 'G', icon: null, owner_id: '2',
    roles: [{ id: '10', name: '@everyone', color: 0, hoist: false, position: 0, permissions: String(1 << 10 | 1 << 11), mentionable: false }],
    channels: [{ id: '20', type: 0, name: 'general', last_message_id: '100' }, { id: '21', type: 2, name: 'Voice' }],
    threads: [], members: [{ user: user('1', 'me'), roles: ['50'], joined_at: '' }], presences: [],
    voice_states: [{ channel_id: '21', user_id: '2', session_id: 'x', deaf: false, mute: false, self_deaf: false, self_mute: true, self_video: false, suppress: false }],
    member_count: 2, joined_at: '',
  }));
  return setMessages(s, '20', { list: [message('100')], complete: false, pending: [] });
}

describe('the state reducer', () => {
  it('builds guilds, channels, DMs, members and voice states from READY and GUILD_CREATE', () => {
    const s = started();
    expect(s.me?.id).toBe('1');
    expect(s.guildOrder).toEqual(['10']);
    expect(s.guildChannels['10']).toEqual(['20', '21']);
    expect(s.channels['20'].guild_id).toBe('10');
    expect(s.privateChannels).toEqual(['30']);
    expect(s.users['3'].username).toBe('u3');
    expect(s.voiceStates['10']['2'].self_mute).toBe(true);
    expect(s.voiceStates['10']['2'].guild_id).toBe('10');
  });

  it('appends a new message once, and counts it unread', () => {
    let s = started();
    expect(unread(s, s.channels['20']).unread).toBe(false);
    s = reduce(s, ev('MESSAGE_CREATE', message('101')));
    s = reduce(s, ev('MESSAGE_CREATE', message('101')));
    expect(s.messages['20'].list.map((m) => m.id)).toEqual(['100', '101']);
    expect(unread(s, s.channels['20'])).toEqual({ unread: true, mentions: 0 });
  });

  it('counts mentions of me, by name and by role, but not my own messages', () => {
    let s = started();
    s = reduce(s, ev('MESSAGE_CREATE', message('101', { mentions: [user('1')] })));
    s = reduce(s, ev('MESSAGE_CREATE', message('102', { mention_roles: ['50'] })));
    s = reduce(s, ev('MESSAGE_CREATE', message('103', { mention_roles: ['51'] })));
    expect(s.readStates['20'].mention_count).toBe(2);
    s = reduce(s, ev('MESSAGE_CREATE', message('104', { author: user('1') })));
    expect(unread(s, s.channels['20'])).toEqual({ unread: false, mentions: 0 });
  });

  it('replaces a pending message with the server copy carrying its nonce', () => {
    let s = started();
    s = setMessages(s, '20', { ...s.messages['20'], pending: [message('pending-7', { nonce: '7' })] });
    s = reduce(s, ev('MESSAGE_CREATE', message('101', { nonce: '7' })));
    expect(s.messages['20'].pending).toEqual([]);
    expect(s.messages['20'].list.at(-1)?.id).toBe('101');
  });

  it('applies edits, deletes and bulk deletes', () => {
    let s = started();
    s = reduce(s, ev('MESSAGE_CREATE', message('101')));
    s = reduce(s, ev('MESSAGE_UPDATE', { id: '100', channel_id: '20', content: 'edited', edited_timestamp: 'now' }));
    expect(s.messages['20'].list[0].content).toBe('edited');
    expect(s.messages['20'].list[0].author.id).toBe('2');
    s = reduce(s, ev('MESSAGE_DELETE_BULK', { ids: ['100', '101'], channel_id: '20' }));
    expect(s.messages['20'].list).toEqual([]);
  });

  it('counts reactions, marking mine, and removes them', () => {
    let s = started();
    const add = (uid: string) => ev('MESSAGE_REACTION_ADD', { user_id: uid, channel_id: '20', message_id: '100', emoji: { id: null, name: '👍' } });
    s = reduce(s, add('2'));
    s = reduce(s, add('1'));
    s = reduce(s, add('1'));
    expect(s.messages['20'].list[0].reactions).toEqual([{ emoji: { id: null, name: '👍' }, count: 2, me: true }]);
    s = reduce(s, ev('MESSAGE_REACTION_REMOVE', { user_id: '1', channel_id: '20', message_id: '100', emoji: { id: null, name: '👍' } }));
    expect(s.messages['20'].list[0].reactions).toEqual([{ emoji: { id: null, name: '👍' }, count: 1, me: false }]);
    s = reduce(s, ev('MESSAGE_REACTION_REMOVE_ALL', { channel_id: '20', message_id: '100' }));
    expect(s.messages['20'].list[0].reactions).toEqual([]);
  });

  it('puts older pages before the loaded messages and knows when the start is reached', () => {
    let s = started();
    s = addHistory(s, '20', [message('99'), message('98')], 2);
    expect(s.messages['20'].list.map((m) => m.id)).toEqual(['98', '99', '100']);
    expect(s.messages['20'].complete).toBe(false);
    s = addHistory(s, '20', [message('97')], 2);
    expect(s.messages['20'].complete).toBe(true);
  });

  it('shows typing until it runs out or the message arrives', () => {
    let s = reduce(started(), ev('TYPING_START', { channel_id: '20', user_id: '2' }), 1000);
    expect(Object.keys(s.typing['20'])).toEqual(['2']);
    expect(expireTyping(s, 5000)).toBe(s);
    expect(expireTyping(s, 12000).typing['20']).toEqual({});
    s = reduce(s, ev('MESSAGE_CREATE', message('101')));
    expect(s.typing['20']).toEqual({});
  });

  it('moves and removes voice states', () => {
    let s = started();
    const state = { guild_id: '10', user_id: '2', session_id: 'x', deaf: false, mute: false, self_deaf: false, self_mute: false, self_video: false, suppress: false };
    s = reduce(s, ev('VOICE_STATE_UPDATE', { ...state, channel_id: '22' }));
    expect(s.voiceStates['10']['2'].channel_id).toBe('22');
    s = reduce(s, ev('VOICE_STATE_UPDATE', { ...state, channel_id: null }));
    expect(s.voiceStates['10']['2']).toBeUndefined();
  });

  it('forgets a guild that is deleted or that I leave, with its channels', () => {
    const s = reduce(started(), ev('GUILD_MEMBER_REMOVE', { guild_id: '10', user: user('1') }));
    expect(s.guilds['10']).toBeUndefined();
    expect(s.channels['20']).toBeUndefined();
    expect(s.guildOrder).toEqual([]);
    const unavailable = reduce(started(), ev('GUILD_DELETE', { id: '10', unavailable: true }));
    expect(unavailable.guilds['10']).toBeDefined();
  });

  it('returns the same state for events it does not follow', () => {
    const s = started();
    expect(reduce(s, ev('SOMETHING_NEW', {}))).toBe(s);
  });
});
