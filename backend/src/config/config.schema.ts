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
  PORTAL_MAX_FAILED_LOGINS: z.coerce.number().int().min(1).default(5),
  PORTAL_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
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
  /** Largest attachment accepted, in megabytes. */
  UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(100).default(10),
  /** Sender address of outgoing mail. */
  MAIL_FROM: z.string().default('ConnectHub <no-reply@connecthub.local>'),
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
