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
import { SIPS_SEAL_ALGORITHMS, type SipsCredentials, type SipsSealAlgorithm } from './credentials.js';
import { type ParsedData, parseSipsData } from './data.js';
import { mapSipsResponse } from './map.js';
import { isSipsSealValid } from './seal.js';

type Fields = Readonly<Record<string, string>>;
type Account = GatewayAccount<SipsCredentials>;

/** What a response must carry to say anything about a payment (ResponseData.java; shared/protocols.md §1). */
const REQUIRED = ['transactionReference', 'responseCode', 'amount', 'currencyCode'] as const;

/** Facts kept beside the signal for people. `maskedPan` only when already masked (see `factsOf`). */
const FACTS = [
  'responseCode',
  'acquirerResponseCode',
  'authorisationId',
  'paymentMeanBrand',
  'captureMode',
  'captureDay',
  'orderId',
  'transactionDateTime',
  'holderAuthentStatus',
  's10TransactionId',
  's10TransactionIdDate',
] as const;

/**
 * The automatic response: a server-to-server form POST (`application/x-www-form-urlencoded`) of `Data`, `Encode`,
 * `Seal`, `InterfaceVersion` (wl-sips/sips-paypage-post-php `Common/paymentResponse.php`; odoo/odoo
 * `addons/payment_sips/controllers/main.py`). Pure.
 */
export function verifySipsNotification(account: Account, raw: RawRequest): Verdict {
  const type = mediaType(raw.headers['content-type']);
  if (type !== FORM_TYPE) {
    return unparseable(
      'UNSUPPORTED_MEDIA_TYPE',
      `Sips posts its responses as ${FORM_TYPE}, but this request is ${type ? `of type ${clip(type)}` : 'without a content type'}.`,
    );
  }
  const decoded = decode(raw.body);
  return 'kind' in decoded ? decoded : verifyFields(account, decoded, 'notification');
}

/**
 * The manual response: the same form, posted by the customer's browser to normalReturnUrl. A return carrying neither
 * `Data` nor `Seal` says nothing we could trust: null.
 */
export function readSipsReturn(account: Account, raw: RawRequest): Verdict | null {
  const fromBody =
    raw.method.toUpperCase() === 'POST' &&
    raw.body.byteLength > 0 &&
    mediaType(raw.headers['content-type']) === FORM_TYPE;
  const decoded = decode(fromBody ? raw.body : raw.query);
  if ('kind' in decoded) return decoded;
  if (!decoded.some(({ name }) => name === 'Data' || name === 'Seal')) return null;
  return verifyFields(account, decoded, 'return');
}

/**
 * For `quittance verify sips --secret KEY [--algorithm hmac-sha-256|sha-256]`: merchantId and keyVersion come from
 * `Data`. Without an algorithm, the one whose seal matches is chosen (HMAC-SHA-256 when neither does), since a Sips
 * response does not name its algorithm.
 */
export function sipsOfflineAccount(input: OfflineInput): Account {
  if (input.secret.length === 0) throw new QuittanceError('VALIDATION_FAILED', 'The secret key is empty.');
  let chosen: SipsSealAlgorithm | undefined;
  if (input.algorithm !== undefined) {
    chosen = SIPS_SEAL_ALGORITHMS.find((a) => a.toLowerCase() === input.algorithm?.toLowerCase());
    if (chosen === undefined) {
      throw new QuittanceError(
        'VALIDATION_FAILED',
        `Sips seals with hmac-sha-256 or sha-256, not "${clip(input.algorithm)}".`,
      );
    }
  }
  const pairs = decode(input.request.body.byteLength > 0 ? input.request.body : input.request.query);
  const form = 'kind' in pairs ? {} : formToRecord(pairs);
  const data = decodeData(form.Data ?? '', form.Encode);
  const fields = data.ok ? data.fields : {};
  if (chosen === undefined) {
    chosen =
      SIPS_SEAL_ALGORITHMS.find((a) => isSipsSealValid(form.Data ?? '', form.Seal ?? '', input.secret, a)) ??
      'HMAC-SHA-256';
  }
  return {
    id: 'offline',
    gateway: 'sips',
    mode: 'test',
    credentials: {
      merchantId: fields.merchantId ?? '',
      secretKey: input.secret,
      keyVersion: fields.keyVersion ?? '1',
      sealAlgorithm: chosen,
      environment: 'simu',
    },
  };
}

function decode(content: Uint8Array | string): FormPair[] | Verdict {
  try {
    return decodeForm(content, 'utf-8');
  } catch (error) {
    if (error instanceof FormDecodeError) {
      return unparseable('MALFORMED_BODY', `The form could not be decoded as UTF-8: ${error.message}.`);
    }
    throw error;
  }
}

/** `Encode=base64`: Data is base64 of the `key=value|…` string (redirectionForm.php, paymentResponse.php). */
function decodeData(data: string, encode: string | undefined): ParsedData {
  if (encode === undefined || encode === '') return parseSipsData(data);
  if (encode !== 'base64') return { ok: false, reason: `Encode is "${clip(encode)}", not base64 nor empty` };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
    return { ok: false, reason: 'Data is not valid base64 although Encode=base64' };
  }
  const bytes = Buffer.from(data, 'base64');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, reason: 'the base64 Data is not UTF-8 text' };
  }
  return parseSipsData(text);
}

