// The browser side of Accord's voice media protocol: VoiceSession is the entry point (its
// header documents the API); the rest are the types it hands out.

export { VoiceConnectError, VoiceSession } from './session';
export type { VoiceConnectOptions, VoiceEvent } from './session';
export type { RemoteMedia } from './remote';
export type { VoiceState } from './protocol';
export type { Peer, Quality, StreamInfo, Tier, TrackKind } from './messages';
