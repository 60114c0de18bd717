// The voice signalling wire format (docs/voice-protocol.md §2): `{"op", "d"}` JSON frames.
// Server frames are parsed once, here, into typed messages with camelCase fields, so the
// reducer and the session never touch raw JSON; client frames are built from a typed union
// so a misspelt op or field fails to compile.

import type { Snowflake } from '../api/types';

export type TrackKind = 'audio' | 'video' | 'screen';
/** A preferred camera layer of one participant (`layers`). */
export type Quality = 'high' | 'medium' | 'low';
/** A Go Live viewer's quality tier (`watch`). */
export type Tier = '1080p30' | '720p30' | '480p24';

/** A participant as `ready`, `peer_join` and `peer_update` describe it. */
export interface Peer {
  userId: Snowflake;
  selfMute: boolean;
  selfDeaf: boolean;
  /** Server mute and deafen, set by a moderator. */
  mute: boolean;
  deaf: boolean;
  /** A stage audience member: their audio is dropped. */
  suppress: boolean;
  selfVideo: boolean;
  selfStream: boolean;
  speaking: boolean;
}

/** A Go Live stream and who watches it. */
export interface StreamInfo {
  userId: Snowflake;
  live: boolean;
  viewers: Snowflake[];
}

/** What one m-line of a server offer carries. */
export interface SentTrack {
  userId: Snowflake;
  kind: TrackKind;
}

export interface Ready {
  sessionId: string;
  userId: Snowflake;
  guildId: Snowflake | null;
  channelId: Snowflake;
  peers: Peer[];
  streams: StreamInfo[];
  recording: boolean;
  iceServers: RTCIceServer[];
}

export type ServerMessage =
  | { op: 'hello'; heartbeatInterval: number }
  | { op: 'ready'; ready: Ready }
  | { op: 'answer'; sdp: string }
  | { op: 'offer'; sdp: string; tracks: Map<string, SentTrack> }
  | { op: 'peer_join' | 'peer_update'; peer: Peer }
  | { op: 'peer_leave'; userId: Snowflake }
  | { op: 'speaking'; userId: Snowflake; speaking: boolean }
  | { op: 'stream'; stream: StreamInfo }
  | { op: 'recording'; recording: boolean; userId: Snowflake }
  | { op: 'heartbeat_ack' }
  | { op: 'error'; code: string; message: string };

export type ClientMessage =
  | { op: 'identify'; d: { token: string } }
  | { op: 'heartbeat'; d: { nonce: number } }
  | { op: 'offer'; d: { sdp: string; tracks: Record<string, TrackKind> } }
  | { op: 'answer'; d: { sdp: string } }
  | { op: 'candidate'; d: { candidate: string; sdp_mid?: string } }
  | { op: 'state'; d: { self_mute?: boolean; self_deaf?: boolean; self_video?: boolean } }
  | { op: 'layers'; d: { user_id: Snowflake; quality: Quality } }
  | { op: 'stream_start' | 'stream_stop'; d: Record<string, never> }
  | { op: 'watch'; d: { user_id: Snowflake; tier: Tier } }
  | { op: 'unwatch'; d: { user_id: Snowflake } }
  | { op: 'recording'; d: { recording: boolean } };

export function encode(message: ClientMessage): string {
  return JSON.stringify(message);
}

/** The signalling URL of a voice node; `endpoint` is VOICE_SERVER_UPDATE's `host:port`. */
export function signallingUrl(endpoint: string, pageProtocol: string): string {
  const secure = pageProtocol === 'https:';
  const hostAndPath = endpoint.replace(/^(wss?|https?):\/\//, '').replace(/\/+$/, '');
  const scheme = /^(wss|https):\/\//.test(endpoint) || secure ? 'wss' : 'ws';
  const base = hostAndPath.endsWith('/voice/ws') ? hostAndPath : `${hostAndPath}/voice/ws`;
  return `${scheme}://${base}?v=1`;
}

/**
 * A server frame as a typed message; undefined for ops this client does not know (the
 * protocol lets servers add them) and for frames whose `d` lacks a required field.
 */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(frame) || typeof frame.op !== 'string') return undefined;
  const d = isObject(frame.d) ? frame.d : {};
  try {
    return parseBody(frame.op, d);
  } catch (e) {
    if (e instanceof Malformed) return undefined;
    throw e;
  }
}

