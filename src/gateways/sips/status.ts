import { currencyFromNumeric, money, type PaymentStatus } from '../../core/index.js';
import { safeEqual } from '../_shared/crypto.js';
import type {
  GatewayAccount,
  GatewaySignal,
  StatusAnswer,
  StatusIo,
  StatusMap,
  StatusQuery,
} from '../gateway.js';
import { type SipsCredentials, sipsOfficeBase } from './credentials.js';
import { clip } from './data.js';
import { sipsJsonSeal, sipsJsonSealString } from './seal.js';

/**
 * The status API: Sips Office `POST <office>/rs-services/v2/diagnostic/getTransactionData`, JSON (shared/protocols.md
 * §1). Request fields exactly as BNP Paribas Mercanet's PrestaShop/WooCommerce modules send them (class
 * `MercanetWebservice`): `interfaceVersion`, `keyVersion`, `merchantId`, `transactionReference`, then `seal`, the
 * JSON seal of worldline/sips-sdk-java `SealCalculator.java` (keyVersion left out of the sealed string). The
 * interfaceVersion values seen in those sources are DR_WS_2.3, DR_WS_2.23 and DR_WS_2.27; we send the newest.
 * Answer: `responseCode` (00 query OK, 25 unknown transaction, 34 bad seal), `transactionStatus`, the transaction's
 * data and a `seal` (every field but `seal`).
 */
export const SIPS_OFFICE_INTERFACE_VERSION = 'DR_WS_2.27';
export const SIPS_STATUS_PATH = '/rs-services/v2/diagnostic/getTransactionData';

/**
 * `transactionStatus` → our status. TO_CAPTURE is documented by the Mercanet modules (an authorisation Sips will
 * capture by itself: read as captured, like responseCode 00 with AUTHOR_CAPTURE); the other words are the Sips data
 * dictionary's and are [UNCONFIRMED] against a stored Worldline page. An unknown word yields no signal.
 */
export const SIPS_TRANSACTION_STATUS_MAP: StatusMap = {
  TO_CAPTURE: 'captured',
  CAPTURED: 'captured',
  TO_VALIDATE: 'authorized',
  TO_AUTHORIZE: 'pending',
  PENDING: 'pending',
  TO_CHALLENGE: 'pending',
  REFUSED: 'refused',
  CAPTURE_REFUSED: 'error',
  CANCELLED: 'cancelled',
  ABORTED: 'cancelled',
  EXPIRED: 'expired',
};

type Json = Readonly<Record<string, unknown>>;

export async function fetchSipsStatus(
  account: GatewayAccount<SipsCredentials>,
  query: StatusQuery,
  io: StatusIo,
): Promise<StatusAnswer> {
  const { merchantId, keyVersion, secretKey } = account.credentials;
  const unsealed = {
    interfaceVersion: SIPS_OFFICE_INTERFACE_VERSION,
    keyVersion,
    merchantId,
    transactionReference: query.merchantRef,
  };
  const body = { ...unsealed, seal: sipsJsonSeal(sipsJsonSealString(unsealed, ['keyVersion']), secretKey) };
  const url = `${sipsOfficeBase(account.credentials)}${SIPS_STATUS_PATH}`;
  let response: Response;
  let text: string;
  try {
    response = await io.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: io.signal,
    });
    text = await response.text();
  } catch (error) {
    const aborted = io.signal.aborted || (error instanceof Error && /abort|timeout/i.test(error.name));
    return failed(
      true,
      aborted
        ? 'Sips Office did not answer in time.'
        : `Sips Office could not be reached (${describe(error)}).`,
    );
  }
  if (!response.ok)
    return failed(
      response.status >= 500 || response.status === 429,
      `Sips Office answered HTTP ${response.status}.`,
    );
  let answer: Json;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    answer = parsed as Json;
  } catch {
    return failed(true, 'Sips Office answered something that is not a JSON object.');
  }
  const code = typeof answer.responseCode === 'string' ? answer.responseCode : '';
  if (code === '25') {
    return { kind: 'not-found', reason: `Sips has no transaction ${query.merchantRef} (responseCode 25).` };
  }
  if (code === '34') {
    return failed(
      false,
      `Sips Office refused the request's seal (responseCode 34): check secretKey and keyVersion of the account ${account.id}.`,
    );
  }
  if (code !== '00')
    return failed(code !== '03' && code !== '40', `Sips Office answered responseCode "${clip(code)}".`);
  const seal = typeof answer.seal === 'string' ? answer.seal : '';
  const expected = sipsJsonSeal(
    sipsJsonSealString(answer as Parameters<typeof sipsJsonSealString>[0], ['seal']),
    secretKey,
  );
  if (!safeEqual(expected, seal)) {
    return failed(false, "Sips Office's answer does not carry a valid seal for this account's secret key.");
  }
  return { kind: 'found', signals: signalsOf(answer, query) };
}

function signalsOf(answer: Json, query: StatusQuery): GatewaySignal[] {
  const word = typeof answer.transactionStatus === 'string' ? answer.transactionStatus : '';
  const status: PaymentStatus | undefined = Object.hasOwn(SIPS_TRANSACTION_STATUS_MAP, word)
    ? SIPS_TRANSACTION_STATUS_MAP[word]
    : undefined;
  if (status === undefined) return [];
  const reference =
    typeof answer.transactionReference === 'string' && answer.transactionReference
      ? answer.transactionReference
      : query.merchantRef;
  const amount = amountOf(answer);
  return [
    {
      source: 'poll',
      status,
      ...(amount !== undefined && { amount }),
      gatewayRef: reference,
      gatewayStatus: word,
      lookup: { merchantRef: reference, gatewayRef: reference },
      facts: {
        transactionStatus: word,
        ...(typeof answer.responseCode === 'string' && { responseCode: answer.responseCode }),
      },
    },
  ];
}

function amountOf(answer: Json): ReturnType<typeof money> | undefined {
  const raw = answer.amount ?? answer.currentAmount;
  const value =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^\d{1,15}$/.test(raw)
        ? Number(raw)
        : undefined;
  const numeric = typeof answer.currencyCode === 'string' ? answer.currencyCode : undefined;
  const currency = numeric && /^\d{3}$/.test(numeric) ? currencyFromNumeric(numeric) : undefined;
  if (value === undefined || !Number.isSafeInteger(value) || value < 0 || currency === undefined)
    return undefined;
  return money(value, currency);
}

function failed(retryable: boolean, reason: string): StatusAnswer {
  return { kind: 'failed', code: 'GATEWAY_UNAVAILABLE', reason, retryable };
}

function describe(error: unknown): string {
  return error instanceof Error ? clip(error.message) : 'unknown error';
}