/**
 * Order: seal present; the merchant, when Data can be read (a wrong account explains a wrong URL better than a bad
 * seal); the seal over Data as received; only then complaints about the sealed content, so that a forged message is
 * always reported as forged, never as "missing field".
 */
function verifyFields(account: Account, pairs: readonly FormPair[], source: SignalSource): Verdict {
  const what = source === 'notification' ? 'The automatic response' : 'The return';
  const repeated = repeatedNames(pairs);
  if (repeated.length > 0) {
    return unparseable(
      'MALFORMED_BODY',
      `${what} repeats the field ${repeated.map((value) => clip(value)).join(', ')}, which Sips never does.`,
    );
  }
  const form = formToRecord(pairs);
  const seal = form.Seal;
  if (!seal) {
    return rejected('SIGNATURE_MISSING', `${what} has no Seal field, so nothing shows it comes from Sips.`);
  }
  const data = form.Data;
  if (!data) return unparseable('MISSING_FIELD', `${what} has no Data field, which Sips always sends.`);
  const { merchantId, secretKey, sealAlgorithm } = account.credentials;
  const parsed = decodeData(data, form.Encode);
  const named = parsed.ok ? parsed.fields.merchantId : undefined;
  if (named !== undefined && named !== merchantId) {
    return rejected(
      'SITE_MISMATCH',
      `${what} is for the merchant ${clip(named)}, but this account is the merchant ${merchantId}.`,
    );
  }
  if (!isSipsSealValid(data, seal, secretKey, sealAlgorithm)) {
    return rejected(
      'SIGNATURE_MISMATCH',
      `${what}'s Seal does not match its Data with this account's ${sealAlgorithm} secret key: either it was altered ` +
        'or forged, or the account does not hold the secret key (and seal algorithm) of the keyVersion in use.',
    );
  }
  if (!parsed.ok) return unparseable('MALFORMED_BODY', `${what}'s Data cannot be read: ${parsed.reason}.`);
  if (named === undefined) {
    return rejected(
      'SITE_MISMATCH',
      `${what} names no merchant (merchantId), but this account is the merchant ${merchantId}.`,
    );
  }
  return readSignal(parsed.fields, source, what);
}

function readSignal(fields: Fields, source: SignalSource, what: string): Verdict {
  for (const name of REQUIRED) {
    if (!fields[name])
      return unparseable('MISSING_FIELD', `${what} has no ${name} in Data, which Sips always sends.`);
  }
  const reference = fields.transactionReference as string;
  const responseCode = fields.responseCode as string;
  const rawAmount = fields.amount as string;
  const rawCurrency = fields.currencyCode as string;
  if (!/^\d{1,15}$/.test(rawAmount)) {
    return unparseable(
      'INVALID_FIELD',
      `${what} gives amount "${clip(rawAmount)}", not a whole number of minor units.`,
    );
  }
  const currency = /^\d{3}$/.test(rawCurrency) ? currencyFromNumeric(rawCurrency) : undefined;
  if (currency === undefined) {
    return unparseable(
      'INVALID_FIELD',
      `${what} gives currencyCode "${clip(rawCurrency)}", not a currency quittance knows.`,
    );
  }
  if (!/^[0-9A-Za-z]{1,2}$/.test(responseCode)) {
    return unparseable(
      'INVALID_FIELD',
      `${what} gives responseCode "${clip(responseCode)}", not a Sips response code.`,
    );
  }
  const { status, note } = mapSipsResponse(responseCode, fields.captureMode, fields.captureDay);
  // gatewayRef: Sips has no transaction id of its own beside our transactionReference (that is the key Office
  // calls use; s10TransactionReference is only the legacy alternative), and authorisationId is the issuer's
  // approval code, absent on refusals and not unique. So the transactionReference is also the gateway reference, as
  // odoo/odoo `payment_sips/models/payment_transaction.py` does (`provider_reference = transactionReference`): two
  // different ones for one payment then really are two transactions.
  const signal: GatewaySignal = {
    source,
    status,
    amount: money(Number(rawAmount), currency),
    gatewayRef: reference,
    gatewayStatus: responseCode,
    ...(note !== undefined && { note }),
    lookup: { merchantRef: reference, gatewayRef: reference },
    facts: factsOf(fields),
  };
  return { kind: 'verified', signals: [signal] };
}

function factsOf(fields: Fields): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const name of FACTS) {
    const value = fields[name];
    if (value) facts[name] = value;
  }
  // Sips masks with `#` (e.g. `4500#############01` in worldline/sips-sdk-java's response tests); keep the PAN only
  // when at most the first 6 and last 4 digits show.
  const pan = fields.maskedPan;
  if (pan && isMasked(pan)) facts.maskedPan = pan;
  return facts;
}

function isMasked(pan: string): boolean {
  if (!/^[0-9#*Xx.]{8,24}$/.test(pan)) return false;
  return (pan.match(/\d/g) ?? []).length <= 10 && /[#*Xx.]{4,}/.test(pan);
}

function rejected(
  code: 'SIGNATURE_MISSING' | 'SITE_MISMATCH' | 'SIGNATURE_MISMATCH',
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
