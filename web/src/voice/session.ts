// A voice connection to one Accord voice node (docs/voice-protocol.md): the signalling
// socket, the peer connection, and the channel as the server describes it.
//
//   const voice = await VoiceSession.connect({ endpoint, token, microphone, onEvent });
//
// `endpoint` and `token` come from VOICE_SERVER_UPDATE (or the REST join); the token lives
// 60 s, so connect promptly. connect() resolves once our offer is answered; media flows as
// soon as ICE completes, and the others' tracks arrive with the server's offers.
//
// Controls:  setMuted(b)  setDeafened(b)  setMicrophone(stream | null)
//            startCamera(stream)  stopCamera()  startScreen(stream)  stopScreen()
//            watch(userId, tier)  unwatch(userId)  setLayer(userId, quality)
//            startRecording()  stopRecording()  resumeAudio()  close()
// State:     peers  me  localSpeaking  streams  recording  remote  state  muted  deafened
//            connectionState  stats()
// Events:    onEvent / subscribe(): 'changed' after any state change; 'closed' with the
//            close code (4014: moved or disconnected, rejoin with the next
//            VOICE_SERVER_UPDATE; 4006: replaced by another connection); 'error' for a
//            refused request; 'playback-blocked' when autoplay needs a user gesture
//            (call resumeAudio() from one).
//
// Deafening also silences the microphone and reports self_mute, as Discord does. The
// session sends a clone of the microphone track (muting disables the clone, not the app's
// track) and stops the clone on close; camera and screen tracks stay the app's to stop.

import type { Snowflake } from '../api/types';
import { MediaLink } from './media';
import type { ClientMessage, Peer, Quality, ServerMessage, StreamInfo, Tier } from './messages';
import { encode, parseServerMessage, signallingUrl } from './messages';
import { Negotiation } from './negotiation';
import { AudioPlayback } from './playback';
import { initialState, reduce, type VoiceState } from './protocol';
import { type RemoteMedia, RemoteMediaIndex } from './remote';
import { FULL_SIMULCAST_PIXELS } from './sdp';

export type VoiceEvent =
  | { type: 'changed' }
  | { type: 'closed'; code: number; reason: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'playback-blocked' };

export interface VoiceConnectOptions {
  /** VOICE_SERVER_UPDATE's `host:port`. */
  endpoint: string;
  /** VOICE_SERVER_UPDATE's voice token. */
  token: string;
  microphone?: MediaStream | null;
  onEvent?: (event: VoiceEvent) => void;
  /** Initial self mute and deafen; sent to the server only when given. */
  muted?: boolean;
  deafened?: boolean;
  /**
   * Send the camera as three simulcast layers. Off by default: Chromium sends all three
   * only for captures of 960x540 and up, and below that receivers of the top layer see
   * nothing (see CAMERA_LAYERS in sdp.ts).
   */
  cameraSimulcast?: boolean;
  /** How long connect() waits for the server's answer; default 15 s. */
  timeoutMs?: number;
}

/** connect() failed: `code` is the server's close code (4004 bad token…), null otherwise. */
export class VoiceConnectError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
  ) {
    super(message);
  }
}

const CLOSED_BY_CLIENT = 1000;

export class VoiceSession {
  private channel: VoiceState = initialState;
  private link: MediaLink | null = null;
  /** Created with the link at `ready`. */
  private negotiation: Negotiation | null = null;
  private readonly socket: WebSocket;
  private readonly listeners = new Set<(event: VoiceEvent) => void>();
  /** Handles server messages one at a time: SDP steps are async and must keep their order. */
  private queue: Promise<void> = Promise.resolve();
  private closeCode: number | null = null;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private readonly opened: Promise<void>;
  private settleOpen: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private readonly playback = new AudioPlayback(() => this.emit({ type: 'playback-blocked' }));
  private readonly remoteMedia = new RemoteMediaIndex();
  private microphone: MediaStreamTrack | null;
  private screenTrack: MediaStreamTrack | null = null;
  private selfMuted: boolean;
  private selfDeafened: boolean;

