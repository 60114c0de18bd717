// The client's actions: signing in and out, the gateway connection, and the REST calls the
// screens make. Results land in the store (through gateway events, or directly for pages of
// history); screens read the store.

import { Auth, Rest, type Tokens } from '../api/rest';
import { CLIENT_INTENTS, type Dispatch, Gateway } from '../api/gateway';
import type { Channel, Guild, Invite, Message, Snowflake, User } from '../api/types';
import { Store } from '../state/store';
import { addHistory, expireTyping, setMessages } from '../state/reduce';
import { emptyMessages } from '../state/state';

export const PAGE = 50;

export interface MfaChallenge {
  mfa: true;
  ticket: string;
}

export interface SendOptions {
  replyTo?: Snowflake;
  files?: File[];
  onProgress?: (fraction: number) => void;
}

export class Client {
  readonly auth = new Auth();
  readonly rest = new Rest(this.auth);
  readonly store = new Store();
  private gateway: Gateway | null = null;
  private dispatchListeners = new Set<(event: Dispatch) => void>();
  private lastTyping = new Map<Snowflake, number>();
  private typingTimer: ReturnType<typeof setInterval> | null = null;
  private loading = new Map<Snowflake, Promise<void>>();

  /** Connects the gateway for the signed-in account. */
  async start(): Promise<void> {
    if (this.gateway || !this.auth.signedIn) return;
    const { url } = await this.rest.get<{ url: string }>('/gateway').catch(() => ({ url: '' }));
    const gatewayUrl = url || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/gateway`;
    this.gateway = new Gateway({
      url: gatewayUrl,
      token: () => this.auth.fresh(),
      intents: CLIENT_INTENTS,
      onDispatch: (event) => {
        this.store.dispatch(event);
        this.dispatchListeners.forEach((l) => l(event));
      },
      onStatus: (status) => this.store.update((s) => ({ ...s, status })),
      onFatal: (code) => {
        if (code === 4004) void this.signOut(false);
      },
    });
    this.gateway.start();
    // The browser knows of a lost network before heartbeats do.
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
    this.typingTimer = setInterval(() => this.store.update((s) => expireTyping(s)), 1000);
  }

  private onOffline = () => this.gateway?.drop();
  private onOnline = () => this.gateway?.retryNow();

  stop(): void {
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    this.gateway?.stop();
    this.gateway = null;
    if (this.typingTimer) clearInterval(this.typingTimer);
    this.store.reset();
  }

  onDispatch(listener: (event: Dispatch) => void): () => void {
    this.dispatchListeners.add(listener);
    return () => this.dispatchListeners.delete(listener);
  }

  /** Sends a gateway opcode (presence 3, voice state 4, request members 8). */
  sendGateway(op: number, d: unknown): void {
    this.gateway?.send(op, d);
  }

  /** For the offline banner test and for "reconnect now". */
  dropConnection(): void {
    this.gateway?.drop();
  }

  // Accounts.

  async register(username: string, password: string, email?: string): Promise<void> {
    const tokens = await this.rest.post<Tokens>('/auth/register', { username, password, email: email || undefined });
    this.auth.set(tokens);
  }

  /** Signs in; a two-factor account answers a challenge to finish with `finishMfa`. */
  async login(login: string, password: string): Promise<MfaChallenge | null> {
    const answer = await this.rest.post<Tokens | MfaChallenge>('/auth/login', { login, password });
    if ('mfa' in answer && answer.mfa) return answer;
    this.auth.set(answer as Tokens);
    return null;
  }

  async finishMfa(ticket: string, code: string): Promise<void> {
    this.auth.set(await this.rest.post<Tokens>('/auth/mfa/totp', { ticket, code }));
  }

  async signOut(tellServer = true): Promise<void> {
    if (tellServer) await this.rest.post('/auth/logout').catch(() => undefined);
    this.stop();
    this.auth.clear();
  }

  // Guilds and invites.

  async createGuild(name: string): Promise<Guild> {
    return this.rest.post<Guild>('/guilds', { name });
  }

  async createInvite(channel: Snowflake, options: { max_age?: number; max_uses?: number } = {}): Promise<Invite> {
    return this.rest.post<Invite>(`/channels/${channel}/invites`, options);
  }

  async acceptInvite(code: string): Promise<Invite> {
    return this.rest.post<Invite>(`/invites/${encodeURIComponent(code)}`, {});
  }

  async openDm(user: Snowflake): Promise<Channel> {
    return this.rest.post<Channel>('/users/@me/channels', { recipient_id: user });
  }

  // Messages.

  /** Loads the page before the oldest loaded message (or the latest page). */
  loadOlder(channel: Snowflake): Promise<void> {
    const running = this.loading.get(channel);
    if (running) return running;
    const current = this.store.get().messages[channel];
    if (current?.complete) return Promise.resolve();
    const before = current?.list[0]?.id;
    const load = this.rest
      .get<Message[]>(`/channels/${channel}/messages`, { query: { limit: PAGE, before } })
      .then((page) => this.store.update((s) => addHistory(s, channel, page, PAGE)))
      .finally(() => this.loading.delete(channel));
    this.loading.set(channel, load);
    return load;
  }

  async send(channel: Snowflake, content: string, options: SendOptions = {}): Promise<Message> {
    const nonce = nonceNow();
    const me = this.store.get().me as User;
    const pending: Message = {
      id: `pending-${nonce}`,
      channel_id: channel,
      author: me,
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      type: options.replyTo ? 19 : 0,
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      attachments: [],
      embeds: [],
      pinned: false,
      nonce,
    };
    this.changePending(channel, (list) => [...list, pending]);
    const payload: Record<string, unknown> = { content, nonce, enforce_nonce: true };
    if (options.replyTo) payload.message_reference = { message_id: options.replyTo, fail_if_not_exists: false };
    try {
      if (options.files?.length) {
        const form = new FormData();
        payload.attachments = options.files.map((f, id) => ({ id, filename: f.name }));
        form.append('payload_json', JSON.stringify(payload));
        options.files.forEach((file, i) => form.append(`files[${i}]`, file, file.name));
        return await this.rest.request<Message>('POST', `/channels/${channel}/messages`, {
          form,
          onProgress: options.onProgress,
        });
      }
      return await this.rest.post<Message>(`/channels/${channel}/messages`, payload);
    } finally {
      this.changePending(channel, (list) => list.filter((m) => m.nonce !== nonce));
    }
  }

  private changePending(channel: Snowflake, change: (pending: Message[]) => Message[]): void {
    this.store.update((s) => {
      const current = s.messages[channel] ?? emptyMessages;
      return setMessages(s, channel, { ...current, pending: change(current.pending) });
    });
  }

  edit(channel: Snowflake, message: Snowflake, content: string): Promise<Message> {
    return this.rest.patch<Message>(`/channels/${channel}/messages/${message}`, { content });
  }

  remove(channel: Snowflake, message: Snowflake): Promise<void> {
    return this.rest.delete(`/channels/${channel}/messages/${message}`);
  }

  pin(channel: Snowflake, message: Snowflake, pinned: boolean): Promise<void> {
    const path = `/channels/${channel}/pins/${message}`;
    return pinned ? this.rest.put(path) : this.rest.delete(path);
  }

  react(channel: Snowflake, message: Snowflake, emoji: string, add: boolean): Promise<void> {
    const path = `/channels/${channel}/messages/${message}/reactions/${encodeURIComponent(emoji)}/@me`;
    return add ? this.rest.put(path) : this.rest.delete(path);
  }

  /** Marks `message` read in `channel` when it is newer than what was read. */
  ack(channel: Snowflake, message: Snowflake): void {
    const read = this.store.get().readStates[channel];
    if (read && read.last_message_id && BigInt(read.last_message_id) >= BigInt(message) && read.mention_count === 0) return;
    this.store.update((s) => ({
      ...s,
      readStates: { ...s.readStates, [channel]: { id: channel, last_message_id: message, mention_count: 0 } },
    }));
    void this.rest.post(`/channels/${channel}/messages/${message}/ack`, { token: null }).catch(() => undefined);
  }

  /** Tells the channel the user is typing, at most every 8 s. */
  typing(channel: Snowflake): void {
    const now = Date.now();
    if (now - (this.lastTyping.get(channel) ?? 0) < 8000) return;
    this.lastTyping.set(channel, now);
    void this.rest.post(`/channels/${channel}/typing`).catch(() => undefined);
  }

  stoppedTyping(channel: Snowflake): void {
    this.lastTyping.delete(channel);
  }
}

/** A nonce as Discord clients make them: a snowflake-like number for now. */
function nonceNow(): string {
  const ms = BigInt(Date.now() - 1420070400000);
  return ((ms << 22n) | BigInt(Math.floor(Math.random() * 4194304))).toString();
}
