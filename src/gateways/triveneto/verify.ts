import { money, QuittanceError } from '../../core/index.js';
import { decodeForm, FormDecodeError, formToRecord, repeatedNames } from '../_shared/form-codec.js';
import { clip, FORM_TYPE, mediaType } from '../_shared/request.js';
import type { GatewayAccount, GatewaySignal, OfflineInput, RawRequest, Verdict } from '../gateway.js';
import type { TrivenetoCredentials } from './credentials.js';
import { mapTrivenetoResult } from './map.js';
import { isSecurityCodeValid } from './security-code.js';

type Account = GatewayAccount<TrivenetoCredentials>;
type Fields = Readonly<Record<string, string>>;

/** Kept beside the signal for people (field names of PgConsTriv and the e24PaymentPipe.net client). */
const FACTS = ['tranid', 'auth', 'ref', 'postdate', 'responsecode', 'result', 'cardtype'] as const;

/**
 * The NotificationMessage: a form POST to responseURL with `paymentid`, `tranid`, `result`, `auth`, `postdate`,
 * `trackid`, `udf1..udf5` (the WooCommerce Activa plugin reads exactly these `$_POST` names), maybe `ref`,
 * `responsecode`, `cardtype` (mikilion/e24PaymentPipe.net `PaymentPipe.cs` `GetPayementStatus`; [UNCONFIRMED] for
 * Triveneto), or `Error` / `ErrorText` (PgConsTriv `isTransError_NM`). None of these lists has `amt`: the amount is not
 * given back. PgConsTriv's `isValid_NM` compares udf4 with `==`; we compare in constant time (`safeEqual`).
 *
 * Authenticity rests on the udf4 security code only (security-code.ts). It binds udf1 (our payment id), udf2 (the
 * amount) and trackid to our secret; `result`, `paymentid` and the other facts are NOT covered — the gateway signs
 * nothing. `paymentid` is the gateway's PaymentID, issued after we computed udf4, so no code can cover it: that it
 * matches the PaymentID stored at PaymentInit is for the engine to check: the lookup says `gatewayRefFixed`, and
 * engine/apply-signal.ts refuses a signal whose PaymentID differs from the stored one (PAYMENT_MISMATCH).
 *
 * Error notifications: an `Error`/`ErrorText` message may come from the gateway without our udf fields. Verification is
 * pure (no database), so it cannot tell it from a forgery by looking `paymentid` up: it is `rejected`
 * (SIGNATURE_MISSING) unless it carries a valid udf4, and then it is an `error` signal with ErrorText as note. A
 * rejected request is still stored, so a person (or a later status check) can look at it.
 *
 * The charset is UTF-8: unconfirmed for Triveneto (an e24 gateway of 2010 may send ISO-8859-1); our own udf values
 * are ASCII, so only free text (ErrorText) could suffer, and a bad byte makes the message unparseable, never forged.
 */
export function verifyTrivenetoNotification(account: Account, raw: RawRequest): Verdict {
  const type = mediaType(raw.headers['content-type']);
  if (type !== FORM_TYPE) {
    return unparseable(
      'UNSUPPORTED_MEDIA_TYPE',
      `Consorzio Triveneto posts its NotificationMessage as ${FORM_TYPE}, but this request is ${type ? `of type ${clip(type, 80)}` : 'without a content type'}.`,
    );
  }
  let pairs: ReturnType<typeof decodeForm>;
  try {
    pairs = decodeForm(raw.body, 'utf-8');
  } catch (error) {
    if (error instanceof FormDecodeError) {
      return unparseable('MALFORMED_BODY', `The NotificationMessage could not be decoded: ${error.message}.`);
    }
    throw error;
  }
  const repeated = repeatedNames(pairs);
  if (repeated.length > 0) {
    return unparseable(
      'MALFORMED_BODY',
      `The NotificationMessage repeats the field ${repeated.map((value) => clip(value)).join(', ')}.`,
    );
  }
  const fields = formToRecord(pairs);
  const code = fields.udf4;
  if (!code) {
    return rejected(
      'SIGNATURE_MISSING',
      fields.Error !== undefined || fields.ErrorText !== undefined
        ? "The error NotificationMessage carries no udf4 security code: it may be the gateway's own, but nothing shows it; kept for a person."
        : 'The NotificationMessage carries no udf4 security code, so nothing shows it comes from Consorzio Triveneto.',
    );
  }
  const paymentId = fields.udf1 ?? '';
  const amountText = fields.udf2 ?? '';
  const trackid = fields.trackid ?? '';
  if (!isSecurityCodeValid(account.credentials.secret, paymentId, amountText, trackid, code)) {
    return rejected(
      'SIGNATURE_MISMATCH',
      "The udf4 security code does not match udf1, udf2 and trackid with this account's secret: either the message " +
        'was altered or forged, or the account does not hold the secret the payment was created with.',
    );
  }
  return readSignal(account, fields, paymentId, amountText, trackid);
}

