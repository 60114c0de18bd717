// The user's voice connection as the app sees it: joining over the gateway (opcode 4, then
// VOICE_SERVER_UPDATE's endpoint and token), the media session on the voice node, the
// controls, and following a moderator's move or disconnect.

import type { Client } from '../client/client';
import type { Dispatch } from '../api/gateway';
import type { Snowflake, VoiceState } from '../api/types';
import type { Tier, VoiceSession } from '../voice';

export interface VoiceUi {
  guild: Snowflake | null;
  channel: Snowflake | null;
  status: 'idle' | 'joining' | 'connected' | 'reconnecting';
  muted: boolean;
  deafened: boolean;
  camera: boolean;
  screen: boolean;
  error: string | null;
  /** Bumped on every change of the media session, so its readers re-render. */
  revision: number;
}

const IDLE: VoiceUi = {
  guild: null,
  channel: null,
  status: 'idle',
  muted: false,
  deafened: false,
  camera: false,
  screen: false,
  error: null,
  revision: 0,
};

export class VoiceManager {
  private ui: VoiceUi = IDLE;
  private listeners = new Set<() => void>();
  session: VoiceSession | null = null;
  private microphone: MediaStream | null = null;
  private camera: MediaStream | null = null;
  private screen: MediaStream | null = null;
  private stopFollowing: (() => void) | null = null;

  constructor(private client: Client) {}

  get state(): VoiceUi {
    return this.ui;
  }

