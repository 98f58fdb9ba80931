import { createHmac } from 'node:crypto';
import { safeEqual } from '../_shared/crypto.js';

/**
 * `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=…]` (shared/protocols.md §6; stripe-node
 * `src/Webhooks.ts` parseHeader): comma-separated `key=value` items, not trimmed; the last `t` counts; every `v1` is a
 * candidate (one per secret while a secret is rolled); other schemes (`v0`, test-mode only) are ignored.
 */
export interface SignatureHeader {
  readonly timestamp: number;
  readonly signatures: readonly string[];
}

export type HeaderProblem = 'missing' | 'no-timestamp' | 'no-v1' | 'empty-v1';

export function parseSignatureHeader(header: string | undefined): SignatureHeader | HeaderProblem {
  if (header === undefined || header === '') return 'missing';
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const at = item.indexOf('=');
    const key = at < 0 ? item : item.slice(0, at);
    const value = at < 0 ? '' : item.slice(at + 1);
    // Stricter than stripe-node's parseInt: `t=12abc` is no timestamp, not 12.
    if (key === 't') timestamp = /^\d{1,15}$/.test(value) ? Number(value) : undefined;
    // stripe-node throws on an empty `v1` (its secureCompare refuses an empty string), refusing the whole header.
    if (key === 'v1' && value === '') return 'empty-v1';
    if (key === 'v1') signatures.push(value);
  }
  if (timestamp === undefined) return 'no-timestamp';
  if (signatures.length === 0) return 'no-v1';
  return { timestamp, signatures };
}

/** `hex(HMAC-SHA-256(key = the whole whsec_… string as UTF-8, "<t>." + the raw body bytes))`. */
export function stripeSignature(secret: string, timestamp: number, body: Uint8Array): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${timestamp}.`, 'utf8')
    .update(body)
    .digest('hex');
}

/** `t=<t>,v1=<sig>[,v1=<sig>…]`: the header Stripe sends, one `v1` per secret (simulator, tests, `verify`). */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: Uint8Array): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${stripeSignature(s, timestamp, body)}`)].join(',');
}

export type SignatureCheck =
  | { readonly ok: true; readonly timestamp: number; readonly secretIndex: number }
  | {
      readonly ok: false;
      readonly code: 'SIGNATURE_MISSING' | 'SIGNATURE_MISMATCH' | 'TIMESTAMP_OUT_OF_TOLERANCE';
      readonly reason: string;
    };

/**
 * stripe-node's verifyHeader, for several secrets: valid when some `v1` matches the signature under some secret
 * (compared in constant time, every candidate against every secret), and then, when `toleranceSeconds` > 0, the
 * timestamp is at most that old. Like stripe-node, a timestamp in the future is not refused: only someone holding the
 * secret can sign one, and the tolerance guards against replays of old deliveries.
 */
export function checkStripeSignature(input: {
  readonly header: string | undefined;
  readonly body: Uint8Array;
  readonly secrets: readonly string[];
  readonly toleranceSeconds: number;
  readonly now: Date;
}): SignatureCheck {
  const parsed = parseSignatureHeader(input.header);
  if (parsed === 'missing') {
    return { ok: false, code: 'SIGNATURE_MISSING', reason: 'no Stripe-Signature header' };
  }
  if (parsed === 'no-timestamp') {
    return {
      ok: false,
      code: 'SIGNATURE_MISSING',
      reason: 'the Stripe-Signature header has no t=<unix seconds> timestamp',
    };
  }
  if (parsed === 'empty-v1') {
    return {
      ok: false,
      code: 'SIGNATURE_MISMATCH',
      reason: 'the Stripe-Signature header has an empty v1= item',
    };
  }
  if (parsed === 'no-v1') {
    return {
      ok: false,
      code: 'SIGNATURE_MISSING',
      reason: 'the Stripe-Signature header has no v1= signature',
    };
  }
  let secretIndex = -1;
  input.secrets.forEach((secret, index) => {
    const expected = stripeSignature(secret, parsed.timestamp, input.body);
    for (const candidate of parsed.signatures) {
      if (safeEqual(candidate, expected) && secretIndex < 0) secretIndex = index;
    }
  });
  if (secretIndex < 0) {
    return {
      ok: false,
      code: 'SIGNATURE_MISMATCH',
      reason: `no v1 signature of the Stripe-Signature header matches the body under the endpoint's signing secret${input.secrets.length > 1 ? 's' : ''}`,
    };
  }
  const age = Math.floor(input.now.getTime() / 1000) - parsed.timestamp;
  if (input.toleranceSeconds > 0 && age > input.toleranceSeconds) {
    return {
      ok: false,
      code: 'TIMESTAMP_OUT_OF_TOLERANCE',
      reason: `the signature is ${age} s old, more than the tolerance of ${input.toleranceSeconds} s (a replay, or our clock is off)`,
    };
  }
  return { ok: true, timestamp: parsed.timestamp, secretIndex };
}
