import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/** Every process setting, parsed once at boot. Names are the environment variables. */
export const ConfigSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SECRET_KEY: optionalString.pipe(
    z.string().min(32, 'must be at least 32 characters (use `openssl rand -hex 32`)').optional(),
  ),
  ROLES: z
    .string()
    .default('web,worker')
    .transform((value) => value.split(',').map((role) => role.trim()))
    .pipe(z.array(z.enum(['web', 'worker', 'smtp'])).min(1)),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).default(12),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  LOGIN_ATTEMPT_CAPACITY: z.coerce
    .number()
    .int()
    .min(100)
    .default(100_000)
    .describe(
      'sign-in attempt counters kept in memory; when full, expired then least recently used go first',
    ),
  INVITATION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  /** Outbox events older than this are deleted (unless a processor still needs them); 0 keeps them all. */
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[0-9a-fA-F.:]+(\/\d{1,3})?$/, 'must be IP addresses or CIDR ranges')))
    .describe(
      'addresses (IP or CIDR, comma-separated) of reverse proxies whose X-Forwarded-For/-Proto/-Host are believed; default none',
    ),
  OUTBOUND_ALLOW_PRIVATE: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[0-9a-fA-F.:]+(\/\d{1,3})?$/, 'must be IP addresses or CIDR ranges')))
    .describe(
      'private/loopback ranges (CIDR, comma-separated) that admin-configured outbound URLs may reach (intranet CRMs, tests); default none',
    ),
  REALTIME_BUS: z.enum(['local', 'postgres']).optional(),
  DELIVERY_MAX_ATTEMPTS: optionalString
    .transform((value) => (value === undefined ? undefined : Number(value)))
    .pipe(z.number().int().min(1).max(10_000).optional())
    .describe(
      'optional cap on delivery attempts of one reply; unset: only DELIVERY_RETRY_HORIZON_HOURS limits',
    ),
  DELIVERY_RETRY_BASE_MS: z.coerce.number().int().min(100).default(5_000),
  DELIVERY_RETRY_MAX_DELAY_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(15 * 60_000)
    .describe('longest wait between two delivery attempts (the doubling backoff stops growing here)'),
  DELIVERY_RETRY_HORIZON_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(24)
    .describe('how long a reply is retried through a provider outage before it is marked failed'),
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  SMTP_HOST: optionalString.describe('interface of the SMTP receiver (role smtp); default HOST'),
  SMTP_PORT: port.default(2525),
  SMTP_TLS_KEY: optionalString.describe('PEM key file; with SMTP_TLS_CERT the receiver offers STARTTLS'),
  SMTP_TLS_CERT: optionalString,
  SMTP_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(30 * 1024 * 1024),
  SMTP_RATE_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .default(300)
    .describe('mails per minute per client address'),
  IMAP_POLLING: z
    .enum(['on', 'off'])
    .default('on')
    .describe(
      "whether this node's worker role polls IMAP mailboxes ('off': it holds no mailbox connections)",
    ),
  EMAIL_FLOOD_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .default(60)
    .describe('mails per sender, channel and hour'),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Settings whose values never appear in logs. */
export const SECRET_SETTINGS = ['SECRET_KEY', 'DATABASE_URL'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return result.data;
}

export function publicUrl(config: Config): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/$/, '');
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  return `http://${host}:${config.PORT}`;
}
