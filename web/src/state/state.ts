// What the client knows, in one immutable tree: every change makes a new object along its
// path, so React components re-render exactly when what they select changes.

import type {
  Channel,
  Guild,
  Member,
  Message,
  Presence,
  ReadState,
  Relationship,
  Snowflake,
  StageInstance,
  User,
  VoiceState,
} from '../api/types';
import type { GatewayStatus } from '../api/gateway';

export interface ChannelMessages {
  /** Oldest first. */
  list: Message[];
  /** The channel's first message is in `list`. */
  complete: boolean;
  /** Messages being sent: shown at the end until the server's copy (same nonce) arrives. */
  pending: Message[];
}

export interface State {
  status: GatewayStatus;
  me: User | null;
  sessionId: string | null;
  guilds: Record<Snowflake, Guild & { member_count?: number }>;
  guildOrder: Snowflake[];
  channels: Record<Snowflake, Channel>;
  /** Guild -> its channels' and active threads' ids. */
  guildChannels: Record<Snowflake, Snowflake[]>;
  privateChannels: Snowflake[];
  members: Record<Snowflake, Record<Snowflake, Member>>;
  users: Record<Snowflake, User>;
  presences: Record<Snowflake, Presence>;
  messages: Record<Snowflake, ChannelMessages>;
  readStates: Record<Snowflake, ReadState>;
  /** Channel -> user -> when their typing indicator ends (ms). */
  typing: Record<Snowflake, Record<Snowflake, number>>;
  /** Scope (guild, or private channel) -> user -> state. */
  voiceStates: Record<Snowflake, Record<Snowflake, VoiceState>>;
  stageInstances: Record<Snowflake, StageInstance>;
  relationships: Record<Snowflake, Relationship>;
  /** Recipients -> the last message each has read, per private channel. */
  receipts: Record<Snowflake, Record<Snowflake, Snowflake>>;
}

export const initialState: State = {
  status: 'connecting',
  me: null,
  sessionId: null,
  guilds: {},
  guildOrder: [],
  channels: {},
  guildChannels: {},
  privateChannels: [],
  members: {},
  users: {},
  presences: {},
  messages: {},
  readStates: {},
  typing: {},
  voiceStates: {},
  stageInstances: {},
  relationships: {},
  receipts: {},
};

export const emptyMessages: ChannelMessages = { list: [], complete: false, pending: [] };
