import { describe, expect, it } from 'vitest';
import { encode, parseServerMessage, type ServerMessage, signallingUrl } from './messages';
import { initialState, reduce, remoteByUser, type VoiceState } from './protocol';

const ME = '100';

function frame(op: string, d: unknown): ServerMessage {
  const message = parseServerMessage(JSON.stringify({ op, d }));
  if (!message) throw new Error(`${op} did not parse`);
  return message;
}

function peer(userId: string, extra: Record<string, unknown> = {}) {
  return {
    user_id: userId,
    self_mute: false,
    self_deaf: false,
    mute: false,
    deaf: false,
    suppress: false,
    self_video: false,
    self_stream: false,
    speaking: false,
    ...extra,
  };
}

function readyState(extra: Record<string, unknown> = {}): VoiceState {
  return reduce(
    initialState,
    frame('ready', {
      session_id: 's1',
      user_id: ME,
      guild_id: '1',
      channel_id: '10',
      peers: [peer('200', { self_mute: true }), peer('300')],
      streams: [],
      recording: false,
      ice_servers: [],
      ...extra,
    }),
  );
}

function run(state: VoiceState, ...messages: Array<[string, unknown]>): VoiceState {
  return messages.reduce((s, [op, d]) => reduce(s, frame(op, d)), state);
}

describe('parseServerMessage', () => {
  it('reads ready with camelCase fields, numeric snowflakes as strings and only usable ICE servers', () => {
    const message = frame('ready', {
      session_id: 's1',
      user_id: 100,
      guild_id: null,
      channel_id: '10',
      peers: [peer('200', { speaking: true })],
      streams: [{ user_id: '200', live: true, viewers: [300] }],
      recording: true,
      ice_servers: [
        { urls: ['stun:stun.example:3478'] },
        { urls: 'turn:turn.example', username: '1700000000:100', credential: 'c2VjcmV0' },
        { username: 'no urls' },
        'junk',
      ],
    });
    expect(message).toEqual({
      op: 'ready',
      ready: {
        sessionId: 's1',
        userId: '100',
        guildId: null,
        channelId: '10',
        peers: [expect.objectContaining({ userId: '200', speaking: true, selfMute: false })],
        streams: [{ userId: '200', live: true, viewers: ['300'] }],
        recording: true,
        iceServers: [
          { urls: ['stun:stun.example:3478'] },
          { urls: 'turn:turn.example', username: '1700000000:100', credential: 'c2VjcmV0' },
        ],
      },
    });
  });

  it('reads a server offer track list by mid', () => {
    const message = frame('offer', { sdp: 'v=0', tracks: { '3': { user_id: '200', kind: 'audio' }, x: { user_id: '300', kind: 'screen' } } });
    expect(message.op === 'offer' && [...message.tracks]).toEqual([
      ['3', { userId: '200', kind: 'audio' }],
      ['x', { userId: '300', kind: 'screen' }],
    ]);
  });

  it('ignores unknown ops, non-JSON text and frames missing required fields', () => {
    expect(parseServerMessage('{"op":"future_thing","d":{}}')).toBeUndefined();
    expect(parseServerMessage('not json')).toBeUndefined();
    expect(parseServerMessage('{"op":"speaking","d":{"speaking":true}}')).toBeUndefined();
    expect(parseServerMessage('{"op":"offer","d":{"sdp":"v=0","tracks":{"1":{"user_id":"2","kind":"hologram"}}}}')).toBeUndefined();
    expect(parseServerMessage('{"op":"hello","d":{"heartbeat_interval":"soon"}}')).toBeUndefined();
  });

  it('reads hello and errors', () => {
    expect(frame('hello', { version: 1, heartbeat_interval: 15000 })).toEqual({ op: 'hello', heartbeatInterval: 15000 });
    expect(frame('error', { code: 'glare', message: 'answer first' })).toEqual({ op: 'error', code: 'glare', message: 'answer first' });
  });
});

