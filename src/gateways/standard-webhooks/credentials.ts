import { z } from 'zod';
import { PAYMENT_STATUSES } from '../../core/index.js';
import { SECRET_PREFIX, secretKey } from './signature.js';

const whsec = z
  .string()
  .refine(
    (value) => value.startsWith(SECRET_PREFIX) && secretKey(value) !== undefined,
    `a Standard Webhooks secret is ${SECRET_PREFIX} followed by base64 (the key the sender shows for this endpoint)`,
  );

/**
 * Where a field sits in the sender's JSON: a JSON pointer (RFC 6901, `/data/object/status`) or a dotted path
 * (`data.object.status`, for names without dots). `null` where the sender does not say it.
 */
const location = z
  .string()
  .min(1)
  .regex(/^(\/|[^/.][^/]*$)/, 'a JSON pointer (/data/status) or a dotted path (data.status)');

/** Status words most senders use (Stripe-like, Mollie-like, plain English), in lower case. */
export const DEFAULT_STATUS_WORDS: Readonly<Record<string, (typeof PAYMENT_STATUSES)[number]>> = {
  pending: 'pending',
  processing: 'pending',
  open: 'pending',
  authorized: 'authorized',
  authorised: 'authorized',
  requires_capture: 'authorized',
  captured: 'captured',
  paid: 'captured',
  succeeded: 'captured',
  success: 'captured',
  completed: 'captured',
  failed: 'refused',
  refused: 'refused',
  declined: 'refused',
  canceled: 'cancelled',
  cancelled: 'cancelled',
  expired: 'expired',
  partially_refunded: 'partially_refunded',
  refunded: 'refunded',
};

/**
 * How the sender's JSON payload maps to our signal. Defaults fit a payload shaped
 * `{"type": "...", "data": {"reference", "status", "amount", "currency", "id"}}`.
 */
export const mappingSchema = z
  .strictObject({
    /** Our merchant reference, as the checkout link handed it to the sender (`reference`). */
    reference: location.default('/data/reference'),
    /** The sender's status word, mapped with `statuses`. */
    status: location.default('/data/status'),
    /** Sender status word → our status. Words are matched exactly (case included). Replaces the default map. */
    statuses: z.record(z.string().min(1), z.enum(PAYMENT_STATUSES)).default({ ...DEFAULT_STATUS_WORDS }),
    amount: location.nullable().default('/data/amount'),
    /** `minor`: an integer of minor units (1250); `major`: a decimal in the currency's units (12.50 or "12.50"). */
    amountUnit: z.enum(['minor', 'major']).default('minor'),
    currency: location.nullable().default('/data/currency'),
    /** The sender's own id of the payment or transaction. */
    gatewayRef: location.nullable().default('/data/id'),
    /** The event type, kept as a fact; with `types`, messages of other types are acknowledged and ignored. */
    type: location.nullable().default('/type'),
    /** Event types that speak of payments; absent: every message does. */
    types: z.array(z.string().min(1)).min(1).optional(),
  })
  .refine((m) => m.amount === null || m.currency !== null, {
    message: 'mapping.amount needs mapping.currency: an amount means nothing without its currency',
    path: ['currency'],
  })
  .refine((m) => m.types === undefined || m.type !== null, {
    message: 'mapping.types needs mapping.type: where the event type sits in the payload',
    path: ['type'],
  });

export type PayloadMapping = z.infer<typeof mappingSchema>;

// Strict so that a misspelt option fails at config load instead of being ignored.
export const standardWebhooksCredentialsSchema = z.strictObject({
  /** The endpoint's signing secret, `whsec_` + base64, as the sender shows it. */
  secret: whsec,
  /** During a rotation: the previous secret, accepted as well until removed. */
  previousSecret: whsec.optional(),
  /** How far `webhook-timestamp` may be from our clock, either way (the spec's 5 minutes by default). */
  toleranceSeconds: z.number().int().min(1).max(3600).default(300),
  /**
   * The sender's payment page. The customer is sent there with `reference`, `amount` (minor units), `currency`,
   * `return_url` and `notify_url` added to its query string.
   */
  checkoutUrl: z.url({ protocol: /^https?$/ }),
  mapping: mappingSchema.default(() => mappingSchema.parse({})),
});

export type StandardWebhooksCredentials = z.infer<typeof standardWebhooksCredentialsSchema>;

export const STANDARD_WEBHOOKS_SECRET_FIELDS = [
  'secret',
  'previousSecret',
] as const satisfies readonly (keyof StandardWebhooksCredentials)[];
