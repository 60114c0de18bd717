// The Discord API v10 shapes the client reads: only the fields it uses.

export type Snowflake = string;

export interface User {
  id: Snowflake;
  username: string;
  global_name?: string | null;
  avatar?: string | null;
  bot?: boolean;
  mfa_enabled?: boolean;
  email?: string | null;
  verified?: boolean;
}

export interface Role {
  id: Snowflake;
  name: string;
  color: number;
  hoist: boolean;
  position: number;
  permissions: string;
  mentionable: boolean;
  managed?: boolean;
}

export interface Overwrite {
  id: Snowflake;
  type: 0 | 1;
  allow: string;
  deny: string;
}

export const ChannelType = {
  Text: 0,
  DM: 1,
  Voice: 2,
  GroupDM: 3,
  Category: 4,
  Announcement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
  Stage: 13,
  Forum: 15,
} as const;

export interface Channel {
  id: Snowflake;
  type: number;
  guild_id?: Snowflake | null;
  name?: string | null;
  topic?: string | null;
  position?: number;
  parent_id?: Snowflake | null;
  permission_overwrites?: Overwrite[];
  last_message_id?: Snowflake | null;
  recipients?: User[];
  owner_id?: Snowflake;
  user_limit?: number;
  rate_limit_per_user?: number;
  nsfw?: boolean;
  message_count?: number;
  thread_metadata?: { archived: boolean; locked: boolean };
  available_tags?: { id: Snowflake; name: string }[];
  applied_tags?: Snowflake[];
}

export interface Member {
  user?: User;
  nick?: string | null;
  avatar?: string | null;
  roles: Snowflake[];
  joined_at: string;
  deaf?: boolean;
  mute?: boolean;
  communication_disabled_until?: string | null;
  permissions?: string;
}

export interface Emoji {
  id: Snowflake | null;
  name: string | null;
  animated?: boolean;
}

export interface Reaction {
  count: number;
  me: boolean;
  emoji: Emoji;
}

export interface Attachment {
  id: Snowflake;
  filename: string;
  size: number;
  url: string;
  proxy_url?: string;
  content_type?: string;
  width?: number | null;
  height?: number | null;
}

export interface Message {
  id: Snowflake;
  channel_id: Snowflake;
  guild_id?: Snowflake;
  author: User;
  member?: Member;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  type: number;
  mentions: User[];
  mention_roles: Snowflake[];
  mention_everyone: boolean;
  attachments: Attachment[];
  embeds: unknown[];
  reactions?: Reaction[];
  pinned: boolean;
  nonce?: string | number | null;
  message_reference?: { message_id?: Snowflake; channel_id?: Snowflake; guild_id?: Snowflake };
  referenced_message?: Message | null;
  thread?: Channel;
  flags?: number;
}

export interface Guild {
  id: Snowflake;
  name: string;
  icon: string | null;
  owner_id: Snowflake;
  roles: Role[];
  emojis?: (Emoji & { id: Snowflake })[];
  description?: string | null;
  system_channel_id?: Snowflake | null;
}

export interface VoiceState {
  guild_id?: Snowflake | null;
  channel_id: Snowflake | null;
  user_id: Snowflake;
  member?: Member;
  session_id: string;
  deaf: boolean;
  mute: boolean;
  self_deaf: boolean;
  self_mute: boolean;
  self_stream?: boolean;
  self_video: boolean;
  suppress: boolean;
  request_to_speak_timestamp?: string | null;
}

export interface GuildCreate extends Guild {
  channels: Channel[];
  threads: Channel[];
  members: Member[];
  presences: Presence[];
  voice_states: VoiceState[];
  member_count: number;
  joined_at: string;
  stage_instances?: StageInstance[];
}

export interface StageInstance {
  id: Snowflake;
  guild_id: Snowflake;
  channel_id: Snowflake;
  topic: string;
}

export type Status = 'online' | 'idle' | 'dnd' | 'offline' | 'invisible';

export interface Activity {
  name: string;
  type: number;
  state?: string | null;
  emoji?: { name: string } | null;
}

export interface Presence {
  user: { id: Snowflake } & Partial<User>;
  guild_id?: Snowflake;
  status: Status;
  activities?: Activity[];
}

export interface Relationship {
  id: Snowflake;
  type: 1 | 2 | 3 | 4;
  user: User;
  nickname?: string | null;
}

export interface ReadState {
  id: Snowflake;
  last_message_id: Snowflake | null;
  mention_count: number;
}

export interface Ready {
  v: number;
  user: User;
  session_id: string;
  resume_gateway_url: string;
  guilds: { id: Snowflake; unavailable?: boolean }[];
  private_channels: Channel[];
  relationships: Relationship[];
  read_state?: ReadState[] | { entries: ReadState[] };
}

export interface Invite {
  code: string;
  guild?: { id: Snowflake; name: string; icon: string | null };
  channel?: { id: Snowflake; name: string; type: number };
  inviter?: User;
  uses?: number;
  max_uses?: number;
  expires_at?: string | null;
}

export interface AuditLogEntry {
  id: Snowflake;
  user_id: Snowflake | null;
  target_id: Snowflake | null;
  action_type: number;
  changes?: { key: string; old_value?: unknown; new_value?: unknown }[];
  reason?: string | null;
}

export interface Ban {
  user: User;
  reason: string | null;
}
