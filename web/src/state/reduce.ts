// Gateway events -> state. Pure: the same state and event always give the same new state,
// which is what the tests check.

import type { Dispatch } from '../api/gateway';
import type {
  Channel,
  GuildCreate,
  Member,
  Message,
  Presence,
  ReadState,
  Ready,
  Snowflake,
  User,
  VoiceState,
} from '../api/types';
import { type ChannelMessages, type State, emptyMessages, initialState } from './state';
import { applyReaction } from './reactions';

/** Messages kept per channel; older ones are fetched again when scrolled to. */
export const MESSAGES_KEPT = 500;
const TYPING_MS = 10_000;

export function reduce(state: State, event: Dispatch, now = Date.now()): State {
  const d = event.d;
  switch (event.t) {
    case 'READY':
      return ready(d as Ready);
    case 'GUILD_CREATE':
      return guildCreate(state, d as GuildCreate);
    case 'GUILD_UPDATE':
      return { ...state, guilds: { ...state.guilds, [d.id]: { ...state.guilds[d.id], ...d } } };
    case 'GUILD_DELETE':
      return d.unavailable ? state : removeGuild(state, d.id);
    case 'GUILD_ROLE_CREATE':
    case 'GUILD_ROLE_UPDATE':
      return updateGuild(state, d.guild_id, (g) => ({
        ...g,
        roles: [...g.roles.filter((r) => r.id !== d.role.id), d.role],
      }));
    case 'GUILD_ROLE_DELETE':
      return updateGuild(state, d.guild_id, (g) => ({ ...g, roles: g.roles.filter((r) => r.id !== d.role_id) }));
    case 'GUILD_EMOJIS_UPDATE':
      return updateGuild(state, d.guild_id, (g) => ({ ...g, emojis: d.emojis }));
    case 'CHANNEL_CREATE':
    case 'CHANNEL_UPDATE':
    case 'THREAD_CREATE':
    case 'THREAD_UPDATE':
      return putChannel(state, d as Channel);
    case 'CHANNEL_DELETE':
    case 'THREAD_DELETE':
      return removeChannel(state, d.id);
    case 'THREAD_LIST_SYNC':
      return (d.threads as Channel[]).reduce(putChannel, state);
    case 'CHANNEL_RECIPIENT_ADD':
    case 'CHANNEL_RECIPIENT_REMOVE':
      return recipients(state, d.channel_id, d.user as User, event.t === 'CHANNEL_RECIPIENT_ADD');
    case 'GUILD_MEMBER_ADD':
    case 'GUILD_MEMBER_UPDATE':
      return putMembers(state, d.guild_id, [d as Member]);
    case 'GUILD_MEMBERS_CHUNK':
      return (d.presences as Presence[] | undefined ?? []).reduce(putPresence, putMembers(state, d.guild_id, d.members));
    case 'GUILD_MEMBER_REMOVE': {
      const members = { ...state.members[d.guild_id] };
      delete members[d.user.id];
      const next = { ...state, members: { ...state.members, [d.guild_id]: members } };
      return d.user.id === state.me?.id ? removeGuild(next, d.guild_id) : next;
    }
    case 'PRESENCE_UPDATE':
      return putPresence(state, d as Presence);
    case 'USER_UPDATE':
      return { ...state, me: { ...state.me, ...d }, users: { ...state.users, [d.id]: d } };
    case 'MESSAGE_CREATE':
      return messageCreate(state, d as Message);
    case 'MESSAGE_UPDATE':
      return updateMessage(state, d.channel_id, d.id, (m) => ({ ...m, ...d, author: d.author ?? m.author }));
    case 'MESSAGE_DELETE':
      return removeMessages(state, d.channel_id, [d.id]);
    case 'MESSAGE_DELETE_BULK':
      return removeMessages(state, d.channel_id, d.ids);
    case 'MESSAGE_REACTION_ADD':
    case 'MESSAGE_REACTION_REMOVE':
    case 'MESSAGE_REACTION_REMOVE_ALL':
    case 'MESSAGE_REACTION_REMOVE_EMOJI':
      return updateMessage(state, d.channel_id, d.message_id, (m) => applyReaction(m, event.t, d, state.me?.id));
    case 'MESSAGE_ACK':
      return putReadState(state, { id: d.channel_id, last_message_id: d.message_id, mention_count: 0 });
    case 'CHANNEL_READ_RECEIPT':
      return {
        ...state,
        receipts: { ...state.receipts, [d.channel_id]: { ...state.receipts[d.channel_id], [d.user_id]: d.message_id } },
      };
    case 'CHANNEL_PINS_UPDATE':
      return state;
    case 'TYPING_START': {
      if (d.user_id === state.me?.id) return state;
      const typing = { ...state.typing[d.channel_id], [d.user_id]: now + TYPING_MS };
      const next = { ...state, typing: { ...state.typing, [d.channel_id]: typing } };
      return d.member && d.guild_id ? putMembers(next, d.guild_id, [d.member]) : next;
    }
    case 'VOICE_STATE_UPDATE':
      return putVoiceState(state, d as VoiceState);
    case 'STAGE_INSTANCE_CREATE':
    case 'STAGE_INSTANCE_UPDATE':
      return { ...state, stageInstances: { ...state.stageInstances, [d.channel_id]: d } };
    case 'STAGE_INSTANCE_DELETE': {
      const stageInstances = { ...state.stageInstances };
      delete stageInstances[d.channel_id];
      return { ...state, stageInstances };
    }
    case 'RELATIONSHIP_ADD':
      return { ...state, relationships: { ...state.relationships, [d.id]: d }, users: { ...state.users, [d.id]: d.user } };
    case 'RELATIONSHIP_REMOVE': {
      const relationships = { ...state.relationships };
      delete relationships[d.id];
      return { ...state, relationships };
    }
    default:
      return state;
  }
}

