import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationItem, Message } from '../../src/contract/index.js';
import { connectSocket, type TestSocket } from '../helpers/app.js';
import { type HttpTarget, makeFirm, makePortalClient, type StaffSession } from '../helpers/factories.js';
import {
  type ApiProcess,
  type NodeProcess,
  sharedSecret,
  startApiProcess,
  startWorkerProcess,
} from '../helpers/processes.js';
import { type ServiceProcess, startFerret, startRedis } from '../helpers/services.js';
import { startSmtpSink } from '../helpers/smtp.js';

/**
 * Faults with real processes: api nodes, the worker, Redis and the database of this file
 * alone (restarting them must not disturb the other files), killed or restarted while
 * clients keep sending. What each fault cost is printed (BENCHMARKS.md, "Faults").
 */

const ACK_TIMEOUT_MS = 6000;
/** Acks that say "try again": the sender retries with the same clientMessageId. */
const RETRYABLE = new Set(['UNAVAILABLE', 'INTERNAL', 'RATE_LIMITED', 'OVERLOADED']);

interface Sent {
  key: string;
  firstAt: number;
  ackAt: number;
  attempts: number;
  /** Why earlier attempts failed: an error code, or "timeout" / "disconnected". */
  failures: string[];
  message: Message;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One tab sending to one conversation the way the web app does: one message at a time,
 * and on a timeout, a lost connection or a retryable error ack, the same clientMessageId
 * again (reconnecting to whichever api node answers). Any other error ends the test.
 */
class Sender {
  readonly sent: Sent[] = [];
  private socket?: TestSocket;

  constructor(
    private readonly nodes: () => ApiProcess[],
    private readonly token: string,
    private readonly conversationId: string | undefined,
    private prefer: number,
  ) {}

  private async connect(): Promise<TestSocket> {
    if (this.socket?.connected) return this.socket;
    this.socket?.disconnect();
    for (;;) {
      const nodes = this.nodes();
      const url = nodes[this.prefer % nodes.length].url;
      const s = connectSocket(url, this.token);
      const outcome = await new Promise<string>((resolve) => {
        s.once('connect', () => resolve('connected'));
        s.once('connect_error', () => resolve('refused'));
        s.once('session:revoked', (p) => resolve(`revoked: ${p.reason}`));
        setTimeout(() => resolve('timeout'), ACK_TIMEOUT_MS);
      });
      if (outcome.startsWith('revoked')) throw new Error(`session lost during a fault (${outcome})`);
      if (outcome === 'connected') {
        this.socket = s;
        return s;
      }
      s.disconnect();
      this.prefer++;
      await sleep(200);
    }
  }

  async send(count: number, label: string): Promise<void> {
    for (let i = 0; i < count; i++) {
      const key = randomUUID();
      const firstAt = Date.now();
      const failures: string[] = [];
      for (let attempt = 1; ; attempt++) {
        if (Date.now() - firstAt > 60_000)
          throw new Error(`message ${key} not acked after 60 s: ${failures}`);
        const socket = await this.connect();
        let ack;
        try {
          ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', {
            conversationId: this.conversationId,
            clientMessageId: key,
            text: `${label} ${i}`,
          });
        } catch {
          failures.push(socket.connected ? 'timeout' : 'disconnected');
          continue;
        }
        if (ack.ok) {
          this.sent.push({
            key,
            firstAt,
            ackAt: Date.now(),
            attempts: attempt,
            failures,
            message: ack.message,
          });
          break;
        }
        if (!RETRYABLE.has(ack.error.code)) throw new Error(`send failed: ${JSON.stringify(ack.error)}`);
        failures.push(ack.error.code);
        await sleep(ack.error.retryAfterMs ?? 250);
      }
    }
  }

  close(): void {
    this.socket?.disconnect();
  }
}

interface Fault {
  /** When the fault began and when the service answered again (for a killed api node: at once). */
  start: number;
  back: number;
}

