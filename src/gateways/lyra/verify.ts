import type { SignalSource } from '../../core/index.js';
import { currencyFromNumeric, money, QuittanceError } from '../../core/index.js';
import {
  decodeForm,
  FormDecodeError,
  type FormPair,
  formToRecord,
  repeatedNames,
} from '../_shared/form-codec.js';
import { clip, FORM_TYPE, mediaType } from '../_shared/request.js';
import type { GatewayAccount, GatewaySignal, OfflineInput, RawRequest, Verdict } from '../gateway.js';
import { merchantRefOf } from './checkout.js';
import type { LyraCredentials } from './credentials.js';
import { mapLyraStatus } from './map.js';
import { KR_ANSWER, verifyKrAnswer } from './rest-answer.js';
import { isLyraSignatureValid, LYRA_ALGORITHMS, type LyraAlgorithm } from './signature.js';

type Fields = Readonly<Record<string, string>>;
type Account = GatewayAccount<LyraCredentials>;

/** Fields a notification must carry to say anything about a payment. */
const REQUIRED = [
  'vads_trans_status',
  'vads_amount',
  'vads_currency',
  'vads_trans_id',
  'vads_trans_date',
] as const;

/** Protocol facts kept beside the signal for people (vads-url-check-src tells a payment from a Back Office resend...). */
const FACTS = [
  'vads_url_check_src',
  'vads_result',
  'vads_extra_result',
  'vads_auth_result',
  'vads_auth_number',
  'vads_order_id',
  'vads_operation_type',
  'vads_trans_status',
] as const;

const ALGORITHM_NAMES: Readonly<Record<LyraAlgorithm, string>> = {
  'hmac-sha-256': 'HMAC-SHA-256',
  sha1: 'SHA-1',
};

/**
 * The IPN: a server-to-server form POST of every vads_ field plus `signature`, or, for the REST API / embedded form,
 * of `kr-answer` and its `kr-hash` (see rest-answer.ts), told apart by the presence of `kr-answer`. Pure.
 */
export function verifyLyraNotification(account: Account, raw: RawRequest): Verdict {
  const type = mediaType(raw.headers['content-type']);
  if (type !== FORM_TYPE) {
    return unparseable(
      'UNSUPPORTED_MEDIA_TYPE',
      `Lyra sends notifications as ${FORM_TYPE}, but this request is ${type ? `of type ${clip(type)}` : 'without a content type'}.`,
    );
  }
  const decoded = decode(raw.body);
  return 'kind' in decoded ? decoded : verifyEitherForm(account, decoded, 'notification');
}

/**
 * The customer's return carries the same signed fields, in the body (vads_return_mode=POST, which we ask for) or in
 * the query string (GET). A return with neither a signature nor a vads_ field says nothing we could trust: null.
 */
export function readLyraReturn(account: Account, raw: RawRequest): Verdict | null {
  const fromBody =
    raw.method.toUpperCase() === 'POST' &&
    raw.body.byteLength > 0 &&
    mediaType(raw.headers['content-type']) === FORM_TYPE;
  const decoded = decode(fromBody ? raw.body : raw.query);
  if ('kind' in decoded) return decoded;
  if (!decoded.some(({ name }) => name === 'signature' || name === KR_ANSWER || name.startsWith('vads_'))) {
    return null;
  }
  return verifyEitherForm(account, decoded, 'return');
}

/** `kr-answer` marks the REST API / embedded form's message; anything else is the vads_ form. */
function verifyEitherForm(account: Account, pairs: readonly FormPair[], source: SignalSource): Verdict {
  if (!pairs.some(({ name }) => name === KR_ANSWER)) return verifyFields(account, pairs, source);
  const repeated = repeatedNames(pairs);
  if (repeated.length > 0) {
    const what = source === 'notification' ? 'The notification' : 'The return';
    return unparseable(
      'MALFORMED_BODY',
      `${what} repeats the field ${repeated.map((value) => clip(value)).join(', ')}, which Lyra never does.`,
    );
  }
  return verifyKrAnswer(account.credentials, account.mode, formToRecord(pairs), source);
}

/**
 * For `quittance verify`: the shop and mode come from the message itself, so that only the key needs typing. With no
 * algorithm given both are tried. A message that cannot be read still gets an account: verifying it then says why.
 * A REST API message (one with `kr-answer`) takes the secret as the REST password or the HMAC-SHA-256 key, whichever
 * its kr-hash-key names; `--algorithm` concerns the vads_ form only.
 */