  static async connect(options: VoiceConnectOptions): Promise<VoiceSession> {
    const session = new VoiceSession(options);
    await session.opened;
    return session;
  }

  private constructor(private readonly options: VoiceConnectOptions) {
    if (options.onEvent) this.listeners.add(options.onEvent);
    this.microphone = options.microphone?.getAudioTracks()[0]?.clone() ?? null;
    this.selfMuted = options.muted ?? false;
    this.selfDeafened = options.deafened ?? false;
    this.playback.setMuted(this.selfDeafened);
    this.applyMicrophone();
    this.opened = new Promise((resolve, reject) => (this.settleOpen = { resolve, reject }));
    const timeout = setTimeout(
      () => this.failOpen(new VoiceConnectError('voice: no answer from the voice server in time', null)),
      options.timeoutMs ?? 15_000,
    );
    void this.opened.then(() => clearTimeout(timeout), () => clearTimeout(timeout));
    this.socket = new WebSocket(signallingUrl(options.endpoint, globalThis.location?.protocol ?? 'http:'));
    this.socket.onmessage = (e) => {
      const message = typeof e.data === 'string' ? parseServerMessage(e.data) : undefined;
      if (message) this.enqueue(() => this.handle(message));
    };
    this.socket.onclose = (e) => this.teardown(e.code, e.reason);
  }

  // ---- state -------------------------------------------------------------------------

  /** Everything the server told us, as one immutable value (replaced on each change). */
  get state(): VoiceState {
    return this.channel;
  }
  /** The other participants, by user id. */
  get peers(): ReadonlyMap<Snowflake, Peer> {
    return this.channel.peers;
  }
  /** Ourselves as the server sees us (null before `ready`). */
  get me(): Peer | null {
    return this.channel.me;
  }
  /** From the server's speaking events, which include our own. */
  get localSpeaking(): boolean {
    return this.channel.me?.speaking ?? false;
  }
  get streams(): ReadonlyMap<Snowflake, StreamInfo> {
    return this.channel.streams;
  }
  get recording(): boolean {
    return this.channel.recording;
  }
  /** The others' media by user id. A video stream stays while a camera is off: check `selfVideo`. */
  get remote(): ReadonlyMap<Snowflake, RemoteMedia> {
    return this.remoteMedia.byUser;
  }
  get muted(): boolean {
    return this.selfMuted;
  }
  get deafened(): boolean {
    return this.selfDeafened;
  }
  get connectionState(): RTCPeerConnectionState {
    return this.link?.connectionState ?? 'new';
  }
  /** The close code once closed, else null. */
  get closed(): number | null {
    return this.closeCode;
  }

  async stats(): Promise<{ audioPacketsReceived: number; audioPacketsSent: number }> {
    const packets = (await this.link?.audioPackets()) ?? { received: 0, sent: 0 };
    return { audioPacketsReceived: packets.received, audioPacketsSent: packets.sent };
  }

