// The one RTCPeerConnection of a voice session and the SDP steps on it. It knows nothing of
// the signalling socket: the session asks it for offers and answers and sends them.
//
// Our three m-lines are created once, in a fixed order, and never renegotiated: the
// microphone, camera and screen are swapped with replaceTrack, and a line with no track
// simply carries no media (docs/voice-protocol.md §2). Everything the server sends arrives
// on m-lines the server adds with its own offers.

import type { TrackKind } from './messages';
import { AUDIO_LEVEL_URI, CAMERA_LAYERS, declareTracks, mediaSections, preferCodec } from './sdp';

export interface MediaLinkOptions {
  iceServers: RTCIceServer[];
  microphone: MediaStreamTrack | null;
  /** Declare the camera with three simulcast layers instead of one (see CAMERA_LAYERS). */
  cameraSimulcast: boolean;
  onCandidate: (candidate: RTCIceCandidate) => void;
  /** A received track appeared or the set of m-lines changed. */
  onTracksChanged: () => void;
  onConnectionStateChange: (state: RTCPeerConnectionState) => void;
  /** The browser wants a new offer; it is ignored until the first offer has gone out. */
  onNegotiationNeeded: () => void;
}

/** A client offer: the SDP and what each of our m-lines carries. */
export interface ClientOffer {
  sdp: string;
  tracks: Record<string, TrackKind>;
}

/** The fields of an inbound-rtp or outbound-rtp stats entry that are counted. */
interface RtpStats {
  type?: string;
  kind?: string;
  packetsReceived?: number;
  packetsSent?: number;
}

/** The bitrate a screen share may use: the SFU's price of its top tier (1080p30). */
const SCREEN_MAX_BITRATE = 2_500_000;

export class MediaLink {
  private readonly pc: RTCPeerConnection;
  private readonly audio: RTCRtpTransceiver;
  private readonly camera: RTCRtpTransceiver;
  private readonly screen: RTCRtpTransceiver;

  constructor(options: MediaLinkOptions) {
    // One transport for everything (the SFU's single UDP port); BUNDLE-only avoids
    // gathering a transport per m-line that would never be used.
    this.pc = new RTCPeerConnection({ iceServers: options.iceServers, bundlePolicy: 'max-bundle' });
    this.audio = options.microphone
      ? this.pc.addTransceiver(options.microphone, { direction: 'sendrecv' })
      : this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    this.camera = this.pc.addTransceiver('video', {
      direction: 'sendonly',
      // Simulcast exists only if declared here: encodings cannot be added later.
      sendEncodings: options.cameraSimulcast ? CAMERA_LAYERS.map((l) => ({ ...l })) : [{ maxBitrate: 1_500_000 }],
    });
    this.screen = this.pc.addTransceiver('video', {
      direction: 'sendonly',
      sendEncodings: [{ maxBitrate: SCREEN_MAX_BITRATE }],
    });
    preferCodecs(this.audio, 'audio', 'audio/opus');
    preferCodecs(this.camera, 'video', 'video/VP8');
    preferCodecs(this.screen, 'video', 'video/VP8');
    this.pc.onicecandidate = (e) => {
      // A null or empty candidate marks the end of gathering; the protocol has no message for it.
      if (e.candidate?.candidate) options.onCandidate(e.candidate);
    };
    this.pc.ontrack = () => options.onTracksChanged();
    this.pc.onconnectionstatechange = () => options.onConnectionStateChange(this.pc.connectionState);
    this.pc.onnegotiationneeded = () => options.onNegotiationNeeded();
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  /** Whether our offer awaits the server's answer. */
  get hasLocalOffer(): boolean {
    return this.pc.signalingState === 'have-local-offer';
  }

  async createOffer(): Promise<ClientOffer> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const sdp = this.pc.localDescription?.sdp ?? '';
    warnWithoutAudioLevels(sdp);
    // Mids are assigned by setLocalDescription, so the declaration comes after it.
    const tracks = declareTracks([
      { mid: this.audio.mid, kind: 'audio' },
      { mid: this.camera.mid, kind: 'video' },
      { mid: this.screen.mid, kind: 'screen' },
    ]);
    return { sdp, tracks };
  }

  async acceptAnswer(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
  }

  /**
   * Answers a server offer. We are the polite peer: an offer of ours still waiting is
   * rolled back first (the server refuses it with `glare`, and the session offers again).
   */
  async answer(sdp: string): Promise<string> {
    if (this.hasLocalOffer) await this.pc.setLocalDescription({ type: 'rollback' });
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.pc.localDescription?.sdp ?? '';
  }

  /** The tracks received on each live m-line, by mid (ours included; the session filters). */
  receivedTracks(): Map<string, MediaStreamTrack> {
    const received = new Map<string, MediaStreamTrack>();
    for (const t of this.pc.getTransceivers()) {
      if (t.mid === null || t.currentDirection === 'stopped' || t.direction === 'stopped') continue;
      received.set(t.mid, t.receiver.track);
    }
    return received;
  }

  async setMicrophone(track: MediaStreamTrack | null): Promise<void> {
    await this.audio.sender.replaceTrack(track);
  }

  async setCamera(track: MediaStreamTrack | null): Promise<void> {
    await this.camera.sender.replaceTrack(track);
  }

  async setScreen(track: MediaStreamTrack | null): Promise<void> {
    await this.screen.sender.replaceTrack(track);
  }

  /** Audio RTP packets received from and sent to the SFU so far. */
  async audioPackets(): Promise<{ received: number; sent: number }> {
    let received = 0;
    let sent = 0;
    (await this.pc.getStats()).forEach((s: RtpStats) => {
      if (s.kind !== 'audio') return;
      if (s.type === 'inbound-rtp') received += s.packetsReceived ?? 0;
      if (s.type === 'outbound-rtp') sent += s.packetsSent ?? 0;
    });
    return { received, sent };
  }

  close(): void {
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.onnegotiationneeded = null;
    this.pc.close();
  }
}

/**
 * Puts `mimeType` first among the codecs the transceiver may use. Browsers without
 * setCodecPreferences, or that refuse the list, keep their default order: the server
 * answers with Opus and VP8 anyway, since they are all it supports.
 */
function preferCodecs(transceiver: RTCRtpTransceiver, kind: 'audio' | 'video', mimeType: string): void {
  if (typeof transceiver.setCodecPreferences !== 'function') return;
  // Browsers have validated the list against receiver capabilities (older Chromium) or
  // sender ones (the current spec, for send-only lines); try both.
  const lists = [globalThis.RTCRtpReceiver, globalThis.RTCRtpSender].map((c) => c?.getCapabilities?.(kind));
  for (const capabilities of lists) {
    if (!capabilities) continue;
    try {
      transceiver.setCodecPreferences(preferCodec(capabilities.codecs, mimeType));
      return;
    } catch {
      // Try the next list.
    }
  }
}

function warnWithoutAudioLevels(sdp: string): void {
  const audio = mediaSections(sdp).find((s) => s.kind === 'audio');
  if (audio && !audio.extensions.includes(AUDIO_LEVEL_URI)) {
    console.warn('voice: the browser offers no audio levels; speaking indicators will stay off');
  }
}
