import { money, QuittanceError } from '../../core/index.js';
import { isObject } from '../_shared/json.js';
import { clip, mediaType } from '../_shared/request.js';
import type { GatewayAccount, GatewaySignal, OfflineInput, RawRequest, Verdict } from '../gateway.js';
import type { AdyenCredentials } from './credentials.js';
import { adyenSigningString, isAdyenSignatureValid, isHexKey } from './hmac.js';
import { isPaymentEvent, mapAdyenEvent } from './map.js';

type Account = GatewayAccount<AdyenCredentials>;
type Json = Record<string, unknown>;

/** One NotificationRequestItem once its shape is checked (the HMAC not yet). */
export interface AdyenItem {
  readonly raw: Json;
  readonly signature: string | undefined;
  readonly signingString: string;
}

export type ParsedNotification =
  | { readonly kind: 'parsed'; readonly live: 'true' | 'false'; readonly items: readonly AdyenItem[] }
  | Extract<Verdict, { kind: 'unparseable' }>;

/** Kept beside each signal for people. */
const FACTS = [
  'pspReference',
  'originalReference',
  'eventCode',
  'eventDate',
  'reason',
  'paymentMethod',
] as const;

const MAX_ITEMS = 100;

/**
 * An Adyen standard notification (shared/protocols.md §6): a JSON POST `{live, notificationItems: [{
 * NotificationRequestItem: {…}}]}`, each item signed on its own (`additionalData.hmacSignature`, over eight fields, see
 * hmac.ts). The body is decoded here from its bytes (strict UTF-8, then JSON.parse), never by a framework.
 */
export function parseAdyenNotification(raw: RawRequest): ParsedNotification {
  const type = mediaType(raw.headers['content-type']);
  if (type !== 'application/json') {
    return unparseable(
      'UNSUPPORTED_MEDIA_TYPE',
      `Adyen posts its notifications as application/json, but this request is ${type ? `of type ${clip(type, 80)}` : 'without a content type'}.`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(raw.body));
  } catch {
    return unparseable('MALFORMED_BODY', 'The notification is not JSON in UTF-8.');
  }
  if (!isObject(body) || !Array.isArray(body.notificationItems)) {
    return unparseable('MISSING_FIELD', 'The notification has no notificationItems list.');
  }
  const list = body.notificationItems as unknown[];
  if (list.length === 0 || list.length > MAX_ITEMS) {
    return unparseable(
      'INVALID_FIELD',
      `The notification carries ${list.length} items (1 to ${MAX_ITEMS} expected).`,
    );
  }
  const items: AdyenItem[] = [];
  for (const [index, entry] of list.entries()) {
    const item = isObject(entry) ? entry.NotificationRequestItem : undefined;
    if (!isObject(item)) {
      return unparseable('MISSING_FIELD', `Item ${index} has no NotificationRequestItem object.`);
    }
    if (!isObject(item.amount)) {
      return unparseable('MISSING_FIELD', `Item ${index} has no amount object.`);
    }
    const additional = item.additionalData;
    if (additional !== undefined && additional !== null && !isObject(additional)) {
      return unparseable('INVALID_FIELD', `Item ${index}'s additionalData is not an object.`);
    }
    const signature = isObject(additional) ? additional.hmacSignature : undefined;
    if (signature !== undefined && typeof signature !== 'string') {
      return unparseable('INVALID_FIELD', `Item ${index}'s hmacSignature is not a string.`);
    }
    items.push({ raw: item, signature, signingString: adyenSigningString(item) });
  }
  const live = String(body.live);
  if (live !== 'true' && live !== 'false') {
    return unparseable('INVALID_FIELD', 'The notification\'s live flag is neither "true" nor "false".');
  }
  return { kind: 'parsed', live, items };
}

/**
 * Every item must carry a valid hmacSignature under the account's key (or the previous one during a rotation), name
 * the account's merchant account, and the body's `live` flag must match the account's mode; one failing item refuses
 * the whole request (Adyen then retries it), so a batch is never half applied. Each verified item about a payment is
 * one signal; items not about a payment (REPORT_AVAILABLE…) are accepted without a signal.
 */
export function verifyAdyenNotification(account: Account, raw: RawRequest): Verdict {
  const parsed = parseAdyenNotification(raw);
  if (parsed.kind !== 'parsed') return parsed;
  const { credentials } = account;
  const keys = [credentials.hmacKey, ...(credentials.previousHmacKey ? [credentials.previousHmacKey] : [])];
  if (!keys.every(isHexKey)) {
    return rejected(
      'SIGNATURE_MISMATCH',
      'The HMAC key given is not hexadecimal, so no Adyen signature can match it.',
    );
  }
  for (const [index, item] of parsed.items.entries()) {
    if (!item.signature) {
      return rejected(
        'SIGNATURE_MISSING',
        `Item ${index} carries no additionalData.hmacSignature: enable HMAC signing on the webhook in the Customer Area.`,
      );
    }
    if (!isAdyenSignatureValid(keys, item.signingString, item.signature)) {
      return rejected(
        'SIGNATURE_MISMATCH',
        `Item ${index}'s hmacSignature does not match its fields with this account's HMAC key: either the item was ` +
          "altered or forged, or the webhook's key in the Customer Area is not the one configured here.",
      );
    }
  }
  for (const [index, item] of parsed.items.entries()) {
    if (item.raw.merchantAccountCode !== credentials.merchantAccount) {
      return {
        kind: 'rejected',
        code: 'SITE_MISMATCH',
        reason: `Item ${index} is for the merchant account "${clip(String(item.raw.merchantAccountCode ?? ''))}", not ${clip(credentials.merchantAccount)}.`,
      };
    }
  }
  if ((parsed.live === 'true') !== (account.mode === 'live')) {
    return {
      kind: 'rejected',
      code: 'MODE_MISMATCH',
      reason: `The notification says live=${parsed.live}, but the account is in ${account.mode} mode.`,
    };
  }
  const signals: GatewaySignal[] = [];
  for (const [index, item] of parsed.items.entries()) {
    const signal = signalOf(account, item.raw, index);
    if (typeof signal === 'string') return unparseable('INVALID_FIELD', signal);
    if (signal !== null) signals.push(signal);
  }
  return { kind: 'verified', signals };
}

