import { isKnownCurrency, money, parseMajorUnits, QuittanceError } from '../../core/index.js';
import { clip } from '../_shared/request.js';
import type { GatewayAccount, GatewaySignal, OfflineInput, RawRequest, Verdict } from '../gateway.js';
import { mappingSchema, type PayloadMapping, type StandardWebhooksCredentials } from './credentials.js';
import { valueAt } from './pointer.js';
import { hasV1Entry, SECRET_PREFIX, secretKey, signatureMatches } from './signature.js';

type Account = GatewayAccount<StandardWebhooksCredentials>;

/** The spec's header names (lower case, as RawRequest holds them). */
export const HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

export type SignatureCheck =
  | { readonly ok: true; readonly id: string; readonly timestamp: number }
  | {
      readonly ok: false;
      readonly code: 'SIGNATURE_MISSING' | 'SIGNATURE_MISMATCH' | 'TIMESTAMP_OUT_OF_TOLERANCE';
      readonly reason: string;
    };

/**
 * The spec's verification, alone (what the oracle test compares with the reference library): the three headers,
 * a signature by one of `secrets`, a timestamp within `toleranceSeconds` of `nowSeconds` either way. The signature is
 * checked before the timestamp so that a forgery is always reported as one, and a stale genuine message as stale.
 * Stricter than the reference library in one place: the timestamp must be plain digits (it accepts `123abc`).
 */
export function checkSignature(
  headers: Readonly<Record<string, string>>,
  body: Uint8Array,
  secrets: readonly string[],
  nowSeconds: number,
  toleranceSeconds: number,
): SignatureCheck {
  const id = headers[HEADERS.id];
  const rawTimestamp = headers[HEADERS.timestamp];
  const signature = headers[HEADERS.signature];
  if (!id || !rawTimestamp || !signature) {
    const missing = Object.values(HEADERS).filter((name) => !headers[name]);
    return {
      ok: false,
      code: 'SIGNATURE_MISSING',
      reason: `The notification lacks the header ${missing.join(', ')}: it does not follow Standard Webhooks.`,
    };
  }
  if (!hasV1Entry(signature)) {
    return {
      ok: false,
      code: 'SIGNATURE_MISSING',
      reason: 'webhook-signature carries no v1 (HMAC-SHA-256) entry, the only scheme quittance checks.',
    };
  }
  const timestamp = /^\d{1,15}$/.test(rawTimestamp) ? Number(rawTimestamp) : undefined;
  const keys = secrets.flatMap((secret) => secretKey(secret) ?? []);
  if (keys.length === 0) {
    return {
      ok: false,
      code: 'SIGNATURE_MISMATCH',
      reason: `The secret given is not ${SECRET_PREFIX} followed by base64, so no signature can match.`,
    };
  }
  if (timestamp === undefined || !signatureMatches(signature, keys, id, timestamp, body)) {
    return {
      ok: false,
      code: 'SIGNATURE_MISMATCH',
      reason:
        timestamp === undefined
          ? `webhook-timestamp "${clip(rawTimestamp)}" is not a number of seconds, so nothing signed can match.`
          : "The signature does not match the message and this account's secret: either the message was altered or " +
            "forged, or the account does not hold this endpoint's current signing secret.",
    };
  }
  const skew = nowSeconds - timestamp;
  if (Math.abs(skew) > toleranceSeconds) {
    return {
      ok: false,
      code: 'TIMESTAMP_OUT_OF_TOLERANCE',
      reason:
        `The message is correctly signed but dated ${Math.abs(skew)} s ${skew > 0 ? 'in the past' : 'in the future'}, ` +
        `beyond the ${toleranceSeconds} s allowed: a replay, or a clock off (ours or the sender's).`,
    };
  }
  return { ok: true, id, timestamp };
}

/** The secrets an account accepts: the current one, and the previous one during a rotation. */
export function secretsOf(credentials: StandardWebhooksCredentials): string[] {
  return credentials.previousSecret ? [credentials.secret, credentials.previousSecret] : [credentials.secret];
}

/** A notification: signature and timestamp first, then the JSON body through the account's mapping. Pure. */
export function verifyStandardWebhook(account: Account, raw: RawRequest): Verdict {
  const { credentials } = account;
  const check = checkSignature(
    raw.headers,
    raw.body,
    secretsOf(credentials),
    Math.floor(raw.receivedAt.getTime() / 1000),
    credentials.toleranceSeconds,
  );
  if (!check.ok) return { kind: 'rejected', code: check.code, reason: check.reason };

  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw.body));
  } catch {
    return unparseable(
      'MALFORMED_BODY',
      'The body is not JSON in UTF-8, which Standard Webhooks payloads are.',
    );
  }
  const facts: Record<string, string> = {
    [HEADERS.id]: check.id,
    [HEADERS.timestamp]: String(check.timestamp),
  };
  return readSignal(payload, credentials.mapping, facts);
}