function ready(d: Ready): State {
  const reads = Array.isArray(d.read_state) ? d.read_state : (d.read_state?.entries ?? []);
  const state: State = {
    ...initialState,
    status: 'ready',
    me: d.user,
    sessionId: d.session_id,
    users: { [d.user.id]: d.user },
    readStates: Object.fromEntries(reads.map((r) => [r.id, r])),
    relationships: Object.fromEntries(d.relationships.map((r) => [r.id, r])),
  };
  for (const r of d.relationships) state.users[r.user.id] = r.user;
  const withChannels = d.private_channels.reduce(putChannel, state);
  return { ...withChannels, guildOrder: d.guilds.map((g) => g.id) };
}

function guildCreate(state: State, d: GuildCreate): State {
  const { channels, threads, members, presences, voice_states, stage_instances, ...guild } = d;
  let next: State = {
    ...state,
    guilds: { ...state.guilds, [d.id]: guild },
    guildOrder: state.guildOrder.includes(d.id) ? state.guildOrder : [...state.guildOrder, d.id],
    guildChannels: { ...state.guildChannels, [d.id]: [] },
  };
  for (const channel of [...channels, ...threads]) next = putChannel(next, { ...channel, guild_id: d.id });
  next = putMembers(next, d.id, members);
  next = presences.reduce(putPresence, next);
  next = { ...next, voiceStates: { ...next.voiceStates, [d.id]: {} } };
  for (const voice of voice_states) next = putVoiceState(next, { ...voice, guild_id: d.id });
  for (const stage of stage_instances ?? []) next.stageInstances = { ...next.stageInstances, [stage.channel_id]: stage };
  return next;
}

function removeGuild(state: State, id: Snowflake): State {
  const guilds = { ...state.guilds };
  delete guilds[id];
  const channels = { ...state.channels };
  for (const channel of state.guildChannels[id] ?? []) delete channels[channel];
  const guildChannels = { ...state.guildChannels };
  delete guildChannels[id];
  return { ...state, guilds, channels, guildChannels, guildOrder: state.guildOrder.filter((g) => g !== id) };
}

function updateGuild(state: State, id: Snowflake, change: (g: State['guilds'][string]) => State['guilds'][string]): State {
  const guild = state.guilds[id];
  return guild ? { ...state, guilds: { ...state.guilds, [id]: change(guild) } } : state;
}

function putChannel(state: State, channel: Channel): State {
  const previous = state.channels[channel.id];
  const merged = previous ? { ...previous, ...channel } : channel;
  const next = { ...state, channels: { ...state.channels, [channel.id]: merged } };
  const guild = merged.guild_id;
  if (guild) {
    const ids = state.guildChannels[guild] ?? [];
    if (!ids.includes(channel.id)) next.guildChannels = { ...state.guildChannels, [guild]: [...ids, channel.id] };
  } else if (!state.privateChannels.includes(channel.id)) {
    next.privateChannels = [channel.id, ...state.privateChannels];
  }
  if (channel.recipients) {
    next.users = { ...next.users };
    for (const user of channel.recipients) next.users[user.id] = user;
  }
  return next;
}

function removeChannel(state: State, id: Snowflake): State {
  const channel = state.channels[id];
  if (!channel) return state;
  const channels = { ...state.channels };
  delete channels[id];
  const next = { ...state, channels, privateChannels: state.privateChannels.filter((c) => c !== id) };
  if (channel.guild_id) {
    const ids = (state.guildChannels[channel.guild_id] ?? []).filter((c) => c !== id);
    next.guildChannels = { ...state.guildChannels, [channel.guild_id]: ids };
  }
  return next;
}

function recipients(state: State, channelId: Snowflake, user: User, add: boolean): State {
  const channel = state.channels[channelId];
  if (!channel) return state;
  const others = (channel.recipients ?? []).filter((u) => u.id !== user.id);
  return putChannel(state, { ...channel, recipients: add ? [...others, user] : others });
}

