// The session's order of operations against a scripted server, with fake WebSocket and
// RTCPeerConnection: what it sends, when, and what it makes of the answers. Real media is
// the end-to-end test's job.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VoiceSession, type VoiceEvent } from './session';

class FakeSocket {
  static OPEN = 1;
  static last: FakeSocket;
  readyState = 1;
  sent: Array<{ op: string; d: Record<string, unknown> }> = [];
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.readyState = 3;
  }
  receive(op: string, d: unknown) {
    this.onmessage?.({ data: JSON.stringify({ op, d }) });
  }
  ops() {
    return this.sent.map((m) => m.op);
  }
  lastOf(op: string) {
    return [...this.sent].reverse().find((m) => m.op === op);
  }
}

interface FakeTransceiver {
  mid: string | null;
  kind: string;
  direction: string;
  currentDirection: string | null;
  init: RTCRtpTransceiverInit;
  sender: { track: unknown; replaceTrack: (t: unknown) => Promise<void> };
  receiver: { track: { id: string; kind: string } };
  setCodecPreferences: (codecs: unknown[]) => void;
}

class FakePeerConnection {
  static last: FakePeerConnection;
  signalingState = 'stable';
  connectionState = 'new';
  localDescription: { type: string; sdp: string } | null = null;
  transceivers: FakeTransceiver[] = [];
  /** setLocalDescription / setRemoteDescription calls, as "local:offer", "remote:answer"… */
  steps: string[] = [];
  offers = 0;
  onicecandidate: ((e: { candidate: unknown }) => void) | null = null;
  ontrack: (() => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  onnegotiationneeded: (() => void) | null = null;
  constructor(readonly config: RTCConfiguration) {
    FakePeerConnection.last = this;
  }
  addTransceiver(trackOrKind: string | { kind: string }, init: RTCRtpTransceiverInit) {
    const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind;
    return this.add(null, kind, init.direction ?? 'sendrecv', init, typeof trackOrKind === 'string' ? null : trackOrKind);
  }
  private add(mid: string | null, kind: string, direction: string, init: RTCRtpTransceiverInit, track: unknown) {
    const sender = { track, replaceTrack: async (t: unknown) => void (sender.track = t) };
    const t: FakeTransceiver = {
      mid,
      kind,
      direction,
      currentDirection: null,
      init,
      sender,
      receiver: { track: { id: `recv-${this.transceivers.length}`, kind } },
      setCodecPreferences: () => {},
    };
    this.transceivers.push(t);
    return t;
  }
  getTransceivers() {
    return this.transceivers;
  }
  async createOffer() {
    return { type: 'offer', sdp: `client-offer-${++this.offers}` };
  }
  async createAnswer() {
    return { type: 'answer', sdp: 'client-answer' };
  }
  async setLocalDescription(d: { type: string; sdp?: string }) {
    this.steps.push(`local:${d.type}`);
    if (d.type === 'offer') {
      this.transceivers.forEach((t, i) => (t.mid ??= String(i)));
      this.signalingState = 'have-local-offer';
    } else {
      this.signalingState = 'stable';
    }
    this.localDescription = d.type === 'rollback' ? null : { type: d.type, sdp: d.sdp ?? '' };
  }
  /** A server offer's SDP here is "server-offer <mid>:<kind>…" naming the m-lines it has; "-<mid>" stops one. */
  async setRemoteDescription(d: { type: string; sdp: string }) {
    this.steps.push(`remote:${d.type}`);
    if (d.type === 'answer') {
      this.signalingState = 'stable';
      return;
    }
    this.signalingState = 'have-remote-offer';
    for (const word of d.sdp.split(' ').slice(1)) {
      if (word.startsWith('-')) {
        const stopped = this.transceivers.find((t) => t.mid === word.slice(1));
        if (stopped) stopped.currentDirection = 'stopped';
      } else if (!this.transceivers.some((t) => t.mid === word.split(':')[0])) {
        const [mid, kind] = word.split(':');
        this.add(mid, kind, 'recvonly', {}, null);
        this.ontrack?.();
      }
    }
  }
  async getStats() {
    return new Map<string, unknown>([
      ['a', { type: 'inbound-rtp', kind: 'audio', packetsReceived: 40 }],
      ['b', { type: 'inbound-rtp', kind: 'audio', packetsReceived: 2 }],
      ['c', { type: 'inbound-rtp', kind: 'video', packetsReceived: 900 }],
      ['d', { type: 'outbound-rtp', kind: 'audio', packetsSent: 50 }],
    ]);
  }
  close() {
    this.connectionState = 'closed';
  }
}

class FakeMediaStream {
  constructor(readonly tracks: unknown[] = []) {}
  getAudioTracks() {
    return this.tracks;
  }
  getVideoTracks() {
    return this.tracks;
  }
}

function fakeMicrophone() {
  const clone = { kind: 'audio', enabled: true, stop: vi.fn() };
  const track = { kind: 'audio', enabled: true, clone: () => clone };
  return { stream: new FakeMediaStream([track]) as unknown as MediaStream, track, clone };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

const READY = {
  session_id: 's1',
  user_id: '100',
  guild_id: '1',
  channel_id: '10',
  peers: [{ user_id: '200', self_mute: false, self_deaf: false, mute: false, deaf: false, suppress: false, self_video: false, self_stream: false, speaking: false }],
  streams: [],
  recording: false,
  ice_servers: [{ urls: ['stun:stun.example:3478'] }],
};

/** Connects through hello, ready and the first offer/answer. */
async function connected(options: { cameraSimulcast?: boolean; events?: VoiceEvent[] } = {}) {
  const mic = fakeMicrophone();
  const session = VoiceSession.connect({
    endpoint: 'voice.example:9000',
    token: 'voice-token',
    microphone: mic.stream,
    cameraSimulcast: options.cameraSimulcast,
    onEvent: (e) => options.events?.push(e),
  });
  const socket = FakeSocket.last;
  socket.receive('hello', { version: 1, heartbeat_interval: 15000 });
  socket.receive('ready', READY);
  await flush();
  socket.receive('answer', { sdp: 'server-answer' });
  return { session: await session, socket, pc: FakePeerConnection.last, mic };
}

beforeEach(() => {
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
  vi.stubGlobal('MediaStream', FakeMediaStream);
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(() => Promise.resolve());
  vi.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(() => {});
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('VoiceSession', () => {
  it('identifies on hello, then offers audio, camera and screen with their mids declared', async () => {
    const { socket, pc } = await connected();
    expect(socket.url).toBe('ws://voice.example:9000/voice/ws?v=1');
    expect(socket.ops()).toEqual(['identify', 'offer']);
    expect(socket.sent[0].d).toEqual({ token: 'voice-token' });
    expect(socket.sent[1].d).toEqual({ sdp: 'client-offer-1', tracks: { '0': 'audio', '1': 'video', '2': 'screen' } });
    expect(pc.config.iceServers).toEqual([{ urls: ['stun:stun.example:3478'] }]);
    expect(pc.transceivers.map((t) => [t.kind, t.direction])).toEqual([
      ['audio', 'sendrecv'],
      ['video', 'sendonly'],
      ['video', 'sendonly'],
    ]);
    expect(pc.steps).toEqual(['local:offer', 'remote:answer']);
  });

  it('sends the microphone as a clone and mutes the clone, not the app track', async () => {
    const { session, socket, pc, mic } = await connected();
    expect(pc.transceivers[0].sender.track).toBe(mic.clone);
    session.setDeafened(true);
    expect(socket.lastOf('state')?.d).toEqual({ self_deaf: true, self_mute: true });
    expect([mic.clone.enabled, mic.track.enabled]).toEqual([false, true]);
    session.setDeafened(false);
    expect(mic.clone.enabled).toBe(true);
    session.setMuted(true);
    expect(socket.lastOf('state')?.d).toEqual({ self_mute: true });
    expect(mic.clone.enabled).toBe(false);
    session.close();
    expect(mic.clone.stop).toHaveBeenCalled();
  });

  it('declares the camera with q, h, f layers only when simulcast is asked for', async () => {
    const single = await connected();
    expect(single.pc.transceivers[1].init.sendEncodings).toHaveLength(1);
    single.session.close();
    const simulcast = await connected({ cameraSimulcast: true });
    expect(simulcast.pc.transceivers[1].init.sendEncodings?.map((e) => e.rid)).toEqual(['q', 'h', 'f']);
  });

  it('answers server offers and maps the received tracks to participants by mid', async () => {
    const { session, socket } = await connected();
    socket.receive('offer', { sdp: 'server-offer 3:audio 4:video', tracks: { '3': { user_id: '200', kind: 'audio' }, '4': { user_id: '200', kind: 'video' } } });
    await flush();
    expect(socket.lastOf('answer')?.d).toEqual({ sdp: 'client-answer' });
    const media = session.remote.get('200');
    expect((media?.audio as unknown as FakeMediaStream).tracks).toEqual([{ id: 'recv-3', kind: 'audio' }]);
    expect((media?.video as unknown as FakeMediaStream).tracks).toEqual([{ id: 'recv-4', kind: 'video' }]);
    expect(session.remote.has('100')).toBe(false);

    // The participant leaves: the next offer stops the m-lines and no longer lists them.
    socket.receive('peer_leave', { user_id: '200' });
    socket.receive('offer', { sdp: 'server-offer -3 -4', tracks: {} });
    await flush();
    expect(session.remote.size).toBe(0);
    expect(session.peers.size).toBe(0);
  });

  it('keeps the same MediaStream for a track across server offers', async () => {
    const { session, socket } = await connected();
    socket.receive('offer', { sdp: 'server-offer 3:audio', tracks: { '3': { user_id: '200', kind: 'audio' } } });
    await flush();
    const first = session.remote.get('200')?.audio;
    socket.receive('offer', { sdp: 'server-offer 3:audio 5:audio', tracks: { '3': { user_id: '200', kind: 'audio' }, '5': { user_id: '300', kind: 'audio' } } });
    await flush();
    expect(session.remote.get('200')?.audio).toBe(first);
    expect(session.remote.has('300')).toBe(true);
  });

  it('on glare rolls back its offer, answers the server, then offers again', async () => {
    const { socket, pc } = await connected();
    pc.onnegotiationneeded?.();
    await flush();
    expect(socket.ops().filter((op) => op === 'offer')).toHaveLength(2);
    // The server's offer crossed ours; it refuses ours with glare after sending its own.
    socket.receive('offer', { sdp: 'server-offer 3:audio', tracks: { '3': { user_id: '200', kind: 'audio' } } });
    socket.receive('error', { code: 'glare', message: 'answer first' });
    await flush();
    expect(pc.steps.slice(2)).toEqual(['local:offer', 'local:rollback', 'remote:offer', 'local:answer', 'local:offer']);
    expect(socket.ops().slice(-2)).toEqual(['answer', 'offer']);
    socket.receive('answer', { sdp: 'server-answer' });
    await flush();
    expect(pc.signalingState).toBe('stable');
  });

  it('tracks speaking for the others and for ourselves', async () => {
    const events: VoiceEvent[] = [];
    const { session, socket } = await connected({ events });
    socket.receive('speaking', { user_id: '100', speaking: true });
    socket.receive('speaking', { user_id: '200', speaking: true });
    await flush();
    expect(session.localSpeaking).toBe(true);
    expect(session.peers.get('200')?.speaking).toBe(true);
    expect(events.some((e) => e.type === 'changed')).toBe(true);
  });

  it('sums audio packets from the stats', async () => {
    const { session } = await connected();
    expect(await session.stats()).toEqual({ audioPacketsReceived: 42, audioPacketsSent: 50 });
  });

  it('reports the close code when the server ends the connection', async () => {
    const events: VoiceEvent[] = [];
    const { session, socket, pc } = await connected({ events });
    socket.onclose?.({ code: 4014, reason: 'disconnected' });
    expect(events.at(-1)).toEqual({ type: 'closed', code: 4014, reason: 'disconnected' });
    expect(session.closed).toBe(4014);
    expect(pc.connectionState).toBe('closed');
  });

  it('rejects connect with the close code of a refused token', async () => {
    const pending = VoiceSession.connect({ endpoint: 'voice.example:9000', token: 'stale' });
    FakeSocket.last.receive('hello', { version: 1, heartbeat_interval: 15000 });
    FakeSocket.last.onclose?.({ code: 4004, reason: 'bad or expired voice token' });
    await expect(pending).rejects.toMatchObject({ code: 4004 });
  });

  it('sends heartbeats at the hello interval', async () => {
    vi.useFakeTimers();
    try {
      const pending = VoiceSession.connect({ endpoint: 'voice.example:9000', token: 't', timeoutMs: 60_000 });
      pending.catch(() => {});
      const socket = FakeSocket.last;
      socket.receive('hello', { version: 1, heartbeat_interval: 1000 });
      await vi.advanceTimersByTimeAsync(2500);
      expect(socket.ops().filter((op) => op === 'heartbeat')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