export function lyraOfflineAccount(input: OfflineInput): Account {
  if (input.secret.length === 0) throw new QuittanceError('VALIDATION_FAILED', 'The key is empty.');
  const { algorithm } = input;
  if (algorithm !== undefined && !(LYRA_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      `Lyra signs with ${LYRA_ALGORITHMS.join(' or ')}, not "${clip(algorithm)}".`,
    );
  }
  const decoded = decode(input.request.body.byteLength > 0 ? input.request.body : input.request.query);
  const fields = 'kind' in decoded ? {} : formToRecord(decoded);
  const answer = fields[KR_ANSWER];
  if (answer !== undefined) return restOfflineAccount(answer, input.secret);
  return {
    id: 'offline',
    gateway: 'lyra',
    mode: fields.vads_ctx_mode === 'PRODUCTION' ? 'live' : 'test',
    credentials: {
      siteId: fields.vads_site_id ?? '',
      key: input.secret,
      brand: 'lyra',
      ...(algorithm === undefined
        ? { algorithm: 'hmac-sha-256', alsoAcceptAlgorithm: 'sha1' }
        : { algorithm: algorithm as LyraAlgorithm }),
    },
  };
}

function restOfflineAccount(answer: string, secret: string): Account {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    parsed = undefined;
  }
  const object = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const details = object.orderDetails;
  const mode =
    typeof details === 'object' &&
    details !== null &&
    (details as Record<string, unknown>).mode === 'PRODUCTION'
      ? 'live'
      : 'test';
  return {
    id: 'offline',
    gateway: 'lyra',
    mode,
    credentials: {
      siteId: typeof object.shopId === 'string' ? object.shopId : '',
      key: secret,
      algorithm: 'hmac-sha-256',
      brand: 'lyra',
      restPassword: secret,
      hmacKey: secret,
    },
  };
}

function decode(content: Uint8Array | string): FormPair[] | Verdict {
  let pairs: FormPair[];
  try {
    pairs = decodeForm(content, 'utf-8');
  } catch (error) {
    if (error instanceof FormDecodeError) {
      return unparseable('MALFORMED_BODY', `The form could not be decoded as UTF-8: ${error.message}.`);
    }
    throw error;
  }
  return pairs;
}

/**
 * Order matters: routing checks (site, mode) come first because they explain a wrong URL or a wrong key better than a
 * bad signature would; then the signature; only then complaints about the signed content, so that a forged message
 * is always reported as forged, never as "missing field".
 */
function verifyFields(account: Account, pairs: readonly FormPair[], source: SignalSource): Verdict {
  const what = source === 'notification' ? 'The notification' : 'The return';
  const repeated = repeatedNames(pairs);
  if (repeated.length > 0) {
    return unparseable(
      'MALFORMED_BODY',
      `${what} repeats the field ${repeated.map((value) => clip(value)).join(', ')}, which Lyra never does.`,
    );
  }
  const fields = formToRecord(pairs);
  const { siteId } = account.credentials;

  const signature = fields.signature;
  if (!signature) {
    return rejected(
      'SIGNATURE_MISSING',
      `${what} has no signature field, so nothing shows it comes from Lyra.`,
    );
  }
  const site = fields.vads_site_id;
  if (site !== siteId) {
    return rejected(
      'SITE_MISMATCH',
      site
        ? `${what} is for the shop ${clip(site)}, but this account is the shop ${siteId}.`
        : `${what} names no shop (vads_site_id), but this account is the shop ${siteId}.`,
    );
  }
  const expectedMode = account.mode === 'live' ? 'PRODUCTION' : 'TEST';
  if (fields.vads_ctx_mode !== expectedMode) {
    return rejected('MODE_MISMATCH', modeMismatch(what, fields.vads_ctx_mode, account.mode));
  }
  if (!signatureMatches(account.credentials, fields, signature)) {
    return rejected('SIGNATURE_MISMATCH', signatureMismatch(what, account, signature));
  }

  // A refund (CREDIT) carries the refund's amount, not the order's: read as a payment signal it would flag every
  // refunded order as a conflict. Verified and acknowledged, but nothing to apply until refund settlement lands
  // (a later issue).
  if (fields.vads_operation_type === 'CREDIT') return { kind: 'verified', signals: [] };

  return readSignal(fields, source, what);
}