function readSignal(
  account: Account,
  fields: Fields,
  paymentId: string,
  amountText: string,
  trackid: string,
): Verdict {
  const match = /^(\d{1,15}) ([A-Z]{3,12})$/.exec(amountText);
  if (!match || !paymentId || !trackid) {
    // Only we write these, under the code: a valid code over malformed values means our own bug.
    return unparseable('INVALID_FIELD', 'udf1, udf2 or trackid is not of the form quittance writes.');
  }
  const amount = money(Number(match[1]), match[2] as string);
  const gatewayRef = fields.paymentid || undefined;
  // The PaymentID was stored as the payment's gatewayRef at PaymentInit: `gatewayRefFixed` makes the engine refuse a
  // message naming another one (apply-signal.ts), final or not — udf4 cannot cover it (see above).
  const lookup = {
    paymentId,
    merchantRef: trackid,
    ...(gatewayRef !== undefined && { gatewayRef }),
    gatewayRefFixed: true,
  };
  const facts = factsOf(fields);
  if (fields.Error !== undefined || fields.ErrorText !== undefined) {
    const text = [fields.Error, fields.ErrorText].filter((s) => s).join(' ');
    const signal: GatewaySignal = {
      source: 'notification',
      status: 'error',
      amount,
      ...(gatewayRef !== undefined && { gatewayRef }),
      gatewayStatus: clip(fields.Error || 'Error', 80),
      note: `Consorzio Triveneto reported an error: ${clip(text || '(no text)', 80)}`,
      lookup,
      facts,
    };
    return { kind: 'verified', signals: [signal] };
  }
  const result = fields.result;
  if (!result) {
    return unparseable('MISSING_FIELD', 'The NotificationMessage has no result field and no Error.');
  }
  const { status, note } = mapTrivenetoResult(result, account.credentials.action);
  const signal: GatewaySignal = {
    source: 'notification',
    status,
    amount,
    ...(gatewayRef !== undefined && { gatewayRef }),
    gatewayStatus: result,
    ...(note !== undefined && { note }),
    lookup,
    facts,
  };
  return { kind: 'verified', signals: [signal] };
}

/**
 * For `quittance verify triveneto --secret S`: udf4 is checked with the secret alone. The terminal id and password
 * are not needed; the action is not in the message, so it is read from the success word (APPROVED → authorization,
 * anything else → purchase), which keeps the offline verdict equal to the online one for a well-configured account.
 */
export function trivenetoOfflineAccount(input: OfflineInput): Account {
  if (input.secret.length === 0) throw new QuittanceError('VALIDATION_FAILED', 'The secret is empty.');
  if (input.algorithm !== undefined && input.algorithm !== 'hmac-sha-256') {
    throw new QuittanceError('VALIDATION_FAILED', 'The Triveneto security code is HMAC-SHA-256 only.');
  }
  let result: string | undefined;
  try {
    result = formToRecord(decodeForm(input.request.body)).result;
  } catch {
    result = undefined;
  }
  return {
    id: 'offline',
    gateway: 'triveneto',
    mode: 'test',
    credentials: {
      id: '',
      password: '',
      secret: input.secret,
      action: result === 'APPROVED' ? 'authorization' : 'purchase',
      langid: 'ITA',
      environment: 'test',
    },
  };
}

function factsOf(fields: Fields): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const name of FACTS) {
    const value = fields[name];
    if (value) facts[name] = clip(value, 80);
  }
  return facts;
}

function rejected(code: 'SIGNATURE_MISSING' | 'SIGNATURE_MISMATCH', reason: string): Verdict {
  return { kind: 'rejected', code, reason };
}

function unparseable(
  code: 'UNSUPPORTED_MEDIA_TYPE' | 'MALFORMED_BODY' | 'MISSING_FIELD' | 'INVALID_FIELD',
  reason: string,
): Verdict {
  return { kind: 'unparseable', code, reason };
}
