import { z } from 'zod';

/** A secret given inline or read from the environment: `"abc"` or `{ "env": "LYRA_KEY" }`. */
export const secretSchema = z.union([z.string().min(1), z.object({ env: z.string().min(1) }).strict()]);

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

export const shopSchema = z
  .object({
    successUrl: httpUrl,
    failureUrl: httpUrl,
    pendingUrl: httpUrl,
    /** Where events are POSTed, signed per Standard Webhooks. */
    webhookUrl: httpUrl.optional(),
    /** `whsec_<base64>`, inline or `{ "env": "NAME" }`. */
    webhookSecret: secretSchema.optional(),
  })
  .strict()
  .refine((shop) => (shop.webhookUrl === undefined) === (shop.webhookSecret === undefined), {
    message: 'webhookUrl and webhookSecret go together',
    path: ['webhookSecret'],
  });

const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, 'must be a duration such as 90s, 5m, 2h or 1d');
const schedule = z
  .string()
  .regex(
    /^\s*\d+(\.\d+)?(ms|s|m|h|d)\s*(,\s*\d+(\.\d+)?(ms|s|m|h|d)\s*)*$/,
    'must be durations separated by commas, such as 5s,5m,30m',
  );

export const accountSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,62}$/,
        'must be lower-case letters, digits, "-" or "_" (it appears in URLs)',
      ),
    gateway: z.string().min(1),
    mode: z.enum(['test', 'live']),
    /** Validated by the gateway adapter's own schema once secrets are resolved. */
    credentials: z.record(z.string(), z.unknown()),
    /** `true`: only the gateway's published source ranges; a list: only these addresses or CIDR ranges. */
    allowedIps: z.union([z.literal(true), z.array(z.string().min(1)).min(1)]).optional(),
    /**
     * Repurchase detection: whether a refunded purchase still counts as "already paid" for its session
     * and fulfillment URL (GNU Taler's `allow_refunded_for_repurchase`). Default: it does not.
     */
    allowRefundedForRepurchase: z.boolean().default(false),
    shop: shopSchema,
  })
  .strict();

export const configSchema = z
  .object({
    database: z.string().min(1).default('sqlite:./quittance.db'),
    /** The address gateways and customers reach us at; notification and return URLs are built from it. */
    publicUrl: httpUrl.optional(),
    listen: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080 }),
    apiKeys: z.array(secretSchema).default([]),
    /** Proxies whose X-Forwarded-For we believe (addresses or CIDR ranges). Empty: the header is ignored. */
    trustedProxies: z.array(z.string().min(1)).default([]),
    limits: z
      .object({ notificationBodyBytes: z.number().int().min(1024).max(10_485_760).default(65_536) })
      .strict()
      .default({ notificationBodyBytes: 65_536 }),
    worker: z
      .object({
        /** Run the job worker inside `serve` (set false when `quittance worker` runs apart). */
        enabled: z.boolean().default(true),
        concurrency: z.number().int().min(1).max(64).default(4),
        /** Long-polls held open at once at gateways that tell by long-poll (Taler), in a lane of their own. */
        watchConcurrency: z.number().int().min(1).max(1000).default(64),
        pollInterval: duration.default('1s'),
        lease: duration.default('60s'),
      })
      .strict()
      .default({ enabled: true, concurrency: 4, watchConcurrency: 64, pollInterval: '1s', lease: '60s' }),
    reconcile: z
      .object({
        /** Delays after creation at which a payment not final yet is polled at the gateway. */
        schedule: schedule.default('1m,5m,15m,1h,6h,24h'),
        /** How long a customer's return waits for the gateway's status API. */
        returnTimeout: duration.default('3s'),
        /** Overrides each gateway's own horizon after which a payment it has no trace of is expired. */
        abandonedAfter: duration.optional(),
      })
      .strict()
      .default({ schedule: '1m,5m,15m,1h,6h,24h', returnTimeout: '3s' }),
    delivery: z
      .object({
        /** Delays before each retry of a webhook delivery (the last one repeats until attempts run out). */
        schedule: schedule.default('5s,5m,30m,2h,5h,10h,10h'),
        maxAttempts: z.number().int().min(1).max(100).default(8),
        timeout: duration.default('15s'),
        /** An endpoint failing without a single success for this long is disabled, with an alert. */
        disableAfter: duration.default('5d'),
      })
      .strict()
      .default({ schedule: '5s,5m,30m,2h,5h,10h,10h', maxAttempts: 8, timeout: '15s', disableAfter: '5d' }),
    /**
     * Alerts for a person (engine/alerts): by e-mail and/or a signed webhook, for records of at least
     * `minSeverity`; `overdueAfter` is how long a payment paid by return, poll or operator may wait for its
     * notification before the account gets a `notification-overdue` alert.
     */
    alerts: z
      .object({
        email: z
          .object({
            /** `smtp://user:pass@host:587` or `smtps://…:465`: a secret (the password is in it). */
            smtp: secretSchema.refine((v) => typeof v !== 'string' || /^smtps?:\/\/[^/]/.test(v), {
              message: 'must be an smtp:// or smtps:// URL, or { "env": "NAME" }',
            }),
            from: z.string().min(3),
            to: z.array(z.string().min(3)).min(1),
          })
          .strict()
          .optional(),
        webhook: z
          .object({
            url: httpUrl,
            /** `whsec_<base64>`, inline or `{ "env": "NAME" }`: signed per Standard Webhooks. */
            secret: secretSchema,
          })
          .strict()
          .optional(),
        minSeverity: z.enum(['info', 'warning', 'critical']).default('warning'),
        overdueAfter: duration.default('15m'),
      })
      .strict()
      .default({ minSeverity: 'warning', overdueAfter: '15m' }),
    /**
     * GET /metrics (Prometheus). Open by default: it is meant to be scraped from the internal network and
     * says nothing secret (counts, no payment data). With `token`, scrapers must send `Authorization: Bearer <token>`.
     */
    metrics: z.object({ token: secretSchema.optional() }).strict().default({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    accounts: z.array(accountSchema).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.accounts.forEach((account, i) => {
      if (seen.has(account.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, 'id'],
          message: `account id "${account.id}" is used twice`,
        });
      }
      seen.add(account.id);
    });
  });

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type AccountConfig = z.output<typeof accountSchema>;