/** The item's signal; null for an event not about a payment; a string says what is wrong. */
function signalOf(account: Account, item: Json, index: number): GatewaySignal | null | string {
  const eventCode = item.eventCode;
  if (typeof eventCode !== 'string' || eventCode.length === 0) return `Item ${index} has no eventCode.`;
  if (!isPaymentEvent(eventCode)) return null;
  const success = item.success === 'true' || item.success === true;
  if (!success && item.success !== 'false' && item.success !== false) {
    return `Item ${index}'s success is neither "true" nor "false".`;
  }
  const merchantReference = item.merchantReference;
  if (typeof merchantReference !== 'string' || merchantReference.length === 0) {
    return `Item ${index} has no merchantReference.`;
  }
  const amountObject = item.amount as Json;
  let amount: ReturnType<typeof money>;
  try {
    amount = money(amountObject.value as number, String(amountObject.currency ?? ''));
  } catch (error) {
    if (error instanceof QuittanceError) return `Item ${index}'s amount is not readable: ${error.message}.`;
    throw error;
  }
  // A modification (CAPTURE, REFUND…) has its own pspReference; the payment's is its originalReference. It is kept as
  // a fact, not as the signal's gatewayRef: the payment's gatewayRef stays the payment link quittance made (the only
  // thing Adyen answers status questions about, status.ts), and a pspReference differing from it would read as
  // another transaction. The payment is found by merchantReference, which the HMAC covers.
  const paymentPsp = nonEmpty(item.originalReference) ?? nonEmpty(item.pspReference);
  const additional = isObject(item.additionalData) ? item.additionalData : {};
  const action =
    typeof additional['modification.action'] === 'string' ? additional['modification.action'] : undefined;
  const mapped = mapAdyenEvent(eventCode, success, account.credentials.capture, action);
  return {
    source: 'notification',
    status: mapped.status,
    ...(mapped.carriesPaymentAmount && { amount }),
    gatewayStatus: clip(`${eventCode} ${success ? 'true' : 'false'}`, 80),
    ...(mapped.note !== undefined && { note: mapped.note }),
    lookup: { merchantRef: merchantReference },
    facts: { ...factsOf(item, amount), ...(paymentPsp !== undefined && { paymentPspReference: paymentPsp }) },
  };
}

function factsOf(item: Json, amount: { value: number; currency: string }): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const name of FACTS) {
    const value = item[name];
    if (typeof value === 'string' && value) facts[name] = clip(value, 80);
  }
  facts.amount = `${amount.value} ${amount.currency}`;
  return facts;
}

/**
 * For `quittance verify adyen --secret <hex key>`: the merchant account is read from the first item and the mode from
 * `live`, so only the signature decides. The API key is not needed. A key that is not hex is kept as given: the verdict
 * then says so (a rejection, never a match on a truncated key).
 */
export function adyenOfflineAccount(input: OfflineInput): Account {
  if (input.algorithm !== undefined && input.algorithm !== 'hmac-sha-256') {
    throw new QuittanceError('VALIDATION_FAILED', 'Adyen notifications are signed with HMAC-SHA-256 only.');
  }
  const parsed = parseAdyenNotification(input.request);
  const first = parsed.kind === 'parsed' ? parsed.items[0]?.raw.merchantAccountCode : undefined;
  return {
    id: 'offline',
    gateway: 'adyen',
    mode: parsed.kind === 'parsed' && parsed.live === 'true' ? 'live' : 'test',
    credentials: {
      merchantAccount: typeof first === 'string' ? first : '',
      hmacKey: input.secret,
      apiKey: 'offline',
      environment: 'test',
      capture: 'auto',
    },
  };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function rejected(code: 'SIGNATURE_MISSING' | 'SIGNATURE_MISMATCH', reason: string): Verdict {
  return { kind: 'rejected', code, reason };
}

function unparseable(
  code: 'UNSUPPORTED_MEDIA_TYPE' | 'MALFORMED_BODY' | 'MISSING_FIELD' | 'INVALID_FIELD',
  reason: string,
): Extract<Verdict, { kind: 'unparseable' }> {
  return { kind: 'unparseable', code, reason };
}
