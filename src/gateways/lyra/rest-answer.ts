import type { SignalSource } from '../../core/index.js';
import { money } from '../../core/index.js';
import { hmacSha256, safeEqual } from '../_shared/crypto.js';
import { isObject, text } from '../_shared/json.js';
import { clip } from '../_shared/request.js';
import type { Verdict } from '../gateway.js';
import { merchantRefOf } from './checkout.js';
import type { LyraCredentials } from './credentials.js';
import { mapLyraStatus } from './map.js';
import { type LyraTransaction, readTransaction, utcDay } from './status.js';

/**
 * The REST API / embedded form's notification, the second form Lyra posts (docs.lyra.com/en/rest/V4.0/kb/payment_done.html;
 * lyra/rest-php-examples `www/sample/ipn.php`; shared/protocols.md §3 "REST API / embedded form IPN"): an urlencoded
 * POST of `kr-hash`, `kr-hash-algorithm` (`sha256_hmac`), `kr-hash-key` (`password` for the IPN, `sha256_hmac` for
 * the browser's return), `kr-answer-type` (`V4/Payment`) and `kr-answer`, a JSON string.
 *
 * `kr-hash` is the lower-case hex HMAC-SHA-256 of `kr-answer` exactly as received, keyed with the REST password for the
 * IPN and with the REST "HMAC-SHA-256 key" for the browser's return. The published IPN of the demo shop 69876357
 * (openfun/joanie `tests/payment/lyra/requests/payment_refused.json`) verifies so, byte for byte: the JSON is never
 * re-serialised.
 */
export const KR_ANSWER = 'kr-answer';

type Fields = Readonly<Record<string, string>>;

/** kr-hash-key → which credential keys the hash, and what the merchant must look for in the Back Office. */
const HASH_KEYS = {
  password: { field: 'restPassword', name: 'REST API password (restPassword)' },
  sha256_hmac: { field: 'hmacKey', name: 'REST API HMAC-SHA-256 key (hmacKey)' },
} as const satisfies Record<string, { field: keyof LyraCredentials; name: string }>;

/**
 * Verifies a `kr-answer` form and reads its DEBIT transactions as signals. Order as for the vads_ form: signature
 * first, then the signed content, so a forged message is always reported as forged.
 */
