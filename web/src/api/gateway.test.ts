import { describe, expect, it, vi } from 'vitest';
import { Gateway, type Dispatch, type SocketLike } from './gateway';

/** A scripted server end of a socket: records what the client sends, and lets the test
 * deliver frames and closes. */
class FakeSocket implements SocketLike {
  readyState = 1;
  sent: { op: number; d: any }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  closedWith: number | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.closedWith = code;
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
  deliver(op: number, d: unknown, s: number | null = null, t: string | null = null) {
    this.onmessage?.({ data: JSON.stringify({ op, d, s, t }) } as MessageEvent);
  }
  /** The server drops the connection. */
  drop(code: number) {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const events: Dispatch[] = [];
  const fatal: number[] = [];
  const gateway = new Gateway({
    url: 'ws://server/gateway',
    token: async () => 'token-1',
    intents: 513,
    onDispatch: (e) => events.push(e),
    onFatal: (code) => fatal.push(code),
    socket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    backoff: () => 0,
  });
  return { gateway, sockets, events, fatal };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

async function identified() {
  const t = setup();
  t.gateway.start();
  t.sockets[0].deliver(10, { heartbeat_interval: 45000 });
  await flush();
  t.sockets[0].deliver(0, { session_id: 'abc', resume_gateway_url: 'ws://resume/gateway', user: { id: '1' } }, 1, 'READY');
  t.sockets[0].deliver(0, { id: 'm1' }, 2, 'MESSAGE_CREATE');
  return t;
}

describe('gateway client', () => {
  it('identifies after Hello with the token and intents', async () => {
    const { sockets } = await identified();
    expect(sockets[0].url).toBe('ws://server/gateway/?v=10&encoding=json');
    expect(sockets[0].sent[0]).toMatchObject({ op: 2, d: { token: 'token-1', intents: 513 } });
  });

  it('resumes at the resume URL with the last seq after a drop', async () => {
    const { gateway, sockets, events } = await identified();
    sockets[0].drop(1006);
    await flush();
    expect(sockets).toHaveLength(2);
    expect(sockets[1].url).toBe('ws://resume/gateway/?v=10&encoding=json');
    sockets[1].deliver(10, { heartbeat_interval: 45000 });
    await flush();
    expect(sockets[1].sent[0]).toEqual({ op: 6, d: { token: 'token-1', session_id: 'abc', seq: 2 } });
    sockets[1].deliver(0, { id: 'm3' }, 3, 'MESSAGE_CREATE');
    sockets[1].deliver(0, {}, 4, 'RESUMED');
    expect(events.map((e) => e.t)).toEqual(['READY', 'MESSAGE_CREATE', 'MESSAGE_CREATE', 'RESUMED']);
    expect(gateway.status).toBe('ready');
  });

  it('identifies afresh after an invalid session that cannot resume', async () => {
    const { sockets } = await identified();
    sockets[0].deliver(9, false);
    await flush();
    expect(sockets[0].closedWith).toBe(4000);
    sockets[1].deliver(10, { heartbeat_interval: 45000 });
    await flush();
    expect(sockets[1].sent[0].op).toBe(2);
    expect(sockets[1].url).toBe('ws://server/gateway/?v=10&encoding=json');
  });

  it('resumes after an invalid session that can', async () => {
    const { sockets } = await identified();
    sockets[0].deliver(9, true);
    await flush();
    sockets[1].deliver(10, { heartbeat_interval: 45000 });
    await flush();
    expect(sockets[1].sent[0].op).toBe(6);
  });

  it('reconnects and resumes when the server asks (op 7)', async () => {
    const { sockets } = await identified();
    sockets[0].deliver(7, null);
    await flush();
    sockets[1].deliver(10, { heartbeat_interval: 45000 });
    await flush();
    expect(sockets[1].sent[0]).toMatchObject({ op: 6, d: { seq: 2 } });
  });

  it('stops on an authentication failure and tells the app', async () => {
    const { sockets, fatal, gateway } = await identified();
    sockets[0].drop(4004);
    await flush();
    expect(sockets).toHaveLength(1);
    expect(fatal).toEqual([4004]);
    expect(gateway.status).toBe('stopped');
  });

  it('forgets the session after 4007 (invalid seq) and identifies', async () => {
    const { sockets } = await identified();
    sockets[0].drop(4007);
    await flush();
    sockets[1].deliver(10, { heartbeat_interval: 45000 });
    await flush();
    expect(sockets[1].sent[0].op).toBe(2);
  });

  it('heartbeats with the last seq, and treats a missing ACK as a dead connection', async () => {
    // Only intervals are faked: reconnecting still waits on a real (zero) timeout.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { sockets } = await identified();
      vi.advanceTimersByTime(45000);
      expect(sockets[0].sent.at(-1)).toEqual({ op: 1, d: 2 });
      vi.advanceTimersByTime(45000);
      expect(sockets[0].closedWith).toBe(4000);
      await flush();
      expect(sockets).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers a heartbeat request at once', async () => {
    const { sockets } = await identified();
    sockets[0].deliver(1, null);
    expect(sockets[0].sent.at(-1)).toEqual({ op: 1, d: 2 });
  });
});

describe('gateway client reconnecting', () => {
  it('skips the backoff when told the network is back', async () => {
    const sockets: FakeSocket[] = [];
    const gateway = new Gateway({
      url: 'ws://server/gateway',
      token: async () => 't',
      intents: 1,
      onDispatch: () => undefined,
      socket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      backoff: () => 60_000,
    });
    gateway.start();
    sockets[0].drop(1006);
    await flush();
    expect(sockets).toHaveLength(1);
    gateway.retryNow();
    expect(sockets).toHaveLength(2);
    gateway.stop();
  });
});