function parseBody(op: string, d: Record<string, unknown>): ServerMessage | undefined {
  switch (op) {
    case 'hello':
      return { op, heartbeatInterval: num(d.heartbeat_interval) };
    case 'ready':
      return {
        op,
        ready: {
          sessionId: str(d.session_id),
          userId: id(d.user_id),
          guildId: d.guild_id == null ? null : id(d.guild_id),
          channelId: id(d.channel_id),
          peers: list(d.peers).map(peer),
          streams: list(d.streams).map(stream),
          recording: d.recording === true,
          iceServers: list(d.ice_servers).flatMap(iceServer),
        },
      };
    case 'answer':
      return { op, sdp: str(d.sdp) };
    case 'offer':
      return { op, sdp: str(d.sdp), tracks: sentTracks(d.tracks) };
    case 'peer_join':
    case 'peer_update':
      return { op, peer: peer(d) };
    case 'peer_leave':
      return { op, userId: id(d.user_id) };
    case 'speaking':
      return { op, userId: id(d.user_id), speaking: bool(d.speaking) };
    case 'stream':
      return { op, stream: stream(d) };
    case 'recording':
      return { op, recording: bool(d.recording), userId: id(d.user_id) };
    case 'heartbeat_ack':
      return { op };
    case 'error':
      return { op, code: str(d.code), message: typeof d.message === 'string' ? d.message : '' };
    default:
      return undefined;
  }
}

/** Thrown by the field readers below; turned into "ignore this frame" at the top. */
class Malformed extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  if (typeof v !== 'string') throw new Malformed();
  return v;
}

function num(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Malformed();
  return v;
}

function bool(v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Malformed();
  return v;
}

/** Snowflakes travel as strings; integers are accepted as the server accepts them. */
function id(v: unknown): Snowflake {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return str(v);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function obj(v: unknown): Record<string, unknown> {
  if (!isObject(v)) throw new Malformed();
  return v;
}

function peer(v: unknown): Peer {
  const p = obj(v);
  const flag = (f: unknown) => f === true;
  return {
    userId: id(p.user_id),
    selfMute: flag(p.self_mute),
    selfDeaf: flag(p.self_deaf),
    mute: flag(p.mute),
    deaf: flag(p.deaf),
    suppress: flag(p.suppress),
    selfVideo: flag(p.self_video),
    selfStream: flag(p.self_stream),
    speaking: flag(p.speaking),
  };
}

function stream(v: unknown): StreamInfo {
  const s = obj(v);
  return { userId: id(s.user_id), live: bool(s.live), viewers: list(s.viewers).map(id) };
}

function trackKind(v: unknown): TrackKind {
  if (v === 'audio' || v === 'video' || v === 'screen') return v;
  throw new Malformed();
}

function sentTracks(v: unknown): Map<string, SentTrack> {
  const tracks = new Map<string, SentTrack>();
  for (const [mid, track] of Object.entries(isObject(v) ? v : {})) {
    const t = obj(track);
    tracks.set(mid, { userId: id(t.user_id), kind: trackKind(t.kind) });
  }
  return tracks;
}

/** An ICE server as RTCIceServer; none for an entry without usable urls. */
function iceServer(s: unknown): RTCIceServer[] {
  if (!isObject(s)) return [];
  const urls = Array.isArray(s.urls) ? s.urls.filter((u): u is string => typeof u === 'string') : s.urls;
  if (typeof urls !== 'string' && (!Array.isArray(urls) || urls.length === 0)) return [];
  const server: RTCIceServer = { urls };
  if (typeof s.username === 'string') server.username = s.username;
  if (typeof s.credential === 'string') server.credential = s.credential;
  return [server];
}
