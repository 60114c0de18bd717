// What a voice connection knows about its channel, and how each server message changes it.
// `reduce` is pure: the session feeds it every parsed frame and keeps the result, so the
// rules (who is here, who speaks, which stream is live, which m-line carries whom) are
// tested without a browser or a peer connection.

import type { Snowflake } from '../api/types';
import type { Peer, Ready, SentTrack, ServerMessage, StreamInfo, TrackKind } from './messages';

export interface VoiceState {
  /** Who and where we are, from `ready`; null before it. */
  connection: Omit<Ready, 'peers' | 'streams' | 'recording' | 'iceServers'> | null;
  /**
   * Ourselves as the channel sees us. The server does not list us in `ready`, so the flags
   * start false and become the server's view at the first `peer_update` about us (sent
   * after every `state` we send and every moderator change).
   */
  me: Peer | null;
  /** The other participants, by user id. */
  peers: ReadonlyMap<Snowflake, Peer>;
  /** Live Go Live streams (ours included), by streaming user. */
  streams: ReadonlyMap<Snowflake, StreamInfo>;
  recording: boolean;
  /** Who last started or stopped the recording. */
  recordingBy: Snowflake | null;
  /** The m-lines the server sends on, by mid: the latest server offer's `tracks`. */
  tracks: ReadonlyMap<string, SentTrack>;
}

export const initialState: VoiceState = {
  connection: null,
  me: null,
  peers: new Map(),
  streams: new Map(),
  recording: false,
  recordingBy: null,
  tracks: new Map(),
};

function quietPeer(userId: Snowflake): Peer {
  return {
    userId,
    selfMute: false,
    selfDeaf: false,
    mute: false,
    deaf: false,
    suppress: false,
    selfVideo: false,
    selfStream: false,
    speaking: false,
  };
}

export function reduce(state: VoiceState, message: ServerMessage): VoiceState {
  switch (message.op) {
    case 'ready': {
      const { peers, streams, recording, iceServers: _ice, ...connection } = message.ready;
      return {
        ...initialState,
        connection,
        me: quietPeer(connection.userId),
        peers: new Map(peers.filter((p) => p.userId !== connection.userId).map((p) => [p.userId, p])),
        streams: new Map(streams.filter((s) => s.live).map((s) => [s.userId, s])),
        recording,
      };
    }
    case 'offer':
      return { ...state, tracks: message.tracks };
    case 'peer_join':
    case 'peer_update':
      return withPeer(state, message.peer);
    case 'peer_leave': {
      if (!state.peers.has(message.userId) && !state.streams.has(message.userId)) return state;
      return {
        ...state,
        peers: without(state.peers, message.userId),
        streams: without(state.streams, message.userId),
      };
    }
    case 'speaking':
      return withSpeaking(state, message.userId, message.speaking);
    case 'stream': {
      const { stream } = message;
      const streams = stream.live
        ? new Map(state.streams).set(stream.userId, stream)
        : without(state.streams, stream.userId);
      return { ...state, streams };
    }
    case 'recording':
      return { ...state, recording: message.recording, recordingBy: message.userId };
    default:
      return state;
  }
}

function isMe(state: VoiceState, userId: Snowflake): boolean {
  return state.connection?.userId === userId;
}

function withPeer(state: VoiceState, peer: Peer): VoiceState {
  if (isMe(state, peer.userId)) return { ...state, me: peer };
  return { ...state, peers: new Map(state.peers).set(peer.userId, peer) };
}

function withSpeaking(state: VoiceState, userId: Snowflake, speaking: boolean): VoiceState {
  if (isMe(state, userId)) {
    const me = state.me ?? quietPeer(userId);
    return me.speaking === speaking ? state : { ...state, me: { ...me, speaking } };
  }
  const peer = state.peers.get(userId);
  // A `speaking` can overtake the `peer_join` of someone we do not know yet: ignore it.
  if (!peer || peer.speaking === speaking) return state;
  return { ...state, peers: new Map(state.peers).set(userId, { ...peer, speaking }) };
}

function without<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  if (!map.has(key)) return map;
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}

/** A participant's received media, one entry per kind. */
export type ByKind<T> = Partial<Record<TrackKind, T>>;

/**
 * Groups received tracks by the participant and kind the server's track list names for
 * their mid. Mids the server no longer lists (a participant left, a stream unwatched) and
 * tracks on m-lines the server does not send on (our own) are left out.
 */
export function remoteByUser<T>(
  tracks: ReadonlyMap<string, SentTrack>,
  received: ReadonlyMap<string, T>,
): Map<Snowflake, ByKind<T>> {
  const byUser = new Map<Snowflake, ByKind<T>>();
  for (const [mid, item] of received) {
    const sent = tracks.get(mid);
    if (!sent) continue;
    const entry = byUser.get(sent.userId) ?? {};
    entry[sent.kind] = item;
    byUser.set(sent.userId, entry);
  }
  return byUser;
}