function readSignal(payload: unknown, mapping: PayloadMapping, facts: Record<string, string>): Verdict {
  if (mapping.type !== null) {
    const type = valueAt(payload, mapping.type);
    if (typeof type === 'string') facts.type = type;
    if (mapping.types !== undefined && (typeof type !== 'string' || !mapping.types.includes(type))) {
      // Senders post every event type to one endpoint and disable it after failures: acknowledge, apply nothing.
      return { kind: 'verified', signals: [] };
    }
  }
  const reference = scalar(valueAt(payload, mapping.reference));
  if (reference === undefined || reference === '') {
    return unparseable(
      'MISSING_FIELD',
      `The payload has no reference at ${clip(mapping.reference)} (mapping.reference).`,
    );
  }
  const word = valueAt(payload, mapping.status);
  if (typeof word !== 'string') {
    return unparseable(
      'MISSING_FIELD',
      `The payload has no status word at ${clip(mapping.status)} (mapping.status).`,
    );
  }
  const status = Object.hasOwn(mapping.statuses, word) ? mapping.statuses[word] : undefined;
  if (status === undefined) {
    return unparseable(
      'INVALID_FIELD',
      `The status "${clip(word)}" is not in mapping.statuses: add it there (then replay this notification).`,
    );
  }
  facts.status = word;

  let amount: ReturnType<typeof money> | undefined;
  if (mapping.amount !== null && mapping.currency !== null) {
    const rawAmount = valueAt(payload, mapping.amount);
    const currency = valueAt(payload, mapping.currency);
    if (rawAmount !== undefined || currency !== undefined) {
      const code = typeof currency === 'string' ? currency.toUpperCase() : undefined;
      if (code === undefined || !isKnownCurrency(code)) {
        return unparseable(
          'INVALID_FIELD',
          `The currency at ${clip(mapping.currency)} is not an ISO-4217 code.`,
        );
      }
      const value = amountOf(rawAmount, mapping.amountUnit, code);
      if (value === undefined) {
        return unparseable(
          'INVALID_FIELD',
          `The amount at ${clip(mapping.amount)} is not ${mapping.amountUnit === 'minor' ? 'a whole number of minor units' : `a decimal amount in ${code}`}.`,
        );
      }
      amount = money(value, code);
    }
  }
  const gatewayRef =
    mapping.gatewayRef === null ? undefined : scalar(valueAt(payload, mapping.gatewayRef)) || undefined;
  const signal: GatewaySignal = {
    source: 'notification',
    status,
    gatewayStatus: word,
    ...(amount !== undefined && { amount }),
    ...(gatewayRef !== undefined && { gatewayRef }),
    lookup: { merchantRef: reference, ...(gatewayRef !== undefined && { gatewayRef }) },
    facts,
  };
  return { kind: 'verified', signals: [signal] };
}

function amountOf(raw: unknown, unit: 'minor' | 'major', currency: string): number | undefined {
  if (unit === 'minor') {
    const value = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  }
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0)
    return parseMajorUnits(String(raw), currency);
  return typeof raw === 'string' ? parseMajorUnits(raw, currency) : undefined;
}

/** A string or an integer, as text; anything else undefined. */
function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/**
 * For `quittance verify`: the secret alone, the default mapping and tolerance (the message carries nothing else an
 * account would add). The checkout URL is a placeholder: verifying never uses it.
 */
export function standardWebhooksOfflineAccount(input: OfflineInput): Account {
  if (input.algorithm !== undefined && input.algorithm !== 'v1') {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      `Standard Webhooks signs with v1 (HMAC-SHA-256), not "${clip(input.algorithm)}".`,
    );
  }
  return {
    id: 'offline',
    gateway: 'standard-webhooks',
    mode: 'test',
    credentials: {
      secret: input.secret,
      toleranceSeconds: 300,
      checkoutUrl: 'https://sender.invalid/pay',
      mapping: DEFAULT_MAPPING,
    },
  };
}

function unparseable(code: 'MALFORMED_BODY' | 'MISSING_FIELD' | 'INVALID_FIELD', reason: string): Verdict {
  return { kind: 'unparseable', code, reason };
}

const DEFAULT_MAPPING: PayloadMapping = mappingSchema.parse({});
