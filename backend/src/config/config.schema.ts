import { isIP } from 'node:net';
import { z } from 'zod';

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL (${protocols.join(' or ')})`,
  );

/** `"<per second>/<burst>"`: a token bucket refilled at that rate, holding at most `burst` tokens. */
const bucket = (fallback: string) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?\/\d+$/, 'must be "<per second>/<burst>", e.g. 3/20')
    .default(fallback)
    .transform((v) => {
      const [perSecond, burst] = v.split('/').map(Number);
      return { perSecond, burst };
    })
    .refine((b) => b.perSecond > 0 && b.burst >= 1, 'needs a rate above 0 and a burst of at least 1');

const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, a subnet (`addr/bits`) or one of Express's named ranges. */
function isProxyAddress(entry: string): boolean {
  if (TRUST_PROXY_NAMES.includes(entry)) return true;
  const [addr, bits, extra] = entry.split('/');
  const family = isIP(addr);
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * Which peers may tell the client's address in X-Forwarded-For: `web` (the default: only
 * the bundled web server, which proves itself with a header derived from SECRET_KEY; see
 * common/client-ip.ts), `false` (none: the socket's address counts), a hop count (the N
 * nearest hops are trusted whatever their address: only when nothing can reach the api
 * except through them), or a comma-separated list of addresses and subnets (and
 * `loopback`, `linklocal`, `uniquelocal`). The client is the right-most address not
 * trusted. All but `web` become Express's `trust proxy` setting.
 */
const trustProxy = z
  .string()
  .default('web')
  .transform((v, ctx): 'web' | false | number | string[] => {
    const value = v.trim();
    if (value === 'web') return 'web';
    if (value === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    const list = value.split(',').map((e) => e.trim());
    const bad = list.filter((e) => !isProxyAddress(e));
    if (bad.length) {
      ctx.addIssue({
        code: 'custom',
        message: `must be web, false, a hop count, or addresses/subnets (not ${bad.join(', ')})`,
      });
      return z.NEVER;
    }
    return list;
  });

/** Every setting the processes read, validated once at boot. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  WEB_PORT: z.coerce.number().int().min(1).max(65535).default(5173),
  MONGO_URL: url(['mongodb:', 'mongodb+srv:']),
  REDIS_URL: url(['redis:', 'rediss:']),
  SECRET_KEY: z
    .string()
    .refine(
      (v) => Buffer.from(v, 'base64').length === 32,
      'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
    ),
  PUBLIC_URL: url(['http:', 'https:']).default('http://localhost:5173'),
  /** Namespaces every Redis key and channel, so deployments (or test runs) can share a Redis. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,40}$/)
    .default('ch:'),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  /**
   * Failures for one login name (a CNPJ of a firm, or a staff e-mail) from one IP before
   * that IP is locked out of that login, and for how long. Staff login uses them too.
   */
  PORTAL_MAX_FAILED_LOGINS: z.coerce.number().int().min(1).default(5),
  PORTAL_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
  /**
   * Failures for one login name from all IPs within an hour past which every further
   * attempt waits a growing backoff (seconds, at most a minute) instead of locking the
   * owner out: an attacker rotating IPs is slowed to about one guess a minute.
   */
  LOGIN_MAX_FAILURES_PER_HOUR: z.coerce.number().int().min(1).default(50),
  TRUST_PROXY: trustProxy,
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).default(12),
  /** argon2 memory cost in KiB; tests lower it so hashing doesn't dominate the suite. */
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(1024).default(19456),
  /**
   * How long a socket counts as live without a heartbeat (a crashed node's
   * sockets age out after it); heartbeats run every quarter of it. The sweep
   * that notices runs every 5 s, so the contract's 45 s holds with 40.
   */
  PRESENCE_TTL_SECONDS: z.coerce.number().int().min(2).max(40).default(40),
  /** How long a message may stay unread before its recipient is reminded. */
  UNREAD_REMINDER_SECONDS: z.coerce.number().int().min(1).default(900),
  /**
   * How long a worker's claim on a running job lasts without being renewed (it renews at
   * half of it), and how often workers look for jobs whose claim lapsed: a worker that
   * dies mid-job has its job run again by another worker (or itself, restarted) within
   * about the sum. BullMQ's defaults; tests lower them.
   */
  JOB_LOCK_SECONDS: z.coerce.number().int().min(1).default(30),
  JOB_STALLED_CHECK_SECONDS: z.coerce.number().int().min(1).default(30),
  /**
   * The worker's CPU priority (nice, 0–19): reading guias is background work, so on a machine
   * it shares with an api it yields the CPU to the chat. 0 keeps the normal priority.
   */
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** Largest attachment accepted, in megabytes. */
  UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(100).default(10),
  /** Sender address of outgoing mail. */
  MAIL_FROM: z.string().default('ConnectHub <no-reply@connecthub.local>'),
  /**
   * Socket event limits, per api node (a principal with sockets on two nodes gets twice
   * them): per sender (staff member or client) and event kind; a person typing fast sends
   * 2–3 messages a second, a reconnect's catch-up a burst of sync pages.
   */
  SOCKET_SEND_LIMIT: bucket('3/20'),
  SOCKET_TYPING_LIMIT: bucket('2/10'),
  SOCKET_SYNC_LIMIT: bucket('5/20'),
  SOCKET_READ_LIMIT: bucket('5/20'),
  /** Every event a socket sends, unknown ones included. */
  SOCKET_EVENT_LIMIT: bucket('20/60'),
  /** Refused events (over a limit, or unknown) within a minute before the socket is disconnected. */
  SOCKET_MAX_REFUSED_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /** Sockets one session may have open on a node at once, and open a minute. */
  SOCKET_MAX_PER_SESSION: z.coerce.number().int().min(1).default(10),
  SOCKET_CONNECTS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /**
   * Socket events of one firm handled at once on a node, and waiting (beyond that the
   * event is answered OVERLOADED at once): a firm's burst then holds at most this many
   * events ahead of another firm's. Sends in flight together are stored in one batch
   * (MessageWriter), so this bounds a firm's share of the database rather than its sends'
   * round trips: with 4 the bench firm fell behind at 1,000 msg/s, with 32 it kept up
   * (BENCHMARKS.md); 16 keeps other firms' events closer to the front.
   */
  SOCKET_FIRM_CONCURRENCY: z.coerce.number().int().min(1).default(16),
  SOCKET_FIRM_QUEUE: z.coerce.number().int().min(1).default(200),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug']).default('log'),
});

export type AppConfig = z.infer<typeof configSchema>;

/**
 * Validates the environment; returns the typed config or one line per problem,
 * each naming the variable, so a bad deploy fails at boot with a clear message.
 */
export function parseConfig(
  env: Record<string, string | undefined>,
): { ok: true; config: AppConfig } | { ok: false; errors: string[] } {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((i) => {
      const name = i.path.join('.');
      return i.code === 'invalid_type' && cleaned[name] === undefined
        ? `${name} is required`
        : `${name} ${i.message}`;
    }),
  };
}