  /** Adds an event listener; returns its removal. */
  subscribe(listener: (event: VoiceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- controls ----------------------------------------------------------------------

  setMuted(muted: boolean): void {
    this.selfMuted = muted;
    this.applyMicrophone();
    this.send({ op: 'state', d: { self_mute: muted || this.selfDeafened } });
    this.emit({ type: 'changed' });
  }

  setDeafened(deafened: boolean): void {
    this.selfDeafened = deafened;
    this.playback.setMuted(deafened);
    this.applyMicrophone();
    this.send({ op: 'state', d: { self_deaf: deafened, self_mute: this.selfMuted || deafened } });
    this.emit({ type: 'changed' });
  }

  /** Switches the microphone (another device), or sends no audio with null. */
  async setMicrophone(stream: MediaStream | null): Promise<void> {
    const previous = this.microphone;
    this.microphone = stream?.getAudioTracks()[0]?.clone() ?? null;
    this.applyMicrophone();
    await this.link?.setMicrophone(this.microphone);
    previous?.stop();
  }

  async startCamera(stream: MediaStream): Promise<void> {
    const track = videoTrackOf(stream);
    const { width = 0, height = 0 } = track.getSettings?.() ?? {};
    if (this.options.cameraSimulcast && width * height > 0 && width * height < FULL_SIMULCAST_PIXELS) {
      console.warn(`voice: a ${width}x${height} camera is sent without its top simulcast layer`);
    }
    await this.link?.setCamera(track);
    this.send({ op: 'state', d: { self_video: true } });
  }

  async stopCamera(): Promise<void> {
    await this.link?.setCamera(null);
    this.send({ op: 'state', d: { self_video: false } });
  }

  /** Goes live with a screen capture (needs STREAM; a refusal arrives as an 'error' event). */
  async startScreen(stream: MediaStream): Promise<void> {
    const track = videoTrackOf(stream);
    this.screenTrack?.removeEventListener('ended', this.onScreenEnded);
    this.screenTrack = track;
    // The browser's own "Stop sharing" button ends the track: end the stream with it.
    track.addEventListener('ended', this.onScreenEnded);
    await this.link?.setScreen(track);
    this.send({ op: 'stream_start', d: {} });
  }

  async stopScreen(): Promise<void> {
    this.screenTrack?.removeEventListener('ended', this.onScreenEnded);
    this.screenTrack = null;
    await this.link?.setScreen(null);
    this.send({ op: 'stream_stop', d: {} });
  }

  private readonly onScreenEnded = () => void this.stopScreen();

  /** Watches a participant's live stream; call again to change the tier. */
  watch(userId: Snowflake, tier: Tier = '720p30'): void {
    this.send({ op: 'watch', d: { user_id: userId, tier } });
  }

  unwatch(userId: Snowflake): void {
    this.send({ op: 'unwatch', d: { user_id: userId } });
  }

  /** The camera layer wanted from one participant (default high). */
  setLayer(userId: Snowflake, quality: Quality): void {
    this.send({ op: 'layers', d: { user_id: userId, quality } });
  }

  /** Needs MANAGE_CHANNELS; `recording` changes when the server announces it. */
  startRecording(): void {
    this.send({ op: 'recording', d: { recording: true } });
  }

  stopRecording(): void {
    this.send({ op: 'recording', d: { recording: false } });
  }

  /** Retries audio playback the browser blocked; call it from a user gesture. */
  resumeAudio(): Promise<void> {
    return this.playback.resume();
  }

  close(): void {
    if (this.closeCode !== null) return;
    this.socket.close(CLOSED_BY_CLIENT);
    this.teardown(CLOSED_BY_CLIENT, 'closed by the client');
  }

  // ---- signalling --------------------------------------------------------------------

  private async handle(message: ServerMessage): Promise<void> {
    switch (message.op) {
      case 'hello':
        this.startHeartbeat(message.heartbeatInterval);
        this.send({ op: 'identify', d: { token: this.options.token } });
        return;
      case 'ready':
        this.apply(message);
        this.link = this.createLink(message.ready.iceServers);
        this.negotiation = new Negotiation(this.link, (m) => this.send(m));
        await this.negotiation.offer();
        if (this.options.muted !== undefined || this.options.deafened !== undefined) {
          const muted = this.selfMuted || this.selfDeafened;
          this.send({ op: 'state', d: { self_mute: muted, self_deaf: this.selfDeafened } });
        }
        return;
      case 'answer':
        await this.negotiation?.onAnswer(message.sdp);
        if (this.negotiation?.negotiated && this.settleOpen) {
          this.settleOpen.resolve();
          this.settleOpen = null;
        }
        return;
      case 'offer':
        // The track list first: ontrack fires during setRemoteDescription and looks it up.
        this.apply(message);
        await this.negotiation?.onServerOffer(message.sdp);
        this.syncRemote();
        return;
      case 'error':
        return this.onError(message.code, message.message);
      case 'heartbeat_ack':
        return;
      default:
        this.apply(message);
    }
  }

  private async onError(code: string, message: string): Promise<void> {
    const verdict = (await this.negotiation?.onError(code)) ?? 'unrelated';
    if (verdict === 'offer-refused') {
      return this.failOpen(new VoiceConnectError(`voice: the server refused our offer (${code}: ${message})`, null));
    }
    if (verdict === 'unrelated') this.emit({ type: 'error', code, message });
  }

  private createLink(iceServers: RTCIceServer[]): MediaLink {
    return new MediaLink({
      iceServers,
      microphone: this.microphone,
      cameraSimulcast: this.options.cameraSimulcast ?? false,
      onCandidate: (c) => this.send({ op: 'candidate', d: { candidate: c.candidate, sdp_mid: c.sdpMid ?? undefined } }),
      onTracksChanged: () => this.syncRemote(),
      onConnectionStateChange: () => this.emit({ type: 'changed' }),
      // Our m-lines never change, so this is rare; when it happens, offer after what is queued.
      onNegotiationNeeded: () => this.enqueue(() => this.negotiation?.renegotiate()),
    });
  }

  private enqueue(step: () => Promise<void> | void): void {
    // Steps queued behind a close have nothing left to act on.
    const live = () => (this.closeCode === null ? step() : undefined);
    this.queue = this.queue.then(live).catch((e: unknown) => this.onFailure(e));
  }

  private onFailure(error: unknown): void {
    // A step cut short by the close (its peer connection closed under it) is no news.
    if (this.closeCode !== null) return;
    const message = error instanceof Error ? error.message : String(error);
    if (this.settleOpen) return this.failOpen(new VoiceConnectError(`voice: ${message}`, null));
    this.emit({ type: 'error', code: 'client', message });
  }

  private apply(message: ServerMessage): void {
    const next = reduce(this.channel, message);
    if (next === this.channel) return;
    this.channel = next;
    this.emit({ type: 'changed' });
  }

  /** Rebuilds `remote` from the received tracks and the server's track list. */
  private syncRemote(): void {
    if (!this.link) return;
    this.remoteMedia.rebuild(this.channel.tracks, this.link.receivedTracks());
    this.playback.sync(this.remoteMedia.audio);
    this.emit({ type: 'changed' });
  }

  private applyMicrophone(): void {
    if (this.microphone) this.microphone.enabled = !(this.selfMuted || this.selfDeafened);
  }

  private startHeartbeat(interval: number): void {
    clearInterval(this.heartbeat);
    // The server closes after two silent intervals; one beat per interval leaves a margin.
    this.heartbeat = setInterval(() => this.send({ op: 'heartbeat', d: { nonce: Date.now() } }), interval);
  }

  private send(message: ClientMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(encode(message));
  }

  private emit(event: VoiceEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private failOpen(error: VoiceConnectError): void {
    if (!this.settleOpen) return;
    this.settleOpen.reject(error);
    this.settleOpen = null;
    this.close();
  }

  private teardown(code: number, reason: string): void {
    if (this.closeCode !== null) return;
    this.closeCode = code;
    clearInterval(this.heartbeat);
    this.link?.close();
    this.playback.close();
    this.microphone?.stop();
    this.screenTrack?.removeEventListener('ended', this.onScreenEnded);
    this.settleOpen?.reject(new VoiceConnectError(`voice: the server closed the connection (${code} ${reason})`, code));
    this.settleOpen = null;
    this.emit({ type: 'closed', code, reason });
  }
}

function videoTrackOf(stream: MediaStream): MediaStreamTrack {
  const track = stream.getVideoTracks()[0];
  if (!track) throw new Error('voice: the stream has no video track');
  return track;
}