function readSignal(fields: Fields, source: SignalSource, what: string): Verdict {
  for (const name of REQUIRED) {
    if (!fields[name]) {
      return unparseable('MISSING_FIELD', `${what} has no ${name} field, which Lyra always sends.`);
    }
  }
  const transStatus = fields.vads_trans_status as string;
  const rawAmount = fields.vads_amount as string;
  const rawCurrency = fields.vads_currency as string;
  const transId = fields.vads_trans_id as string;
  const transDate = fields.vads_trans_date as string;

  const amount = /^\d{1,15}$/.test(rawAmount) ? Number(rawAmount) : undefined;
  if (amount === undefined) {
    return unparseable(
      'INVALID_FIELD',
      `${what} gives vads_amount "${clip(rawAmount)}", not a whole number of minor units.`,
    );
  }
  const currency = /^\d{3}$/.test(rawCurrency) ? currencyFromNumeric(rawCurrency) : undefined;
  if (currency === undefined) {
    return unparseable(
      'INVALID_FIELD',
      `${what} gives vads_currency "${clip(rawCurrency)}", not a currency quittance knows.`,
    );
  }
  if (!/^\d{14}$/.test(transDate)) {
    return unparseable(
      'INVALID_FIELD',
      `${what} gives vads_trans_date "${clip(transDate)}", not a date of the form YYYYMMDDHHMMSS.`,
    );
  }

  const { status, note } = mapLyraStatus(transStatus);
  const gatewayRef = fields.vads_trans_uuid || undefined;
  const signal: GatewaySignal = {
    source,
    status,
    amount: money(amount, currency),
    ...(gatewayRef !== undefined && { gatewayRef }),
    gatewayStatus: transStatus,
    ...(note !== undefined && { note }),
    lookup: {
      merchantRef: merchantRefOf(transDate, transId),
      ...(gatewayRef !== undefined && { gatewayRef }),
    },
    facts: factsOf(fields),
  };
  return { kind: 'verified', signals: [signal] };
}

function signatureMatches(credentials: LyraCredentials, fields: Fields, signature: string): boolean {
  return acceptedAlgorithms(credentials).some((algorithm) =>
    isLyraSignatureValid(fields, signature, credentials.key, algorithm),
  );
}

function acceptedAlgorithms(credentials: LyraCredentials): LyraAlgorithm[] {
  const { algorithm, alsoAcceptAlgorithm } = credentials;
  return alsoAcceptAlgorithm && alsoAcceptAlgorithm !== algorithm
    ? [algorithm, alsoAcceptAlgorithm]
    : [algorithm];
}

/** Names only what the merchant can act on: never the key, never the signature we expected. */
function signatureMismatch(what: string, account: Account, signature: string): string {
  const accepted = acceptedAlgorithms(account.credentials);
  const shape = signatureShape(signature);
  if (shape !== undefined && !accepted.includes(shape)) {
    return (
      `${what}'s signature looks like ${ALGORITHM_NAMES[shape]}, but this account expects ` +
      `${accepted.map((a) => ALGORITHM_NAMES[a]).join(' or ')}: compare the algorithm under Settings > Shop > Keys ` +
      'in the Back Office with the account configuration.'
    );
  }
  const keyName = account.mode === 'live' ? 'PRODUCTION' : 'TEST';
  return (
    `${what}'s signature does not match its fields and this account's key: either it was altered or forged, ` +
    `or the account does not hold the shop's ${keyName} key from Settings > Shop > Keys in the Back Office.`
  );
}

/** SHA-1 signatures are 40 lower-case hex digits, HMAC-SHA-256 ones 44 base64 characters. */
function signatureShape(signature: string): LyraAlgorithm | undefined {
  if (/^[0-9a-f]{40}$/.test(signature)) return 'sha1';
  if (/^[A-Za-z0-9+/]{43}=$/.test(signature)) return 'hmac-sha-256';
  return undefined;
}

function modeMismatch(what: string, ctxMode: string | undefined, mode: 'test' | 'live'): string {
  if (ctxMode === 'TEST') return `${what} is from the TEST environment, but this account is live.`;
  if (ctxMode === 'PRODUCTION') {
    return `${what} is from the PRODUCTION environment, but this account is in test mode.`;
  }
  const expected = mode === 'live' ? 'PRODUCTION' : 'TEST';
  return ctxMode === undefined
    ? `${what} does not say its environment (vads_ctx_mode); this account expects ${expected}.`
    : `${what} gives the environment "${clip(ctxMode)}"; this account expects ${expected}.`;
}

function factsOf(fields: Fields): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const name of FACTS) {
    const value = fields[name];
    if (value) facts[name] = value;
  }
  return facts;
}

function rejected(
  code: 'SIGNATURE_MISSING' | 'SITE_MISMATCH' | 'MODE_MISMATCH' | 'SIGNATURE_MISMATCH',
  reason: string,
): Verdict {
  return { kind: 'rejected', code, reason };
}

function unparseable(
  code: 'UNSUPPORTED_MEDIA_TYPE' | 'MALFORMED_BODY' | 'MISSING_FIELD' | 'INVALID_FIELD',
  reason: string,
): Verdict {
  return { kind: 'unparseable', code, reason };
}