/** What a fault cost the senders, from their own clocks. */
function cost(name: string, senders: Sender[], fault: Fault) {
  const all = senders.flatMap((s) => s.sent);
  const hit = all.filter((m) => m.ackAt >= fault.start && m.firstAt <= fault.back);
  const delayed = all.filter((m) => m.attempts > 1 || m.ackAt - m.firstAt > 1000);
  const failures: Record<string, number> = {};
  for (const f of all.flatMap((m) => m.failures)) failures[f] = (failures[f] ?? 0) + 1;
  const lastHeld = Math.max(fault.back, ...hit.map((m) => m.ackAt));
  const figures = {
    fault: name,
    messages: all.length,
    outageMs: fault.back - fault.start,
    delayed: delayed.length,
    retried: all.filter((m) => m.attempts > 1).length,
    failures,
    worstSendToAckMs: Math.max(...all.map((m) => m.ackAt - m.firstAt)),
    // From the service answering again until the last message held up by the fault was acked.
    recoverMs: lastHeld - fault.back,
  };
  console.log(`fault cost ${JSON.stringify(figures)}`);
  return figures;
}

describe('faults: nodes, Redis, the database and the worker die while clients send', () => {
  let redis: ServiceProcess;
  let db: ServiceProcess;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let env: Record<string, string>;
  let nodes: ApiProcess[] = [];
  const extra: NodeProcess[] = [];
  const senders: Sender[] = [];
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    [redis, db, smtp] = await Promise.all([startRedis(), startFerret(), startSmtpSink()]);
    env = {
      MONGO_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `tf${randomBytes(3).toString('hex')}:`,
      SECRET_KEY: sharedSecret(),
      ARGON2_MEMORY_KIB: '1024',
      LOGIN_RATE_PER_MINUTE: '100000',
      // One staff member sends from four tabs as fast as acks come: the figures are about
      // the faults, not the per-sender limits (a limited send would be retried all the same).
      SOCKET_SEND_LIMIT: '1000/1000',
      SOCKET_EVENT_LIMIT: '1000/1000',
      // A dead node's sockets age out quickly, and reminders fire within the test.
      PRESENCE_TTL_SECONDS: '4',
      UNREAD_REMINDER_SECONDS: '2',
      SMTP_URL: smtp.url,
      // A worker that dies loses its job's claim within 2 s, noticed within 1 s.
      JOB_LOCK_SECONDS: '2',
      JOB_STALLED_CHECK_SECONDS: '1',
    };
    nodes = await Promise.all([startApiProcess(env), startApiProcess(env)]);
  }, 90_000);

  afterAll(async () => {
    senders.forEach((s) => s.close());
    sockets.forEach((s) => s.disconnect());
    await Promise.all([...nodes, ...extra].map((n) => n.stop('SIGKILL')));
    await Promise.all([redis?.dispose(), db?.dispose(), smtp?.close()]);
  });

  const api = (): HttpTarget => ({ http: () => request(nodes[0].url) });

  async function firmWithClients(count: number) {
    const staff = await makeFirm(api());
    const clients = [];
    for (let i = 0; i < count; i++)
      clients.push(await makePortalClient(api(), staff, { chat: true, onlineStatus: true }));
    return { staff, clients };
  }

  async function openStaffSocket(staff: StaffSession, node: ApiProcess) {
    const s = connectSocket(node.url, staff.token);
    sockets.push(s);
    await new Promise<void>((r) => s.once('connect', () => r()));
    const live: Message[] = [];
    const unread = new Map<string, { unreadForStaff: number; pendingForClient: number }>();
    s.on('message:new', (m) => live.push(m));
    s.on('unread', (u) => unread.set(u.conversationId, u));
    return { socket: s, live, unread };
  }

  /**
   * Every client of the firm and one staff tab per conversation send `perSender` messages;
   * `fault` runs once a third of them are acked and returns its timing.
   */
  async function burst(
    x: Awaited<ReturnType<typeof firmWithClients>>,
    perSender: number,
    fault: () => Promise<Fault>,
  ) {
    const own: Sender[] = [];
    x.clients.forEach((c, i) => own.push(new Sender(() => nodes, c.token, undefined, i)));
    x.clients.forEach((c, i) =>
      own.push(new Sender(() => nodes, x.staff.token, c.client.conversationId ?? undefined, i + 1)),
    );
    senders.push(...own);
    const total = own.length * perSender;
    const sending = Promise.all(own.map((s, i) => s.send(perSender, `m${i}`)));
    // A sender's failure is reported by the await below, not as an unhandled rejection.
    sending.catch(() => undefined);
    await expect
      .poll(() => own.reduce((n, s) => n + s.sent.length, 0), { timeout: 30_000, interval: 20 })
      .toBeGreaterThanOrEqual(total / 3);
    const timing = await fault();
    await sending;
    return { senders: own, timing };
  }

  /** Nothing acked lost, nothing stored twice, order per sender, unread counts exact. */
  async function verify(x: Awaited<ReturnType<typeof firmWithClients>>, own: Sender[]) {
    const byConversation = new Map<string, Sent[]>();
    for (const s of own) {
      for (const m of s.sent) {
        const list = byConversation.get(m.message.conversationId) ?? [];
        list.push(m);
        byConversation.set(m.message.conversationId, list);
      }
      // One sender's messages got increasing seqs in the order it sent them.
      const seqs = s.sent.map((m) => m.message.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
    const inbox = await request(nodes[0].url).get('/api/conversations').set(x.staff.auth).expect(200);
    for (const [conversationId, acked] of byConversation) {
      const history = await request(nodes[0].url)
        .get(`/api/conversations/${conversationId}/messages?limit=500`)
        .set(x.staff.auth)
        .expect(200);
      const stored: Message[] = history.body.items;
      // Exactly the acked messages, each once, with the seq its ack named.
      expect(stored.map((m) => `${m.sender.id}:${m.clientMessageId}:${m.seq}`).sort()).toEqual(
        acked.map((m) => `${m.message.sender.id}:${m.key}:${m.message.seq}`).sort(),
      );
      const seqs = stored.map((m) => m.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      const conv = (inbox.body.items as ConversationItem[]).find((c) => c.id === conversationId);
      expect(conv).toBeDefined();
      const count = (kind: 'client' | 'staff', after: number) =>
        stored.filter((m) => m.sender.kind === kind && m.seq > after).length;
      expect({ unreadForStaff: conv!.unreadForStaff, pendingForClient: conv!.pendingForClient }).toEqual({
        unreadForStaff: count('client', conv!.staffReadSeq),
        pendingForClient: count('staff', conv!.clientReadSeq),
      });
    }
    return byConversation;
  }

  /** Reading everything leaves nothing unread, on both sides; presence says who is connected. */
  async function converge(
    x: Awaited<ReturnType<typeof firmWithClients>>,
    byConversation: Map<string, Sent[]>,
  ) {
    const staffTab = await openStaffSocket(x.staff, nodes[0]);
    for (const [conversationId, acked] of byConversation) {
      const last = Math.max(...acked.map((m) => m.message.seq));
      const read = await staffTab.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('conversation:read', { conversationId, seq: last });
      expect(read).toEqual({ ok: true });
    }
    for (const c of x.clients) {
      const s = connectSocket(nodes[0].url, c.token);
      sockets.push(s);
      await new Promise<void>((r) => s.once('connect', () => r()));
      const acked = byConversation.get(String(c.client.conversationId)) ?? [];
      const read = await s.timeout(ACK_TIMEOUT_MS).emitWithAck('conversation:read', {
        conversationId: String(c.client.conversationId),
        seq: Math.max(...acked.map((m) => m.message.seq)),
      });
      expect(read).toEqual({ ok: true });
    }
    const inbox = await request(nodes[0].url).get('/api/conversations').set(x.staff.auth).expect(200);
    for (const conv of inbox.body.items as ConversationItem[]) {
      expect({ id: conv.id, unread: conv.unreadForStaff, pending: conv.pendingForClient }).toEqual({
        id: conv.id,
        unread: 0,
        pending: 0,
      });
    }
    // Presence converges: every client has a live socket, and so does the staff member.
    await expect
      .poll(
        async () => {
          const res = await request(nodes[0].url).get('/api/conversations').set(x.staff.auth);
          return (res.body.items as ConversationItem[]).every((c) => c.clientOnline);
        },
        { timeout: 15_000, interval: 250 },
      )
      .toBe(true);
    const staffList = await request(nodes[0].url).get('/api/staff').set(x.staff.auth).expect(200);
    expect(staffList.body.items.map((s: { online: boolean }) => s.online)).toEqual([true]);
  }

  /** /api/health of a node until it answers `status`; returns the error body of a 503. */
  async function healthUntil(node: ApiProcess, status: number) {
    let body: unknown;
    await expect
      .poll(
        async () => {
          const res = await fetch(`${node.url}/api/health`).catch(() => null);
          body = await res?.json().catch(() => null);
          return res?.status;
        },
        { timeout: 30_000, interval: 100 },
      )
      .toBe(status);
    return body;
  }

  it('an api node killed with SIGKILL mid-burst: its senders move to the other node and lose nothing', async () => {
    const x = await firmWithClients(4);
    const { senders: own, timing } = await burst(x, 30, async () => {
      const start = Date.now();
      const victim = nodes[0];
      await victim.stop('SIGKILL');
      nodes = [nodes[1]];
      // A replacement comes up while the survivor carries the load.
      nodes.push(await startApiProcess(env));
      return { start, back: start };
    });
    const byConversation = await verify(x, own);
    cost('api node SIGKILL', own, timing);
    await converge(x, byConversation);
  }, 120_000);

  /** Kills a service mid-burst, keeps it down 1.5 s, restarts it; health says which was down. */
  async function restartDuring(service: 'redis' | 'mongo', name: string): Promise<void> {
    const proc = service === 'redis' ? redis : db;
    const x = await firmWithClients(4);
    let during: unknown;
    const { senders: own, timing } = await burst(x, 30, async () => {
      const start = Date.now();
      await proc.stop('SIGKILL');
      during = await healthUntil(nodes[0], 503);
      await sleep(1500);
      await proc.start();
      const back = Date.now();
      await Promise.all(nodes.map((n) => healthUntil(n, 200)));
      return { start, back };
    });
    expect(during).toEqual({
      error: expect.objectContaining({
        code: 'UNAVAILABLE',
        details: {
          status: 'degraded',
          mongo: service === 'mongo' ? 'down' : 'up',
          redis: service === 'redis' ? 'down' : 'up',
        },
      }),
    });
    const byConversation = await verify(x, own);
    cost(name, own, timing);
    await converge(x, byConversation);
  }

  it(
    'Redis restarted while clients send: sends fail fast or wait, retries store once, sessions survive',
    () => restartDuring('redis', 'Redis restart (SIGKILL, AOF on)'),
    120_000,
  );

  it(
    'the database restarted while clients send: nothing acked lost, counters exact',
    () => restartDuring('mongo', 'database restart (SIGKILL)'),
    120_000,
  );

  it('the worker killed between claiming a reminder and sending it: one e-mail after restart', async () => {
    const staff = await makeFirm(api());
    const client = await makePortalClient(api(), staff);
    const email = `faults-${randomUUID().slice(0, 8)}@padaria.com.br`;
    await request(nodes[0].url)
      .patch(`/api/clients/${client.client.id}`)
      .set(staff.auth)
      .send({ email })
      .expect(200);
    smtp.hold(email);
    const worker = await startWorkerProcess(env);
    extra.push(worker);
    const s = (await openStaffSocket(staff, nodes[0])).socket;
    const ack = await s.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', {
      conversationId: String(client.client.conversationId),
      clientMessageId: randomUUID(),
      text: 'Sua guia do DAS chegou',
    });
    expect(ack.ok).toBe(true);
    // The worker has claimed the reminder and is inside the send when it dies.
    await expect
      .poll(() => smtp.held.filter((m) => m.to.includes(email)).length, { timeout: 20_000 })
      .toBe(1);
    const killed = Date.now();
    await worker.stop('SIGKILL');
    smtp.hold(null);
    extra.push(await startWorkerProcess(env));
    await expect
      .poll(() => smtp.mails.filter((m) => m.to.includes(email)).length, { timeout: 20_000, interval: 100 })
      .toBe(1);
    console.log(
      `fault cost ${JSON.stringify({ fault: 'worker SIGKILL mid-job', reminderAfterMs: Date.now() - killed })}`,
    );
    const monitor = await request(nodes[0].url).get('/api/monitor').set(staff.auth).expect(200);
    expect(monitor.body.items).toEqual([
      expect.objectContaining({ direction: 'toClient', count: 1, reminded: true }),
    ]);
    // Exactly once: the stalled-job check has run several times since (every second).
    await sleep(4000);
    expect(smtp.mails.filter((m) => m.to.includes(email)).length).toBe(1);
  }, 60_000);
});