  /** The user's own camera, for their tile. */
  get localCamera(): MediaStream | null {
    return this.camera;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(change: Partial<VoiceUi>): void {
    this.ui = { ...this.ui, ...change, revision: this.ui.revision + 1 };
    this.listeners.forEach((l) => l());
  }

  /** Joins `channel` (a guild voice or stage channel, or a DM for a call). */
  async join(guild: Snowflake | null, channel: Snowflake): Promise<void> {
    if (this.ui.channel === channel && this.ui.status !== 'idle') return;
    this.closeSession();
    this.set({ guild, channel, status: 'joining', error: null });
    if (!this.microphone) {
      this.microphone = await navigator.mediaDevices?.getUserMedia({ audio: true }).catch(() => null);
      if (!this.microphone) this.set({ muted: true, error: 'No microphone: you are muted.' });
    }
    this.follow();
    this.requestServer();
  }

  /** Leaves the channel, and stops every capture. */
  leave(): void {
    if (this.ui.status === 'idle') return;
    this.client.sendGateway(4, { guild_id: this.ui.guild, channel_id: null, self_mute: false, self_deaf: false });
    this.reset();
  }

  toggleMute(): void {
    const muted = !this.ui.muted;
    this.session?.setMuted(muted);
    this.set({ muted });
  }

  toggleDeafen(): void {
    const deafened = !this.ui.deafened;
    this.session?.setDeafened(deafened);
    this.set({ deafened });
  }

  async toggleCamera(): Promise<void> {
    if (this.camera) {
      await this.session?.stopCamera();
      stopTracks(this.camera);
      this.camera = null;
      this.set({ camera: false });
      return;
    }
    try {
      this.camera = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 } });
      await this.session?.startCamera(this.camera);
      this.set({ camera: true, error: null });
    } catch (error) {
      this.set({ error: `Camera unavailable: ${(error as Error).message}` });
    }
  }

  async toggleScreen(): Promise<void> {
    if (this.screen) {
      await this.session?.stopScreen();
      stopTracks(this.screen);
      this.screen = null;
      this.set({ screen: false });
      return;
    }
    try {
      this.screen = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 30 }, audio: false });
      // The browser's own "stop sharing" ends the track.
      this.screen.getVideoTracks()[0]?.addEventListener('ended', () => void (this.screen && this.toggleScreen()));
      await this.session?.startScreen(this.screen);
      this.set({ screen: true, error: null });
    } catch (error) {
      this.screen = null;
      this.set({ error: `Screen share unavailable: ${(error as Error).message}` });
    }
  }

  watch(user: Snowflake, tier: Tier): void {
    this.session?.watch(user, tier);
  }

  unwatch(user: Snowflake): void {
    this.session?.unwatch(user);
  }

  /** Lets audio play where the browser waited for a click. */
  resumeAudio(): void {
    void this.session?.resumeAudio();
  }

  private requestServer(): void {
    this.client.sendGateway(4, {
      guild_id: this.ui.guild,
      channel_id: this.ui.channel,
      self_mute: this.ui.muted,
      self_deaf: this.ui.deafened,
      self_video: false,
    });
  }

  /** Follows our voice state and server: a new server (a join, a move) connects media there;
   * our state gone (disconnected by a moderator, the channel deleted) ends the call. */
  private follow(): void {
    this.stopFollowing?.();
    this.stopFollowing = this.client.onDispatch((event: Dispatch) => {
      const me = this.client.store.get().me?.id;
      if (event.t === 'VOICE_SERVER_UPDATE' && event.d.endpoint && this.ui.status !== 'idle') {
        const channel = (event.d.channel_id as Snowflake | undefined) ?? this.ui.channel;
        if (channel) this.set({ channel });
        void this.connect(event.d.endpoint, event.d.token);
      } else if (event.t === 'VOICE_STATE_UPDATE' && (event.d as VoiceState).user_id === me) {
        const state = event.d as VoiceState;
        const sameScope = (state.guild_id ?? null) === this.ui.guild || state.channel_id === this.ui.channel;
        if (!sameScope) return;
        if (!state.channel_id && this.ui.status === 'connected') this.reset();
        else if (state.channel_id && state.channel_id !== this.ui.channel) this.set({ channel: state.channel_id });
      }
    });
  }

  private async connect(endpoint: string, token: string): Promise<void> {
    this.closeSession();
    try {
      // The media code loads with the first call, not with the app.
      const { VoiceSession } = await import('../voice');
      const session = await VoiceSession.connect({
        endpoint,
        token,
        microphone: this.microphone,
        muted: this.ui.muted,
        deafened: this.ui.deafened,
        onEvent: (event) => {
          if (event.type === 'changed') this.set({});
          else if (event.type === 'error') this.set({ error: event.message });
          else if (event.type === 'playback-blocked') this.set({ error: 'Click anywhere to hear the call.' });
          else if (event.type === 'closed' && this.session === session) this.onClosed(event.code);
        },
      });
      this.session = session;
      if (this.camera) await session.startCamera(this.camera);
      if (this.screen) await session.startScreen(this.screen);
      this.set({ status: 'connected', error: null });
    } catch (error) {
      this.set({ status: 'reconnecting', error: `Voice connection failed: ${(error as Error).message}` });
    }
  }

  private onClosed(code: number): void {
    this.session = null;
    if (code === 4014 || code === 4006 || code === 4003) {
      // Moved (a new server update follows), disconnected, or replaced: wait for the
      // gateway's word; without it in a few seconds, the call is over.
      this.set({ status: 'reconnecting' });
      setTimeout(() => this.ui.status === 'reconnecting' && !this.session && this.reset(), 5000);
      return;
    }
    // A dropped media connection: ask for a fresh token and connect again.
    this.set({ status: 'reconnecting' });
    setTimeout(() => this.ui.status === 'reconnecting' && this.requestServer(), 1000);
  }

  private closeSession(): void {
    const session = this.session;
    this.session = null;
    session?.close();
  }

  private reset(): void {
    this.stopFollowing?.();
    this.stopFollowing = null;
    this.closeSession();
    for (const stream of [this.microphone, this.camera, this.screen]) if (stream) stopTracks(stream);
    this.microphone = this.camera = this.screen = null;
    this.ui = { ...IDLE, revision: this.ui.revision + 1 };
    this.listeners.forEach((l) => l());
  }
}

function stopTracks(stream: MediaStream): void {
  stream.getTracks().forEach((t) => t.stop());
}
