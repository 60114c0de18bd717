// The gateway client (Discord API v10, JSON): Hello, identify, heartbeats with zombie
// detection, and reconnect with RESUME so a dropped connection loses no event. A fatal close
// (bad token, bad intents) stops it; op 9 starts a fresh session.

export type GatewayStatus = 'connecting' | 'ready' | 'reconnecting' | 'offline' | 'stopped';

export interface Dispatch {
  t: string;
  d: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- each event has its own shape
  s: number;
}

interface Frame {
  op: number;
  d: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  s: number | null;
  t: string | null;
}

/** The sockets the client opens; a test passes its own. */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}

export interface GatewayOptions {
  url: string;
  token: () => Promise<string | null>;
  intents: number;
  onDispatch: (event: Dispatch) => void;
  onStatus?: (status: GatewayStatus) => void;
  /** A close the client must not retry (4004 authentication failed, ...). */
  onFatal?: (code: number) => void;
  socket?: (url: string) => SocketLike;
  /** Delay before reconnect attempt `n` (from 0), in ms. */
  backoff?: (attempt: number) => number;
}

/** Close codes after which a new connection cannot succeed as is. */
export const FATAL = new Set([4004, 4010, 4011, 4012, 4013, 4014]);

/** GUILDS, GUILD_MEMBERS, GUILD_MODERATION, GUILD_EMOJIS, GUILD_VOICE_STATES, GUILD_PRESENCES,
 * GUILD_MESSAGES, GUILD_MESSAGE_REACTIONS, GUILD_MESSAGE_TYPING, DIRECT_MESSAGES,
 * DIRECT_MESSAGE_REACTIONS, DIRECT_MESSAGE_TYPING, MESSAGE_CONTENT. */
export const CLIENT_INTENTS =
  (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) |
  (1 << 12) | (1 << 13) | (1 << 14) | (1 << 15);

export class Gateway {
  private socket: SocketLike | null = null;
  private sessionId: string | null = null;
  private resumeUrl: string | null = null;
  private seq: number | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private acked = true;
  private attempt = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  status: GatewayStatus = 'connecting';

  constructor(private options: GatewayOptions) {}

  /** Whether a dropped connection will resume (a session is known). */
  get resumable(): boolean {
    return this.sessionId !== null && this.seq !== null;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.socket?.close(1000);
    this.socket = null;
    this.setStatus('stopped');
  }

  /** Sends a client opcode (presence update, voice state update, request members). */
  send(op: number, d: unknown): void {
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify({ op, d }));
  }

  /** Drops the connection as a network failure would (the client then resumes). */
  drop(): void {
    this.socket?.close(4000, 'reconnecting');
  }

  /** Reconnects now rather than after the backoff (the network is back). */
  retryNow(): void {
    if (!this.retry || this.stopped) return;
    clearTimeout(this.retry);
    this.retry = null;
    this.open();
  }

  private open(): void {
    this.clearTimers();
    const base = this.resumable && this.resumeUrl ? this.resumeUrl : this.options.url;
    const url = `${base.replace(/\/$/, '')}/?v=10&encoding=json`;
    const socket = (this.options.socket ?? ((u) => new WebSocket(u)))(url);
    this.socket = socket;
    socket.onmessage = (e) => this.onFrame(JSON.parse(String(e.data)) as Frame);
    socket.onclose = (e) => this.onClose(socket, e.code);
    socket.onerror = () => {};
  }

  private onFrame(frame: Frame): void {
    if (frame.s !== null && frame.s !== undefined) this.seq = frame.s;
    switch (frame.op) {
      case 10:
        this.startHeartbeat(frame.d.heartbeat_interval);
        void this.hello();
        break;
      case 11:
        this.acked = true;
        break;
      case 1:
        this.beat();
        break;
      case 7:
        this.socket?.close(4000, 'reconnect requested');
        break;
      case 9:
        if (!frame.d) {
          this.sessionId = null;
          this.seq = null;
        }
        // Discord asks for a 1 to 5 s wait before identifying again.
        this.socket?.close(4000, 'invalid session');
        break;
      case 0:
        this.onDispatch(frame as Dispatch);
        break;
    }
  }

  private onDispatch(event: Dispatch): void {
    if (event.t === 'READY') {
      this.sessionId = event.d.session_id;
      this.resumeUrl = event.d.resume_gateway_url ?? null;
    }
    if (event.t === 'READY' || event.t === 'RESUMED') {
      this.attempt = 0;
      this.setStatus('ready');
    }
    this.options.onDispatch(event);
  }

  private async hello(): Promise<void> {
    const token = await this.options.token();
    if (!token) {
      this.stop();
      this.options.onFatal?.(4004);
      return;
    }
    if (this.resumable) {
      this.send(6, { token, session_id: this.sessionId, seq: this.seq });
    } else {
      const properties = { os: 'web', browser: 'Accord Web', device: 'Accord Web' };
      this.send(2, { token, intents: this.options.intents, properties, compress: false, large_threshold: 250 });
    }
  }

  private startHeartbeat(interval: number): void {
    this.acked = true;
    this.heartbeat = setInterval(() => {
      if (!this.acked) {
        // No ACK since the last beat: the connection is a zombie.
        this.socket?.close(4000, 'heartbeat not acknowledged');
        return;
      }
      this.beat();
    }, interval);
  }

  private beat(): void {
    this.acked = false;
    this.send(1, this.seq);
  }

  private onClose(socket: SocketLike, code: number): void {
    if (socket !== this.socket) return;
    this.clearTimers();
    this.socket = null;
    if (this.stopped) return;
    if (FATAL.has(code)) {
      this.stopped = true;
      this.setStatus('stopped');
      this.options.onFatal?.(code);
      return;
    }
    if (code === 4007) {
      // An invalid seq: this session cannot resume.
      this.sessionId = null;
      this.seq = null;
    }
    this.setStatus(this.attempt > 0 ? 'offline' : 'reconnecting');
    const delay = (this.options.backoff ?? defaultBackoff)(this.attempt++);
    this.retry = setTimeout(() => this.open(), delay);
  }

  private clearTimers(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.retry) clearTimeout(this.retry);
    this.heartbeat = null;
    this.retry = null;
  }

  private setStatus(status: GatewayStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.options.onStatus?.(status);
  }
}

function defaultBackoff(attempt: number): number {
  const base = Math.min(30_000, 500 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}