describe('client frames', () => {
  it('leave out an absent sdp_mid and keep the protocol field names', () => {
    expect(JSON.parse(encode({ op: 'candidate', d: { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host', sdp_mid: undefined } }))).toEqual({
      op: 'candidate',
      d: { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host' },
    });
    expect(JSON.parse(encode({ op: 'watch', d: { user_id: '200', tier: '1080p30' } }))).toEqual({
      op: 'watch',
      d: { user_id: '200', tier: '1080p30' },
    });
  });
});

describe('signallingUrl', () => {
  it('uses ws on http pages and wss on https pages', () => {
    expect(signallingUrl('voice.example:8443', 'http:')).toBe('ws://voice.example:8443/voice/ws?v=1');
    expect(signallingUrl('voice.example:8443', 'https:')).toBe('wss://voice.example:8443/voice/ws?v=1');
  });

  it('keeps a scheme the endpoint already has', () => {
    expect(signallingUrl('wss://voice.example/', 'http:')).toBe('wss://voice.example/voice/ws?v=1');
    expect(signallingUrl('http://127.0.0.1:9000/voice/ws', 'http:')).toBe('ws://127.0.0.1:9000/voice/ws?v=1');
  });
});

describe('reduce', () => {
  it('ready lists the others, not us, and only live streams', () => {
    const state = readyState({
      peers: [peer('200'), peer(ME)],
      streams: [
        { user_id: '200', live: true, viewers: [] },
        { user_id: '300', live: false, viewers: [] },
      ],
      recording: true,
    });
    expect([...state.peers.keys()]).toEqual(['200']);
    expect([...state.streams.keys()]).toEqual(['200']);
    expect(state.recording).toBe(true);
    expect(state.connection).toEqual({ sessionId: 's1', userId: ME, guildId: '1', channelId: '10' });
    expect(state.me).toMatchObject({ userId: ME, speaking: false, selfMute: false });
  });

  it('peer_join adds a participant, peer_update replaces it, peer_leave removes it and its stream', () => {
    let state = run(readyState(), ['peer_join', peer('400')], ['peer_update', peer('200', { self_mute: false, deaf: true })]);
    expect([...state.peers.keys()].sort()).toEqual(['200', '300', '400']);
    expect(state.peers.get('200')).toMatchObject({ selfMute: false, deaf: true });

    state = run(state, ['stream', { user_id: '400', live: true, viewers: [] }], ['peer_leave', { user_id: '400' }]);
    expect(state.peers.has('400')).toBe(false);
    expect(state.streams.has('400')).toBe(false);
  });

  it('a peer_update about us updates `me` and leaves the others alone', () => {
    const before = readyState();
    const after = run(before, ['peer_update', peer(ME, { self_mute: true, mute: true })]);
    expect(after.me).toMatchObject({ userId: ME, selfMute: true, mute: true });
    expect(after.peers).toBe(before.peers);
    expect(after.peers.has(ME)).toBe(false);
  });

  it('speaking marks the others and ourselves', () => {
    const state = run(readyState(), ['speaking', { user_id: '300', speaking: true }], ['speaking', { user_id: ME, speaking: true }]);
    expect(state.peers.get('300')?.speaking).toBe(true);
    expect(state.peers.get('200')?.speaking).toBe(false);
    expect(state.me?.speaking).toBe(true);

    const quiet = run(state, ['speaking', { user_id: '300', speaking: false }]);
    expect(quiet.peers.get('300')?.speaking).toBe(false);
  });

  it('speaking about someone unknown, or that changes nothing, returns the same state', () => {
    const state = readyState();
    expect(run(state, ['speaking', { user_id: '999', speaking: true }])).toBe(state);
    expect(run(state, ['speaking', { user_id: '200', speaking: false }])).toBe(state);
    expect(reduce(state, { op: 'heartbeat_ack' })).toBe(state);
  });

  it('stream events add live streams with their viewers and drop ended ones', () => {
    let state = run(readyState(), ['stream', { user_id: '200', live: true, viewers: [] }], ['stream', { user_id: '200', live: true, viewers: [ME] }]);
    expect(state.streams.get('200')).toEqual({ userId: '200', live: true, viewers: [ME] });
    state = run(state, ['stream', { user_id: '200', live: false, viewers: [] }]);
    expect(state.streams.size).toBe(0);
  });

  it('recording follows the announcements with who made them', () => {
    let state = run(readyState(), ['recording', { recording: true, user_id: '200' }]);
    expect([state.recording, state.recordingBy]).toEqual([true, '200']);
    state = run(state, ['recording', { recording: false, user_id: '300' }]);
    expect([state.recording, state.recordingBy]).toEqual([false, '300']);
  });

  it('each server offer replaces the track list, so stopped m-lines disappear', () => {
    let state = run(readyState(), ['offer', { sdp: 'v=0', tracks: { '3': { user_id: '200', kind: 'audio' }, '4': { user_id: '300', kind: 'audio' } } }]);
    expect([...state.tracks.keys()]).toEqual(['3', '4']);
    state = run(state, ['offer', { sdp: 'v=0', tracks: { '4': { user_id: '300', kind: 'audio' } } }]);
    expect([...state.tracks.keys()]).toEqual(['4']);
  });
});

describe('remoteByUser', () => {
  it('groups received tracks by the participant and kind of their mid', () => {
    const state = run(readyState(), [
      'offer',
      {
        sdp: 'v=0',
        tracks: {
          '3': { user_id: '200', kind: 'audio' },
          '4': { user_id: '200', kind: 'video' },
          '5': { user_id: '300', kind: 'screen' },
        },
      },
    ]);
    const received = new Map([
      ['0', 'our own audio m-line'],
      ['3', 'a200'],
      ['4', 'v200'],
      ['5', 's300'],
      ['9', 'a stopped line'],
    ]);
    expect(remoteByUser(state.tracks, received)).toEqual(
      new Map([
        ['200', { audio: 'a200', video: 'v200' }],
        ['300', { screen: 's300' }],
      ]),
    );
  });
});