export function verifyKrAnswer(
  credentials: LyraCredentials,
  mode: 'test' | 'live',
  fields: Fields,
  source: SignalSource,
): Verdict {
  const what = source === 'notification' ? 'The notification' : 'The return';
  const answer = fields[KR_ANSWER] ?? '';
  const hash = fields['kr-hash'];
  if (!hash) {
    return rejected(
      'SIGNATURE_MISSING',
      `${what} has no kr-hash field, so nothing shows it comes from Lyra.`,
    );
  }
  const algorithm = fields['kr-hash-algorithm'];
  if (algorithm !== 'sha256_hmac') {
    return rejected(
      'UNSUPPORTED_ALGORITHM',
      algorithm
        ? `${what} is hashed with "${clip(algorithm)}"; Lyra's REST API signs kr-answer with sha256_hmac only.`
        : `${what} does not say how kr-answer is hashed (kr-hash-algorithm); Lyra sends sha256_hmac.`,
    );
  }
  const hashKey = fields['kr-hash-key'] ?? '';
  if (!Object.hasOwn(HASH_KEYS, hashKey)) {
    return rejected(
      'UNSUPPORTED_ALGORITHM',
      `${what} is keyed with "${clip(hashKey)}" (kr-hash-key); Lyra uses password (IPN) or sha256_hmac (browser return).`,
    );
  }
  const { field, name } = HASH_KEYS[hashKey as keyof typeof HASH_KEYS];
  const key = credentials[field];
  if (!key) {
    return rejected(
      'SIGNATURE_MISMATCH',
      `${what} is signed with the shop's ${name}, which this account does not hold: add it from ` +
        'Settings > Shops > REST API keys in the Back Office.',
    );
  }
  if (!hashMatches(answer, hash, key)) {
    const keyMode = mode === 'live' ? 'production' : 'test';
    return rejected(
      'SIGNATURE_MISMATCH',
      `${what}'s kr-hash does not match kr-answer and this account's ${name}: either it was altered or forged, ` +
        `or the account does not hold the shop's ${keyMode} ${name} from Settings > Shops > REST API keys.`,
    );
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    return unparseable('MALFORMED_BODY', `${what}'s kr-answer is not JSON, although its hash matches.`);
  }
  if (!isObject(parsed)) {
    return unparseable('MALFORMED_BODY', `${what}'s kr-answer is not a JSON object.`);
  }
  const shopId = text(parsed.shopId);
  if (shopId !== credentials.siteId) {
    return rejected(
      'SITE_MISMATCH',
      shopId
        ? `${what} is for the shop ${clip(shopId)}, but this account is the shop ${credentials.siteId}.`
        : `${what} names no shop (shopId), but this account is the shop ${credentials.siteId}.`,
    );
  }
  const orderDetails = isObject(parsed.orderDetails) ? parsed.orderDetails : {};
  const answerMode = text(orderDetails.mode);
  const expectedMode = mode === 'live' ? 'PRODUCTION' : 'TEST';
  if (answerMode !== undefined && answerMode !== expectedMode) {
    return rejected(
      'MODE_MISMATCH',
      `${what} is from the ${clip(answerMode)} environment, but this account expects ${expectedMode}.`,
    );
  }
  if (!Array.isArray(parsed.transactions)) {
    return unparseable(
      'MISSING_FIELD',
      `${what}'s kr-answer has no transactions list, which Lyra always sends.`,
    );
  }

  const orderFacts: Record<string, string> = {};
  for (const [factName, value] of [
    ['orderStatus', parsed.orderStatus],
    ['orderCycle', parsed.orderCycle],
    ['orderId', orderDetails.orderId],
    ['krHashKey', hashKey],
  ] as const) {
    const fact = text(value);
    if (fact) orderFacts[factName] = clip(fact, 64);
  }

  const transactions: LyraTransaction[] = [];
  for (const raw of parsed.transactions) {
    const transaction = readTransaction(raw);
    if (typeof transaction === 'string') {
      return unparseable('INVALID_FIELD', `${what}'s kr-answer is unusable: ${transaction}.`);
    }
    transactions.push(transaction);
  }
  // A refund (CREDIT) carries the refund's amount, not the order's: acknowledged, nothing to apply (as for the
  // vads_ form). Only the payment's DEBIT transactions say where the payment stands.
  const signals = transactions
    .filter((t) => t.operationType === undefined || t.operationType === 'DEBIT')
    .map((transaction) => {
      const { status, note } = mapLyraStatus(transaction.detailedStatus);
      const merchantRef = merchantRefOfTransaction(transaction);
      const facts: Record<string, string> = { ...orderFacts };
      for (const factName of ['status', 'detailedStatus', 'errorCode', 'detailedErrorCode'] as const) {
        const value = transaction[factName];
        if (value) facts[factName] = clip(value, 64);
      }
      return {
        source,
        status,
        amount: money(transaction.amount, transaction.currency),
        gatewayRef: transaction.uuid,
        gatewayStatus: transaction.detailedStatus,
        ...(note !== undefined && { note }),
        lookup: {
          ...(merchantRef !== undefined && { merchantRef }),
          gatewayRef: transaction.uuid,
        },
        facts,
      };
    });
  return { kind: 'verified', signals };
}

/**
 * The PHP sample replaces `\/` by `/` before hashing; the published vector has no `\/` and verifies as received. An
 * answer that holds `\/` is tried as received first, then unescaped as the sample does: both are keyed with the
 * secret, so accepting either forges nothing.
 */
function hashMatches(answer: string, hash: string, key: string): boolean {
  if (safeEqual(hmacSha256(key, answer).toString('hex'), hash)) return true;
  return (
    answer.includes('\\/') && safeEqual(hmacSha256(key, answer.replaceAll('\\/', '/')).toString('hex'), hash)
  );
}

/** Our merchantRef (`YYYYMMDD-<vads_trans_id>`) from the legacy trans id and date the answer carries. */
function merchantRefOfTransaction(transaction: LyraTransaction): string | undefined {
  const { legacyTransId, legacyTransDate } = transaction;
  const day = legacyTransDate ? utcDay(legacyTransDate) : undefined;
  return legacyTransId && day ? merchantRefOf(day, legacyTransId) : undefined;
}

function rejected(
  code:
    | 'SIGNATURE_MISSING'
    | 'UNSUPPORTED_ALGORITHM'
    | 'SIGNATURE_MISMATCH'
    | 'SITE_MISMATCH'
    | 'MODE_MISMATCH',
  reason: string,
): Verdict {
  return { kind: 'rejected', code, reason };
}

function unparseable(code: 'MALFORMED_BODY' | 'MISSING_FIELD' | 'INVALID_FIELD', reason: string): Verdict {
  return { kind: 'unparseable', code, reason };
}
