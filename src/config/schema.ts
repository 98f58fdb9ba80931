import { z } from 'zod';

/** A secret given inline or read from the environment: `"abc"` or `{ "env": "LYRA_KEY" }`. */
export const secretSchema = z.union([z.string().min(1), z.object({ env: z.string().min(1) }).strict()]);

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

export const shopSchema = z
  .object({
    successUrl: httpUrl,
    failureUrl: httpUrl,
    pendingUrl: httpUrl,
  })
  .strict();

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