function putMembers(state: State, guild: Snowflake, members: Member[]): State {
  const inGuild = { ...state.members[guild] };
  const users = { ...state.users };
  for (const member of members) {
    if (!member.user) continue;
    inGuild[member.user.id] = { ...inGuild[member.user.id], ...member };
    users[member.user.id] = member.user;
  }
  return { ...state, members: { ...state.members, [guild]: inGuild }, users };
}

function putPresence(state: State, presence: Presence): State {
  const users = presence.user.username ? { ...state.users, [presence.user.id]: presence.user as User } : state.users;
  return { ...state, users, presences: { ...state.presences, [presence.user.id]: presence } };
}

function putReadState(state: State, read: ReadState): State {
  return { ...state, readStates: { ...state.readStates, [read.id]: read } };
}

function putVoiceState(state: State, voice: VoiceState): State {
  const scope = voice.guild_id ?? voice.channel_id;
  if (!scope) return state;
  const inScope = { ...state.voiceStates[scope] };
  if (voice.channel_id) inScope[voice.user_id] = voice;
  else delete inScope[voice.user_id];
  const next = { ...state, voiceStates: { ...state.voiceStates, [scope]: inScope } };
  return voice.member && voice.guild_id ? putMembers(next, voice.guild_id, [voice.member]) : next;
}

function messageCreate(state: State, message: Message): State {
  const current = state.messages[message.channel_id];
  let next = state;
  if (current && !current.list.some((m) => m.id === message.id)) {
    const list = [...current.list, message].slice(-MESSAGES_KEPT);
    const pending = message.nonce ? current.pending.filter((p) => p.nonce !== message.nonce) : current.pending;
    // Dropping the oldest means the channel's beginning is no longer loaded.
    const complete = current.complete && list.length === current.list.length + 1;
    next = setMessages(state, message.channel_id, { list, pending, complete });
  }
  const channel = state.channels[message.channel_id];
  if (channel) next = putChannel(next, { ...channel, last_message_id: message.id });
  // The author stops typing when the message arrives.
  const typing = state.typing[message.channel_id];
  if (typing?.[message.author.id]) {
    const rest = { ...typing };
    delete rest[message.author.id];
    next = { ...next, typing: { ...next.typing, [message.channel_id]: rest } };
  }
  if (message.author.id === state.me?.id) {
    next = putReadState(next, { id: message.channel_id, last_message_id: message.id, mention_count: 0 });
  } else if (mentionsMe(next, message)) {
    const read = next.readStates[message.channel_id];
    next = putReadState(next, {
      id: message.channel_id,
      last_message_id: read?.last_message_id ?? null,
      mention_count: (read?.mention_count ?? 0) + 1,
    });
  }
  if (message.member && message.guild_id) next = putMembers(next, message.guild_id, [{ ...message.member, user: message.author }]);
  return next;
}

/** Whether `message` pings the signed-in user: directly, by role, @everyone, or in a DM. */
export function mentionsMe(state: State, message: Message): boolean {
  const me = state.me?.id;
  if (!me || message.author.id === me) return false;
  const channel = state.channels[message.channel_id];
  if (channel && !channel.guild_id) return true;
  if (message.mention_everyone || message.mentions.some((u) => u.id === me)) return true;
  const roles = message.guild_id ? (state.members[message.guild_id]?.[me]?.roles ?? []) : [];
  return message.mention_roles.some((r) => roles.includes(r));
}

function updateMessage(state: State, channel: Snowflake, id: Snowflake, change: (m: Message) => Message): State {
  const current = state.messages[channel];
  const index = current?.list.findIndex((m) => m.id === id) ?? -1;
  if (!current || index < 0) return state;
  const list = [...current.list];
  list[index] = change(list[index]);
  return setMessages(state, channel, { ...current, list });
}

function removeMessages(state: State, channel: Snowflake, ids: Snowflake[]): State {
  const current = state.messages[channel];
  if (!current) return state;
  return setMessages(state, channel, { ...current, list: current.list.filter((m) => !ids.includes(m.id)) });
}

export function setMessages(state: State, channel: Snowflake, messages: ChannelMessages): State {
  return { ...state, messages: { ...state.messages, [channel]: messages } };
}

/** Adds a page of older messages (newest first, as the API returns them) before the loaded ones. */
export function addHistory(state: State, channel: Snowflake, page: Message[], limit: number): State {
  const current = state.messages[channel] ?? emptyMessages;
  const known = new Set(current.list.map((m) => m.id));
  const older = page.filter((m) => !known.has(m.id)).reverse();
  return setMessages(state, channel, { ...current, list: [...older, ...current.list], complete: page.length < limit });
}

/** Drops typing indicators that ran out. */
export function expireTyping(state: State, now = Date.now()): State {
  let changed = false;
  const typing: State['typing'] = {};
  for (const [channel, users] of Object.entries(state.typing)) {
    const live = Object.fromEntries(Object.entries(users).filter(([, until]) => until > now));
    if (Object.keys(live).length !== Object.keys(users).length) changed = true;
    typing[channel] = live;
  }
  return changed ? { ...state, typing } : state;
}
