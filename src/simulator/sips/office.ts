/**
 * Sips Office `POST <office>/rs-services/v2/diagnostic/getTransactionData`, JSON (shared/protocols.md §1), answered
 * from the simulator's own transactions. Request as BNP Paribas Mercanet's modules send it (class
 * `MercanetWebservice`): interfaceVersion, keyVersion, merchantId, transactionReference, seal. Seals are the Office
 * JSON seal of worldline/sips-sdk-java `SealCalculator.java` (values of the non-null fields, alphabetical by name,
 * HMAC-SHA-256 with the secret key): the request's without keyVersion and seal, the answer's without seal. Answer
 * responseCodes: 00 query OK, 25 unknown transaction, 34 bad seal (documented); 03 unknown merchant, 12 missing
 * transactionReference and 30 unreadable request are the classes of ResponseCode.java applied here [UNCONFIRMED]. Error
 * answers are not sealed [UNCONFIRMED]. The answer's field list beyond responseCode / transactionStatus is not in any
 * source read: the transaction's fields are named as in the payment response ([UNCONFIRMED]).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { safeEqual } from '../../gateways/_shared/crypto.js';
import { sipsJsonSeal, sipsJsonSealString } from '../../gateways/sips/seal.js';
import type { SimClock } from '../_shared/clock.js';
import { parseJsonObject, readBody, sendJson } from '../_shared/http.js';
import { responseCaptureMode, sipsDateTime } from './fields.js';
import { RESPONSE_CODE, TRANSACTION_STATUS, type TxState } from './transactions.js';
import type { OfficeCall, SipsShop } from './types.js';

export const OFFICE_STATUS_PATH = '/rs-services/v2/diagnostic/getTransactionData';
/** DR_WS_2.x: the versions seen are DR_WS_2.3, 2.23 and 2.27 (shared/protocols.md §1). */
const INTERFACE_VERSION = /^DR_WS_2\.\d{1,3}$/;

type Json = Record<string, string | number>;

export interface OfficeContext {
  readonly shops: ReadonlyMap<string, SipsShop>;
  readonly clock: SimClock;
  /** The transaction of a merchant's reference, if the shopper has acted on it (Sips has no trace before). */
  find(merchantId: string, transactionReference: string): TxState | undefined;
  record(call: OfficeCall): void;
}

export async function handleOffice(
  ctx: OfficeContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const at = ctx.clock.now();
  const body = await readBody(req);
  const answer = (responseCode: string, merchantId = '', transactionReference = '', json?: Json) => {
    ctx.record({ at, merchantId, transactionReference, responseCode });
    sendJson(res, 200, json ?? { responseCode });
  };
  let input: Record<string, unknown>;
  try {
    input = parseJsonObject(body);
  } catch {
    return answer('30');
  }
  const text = (name: string) => (typeof input[name] === 'string' ? (input[name] as string) : '');
  const merchantId = text('merchantId');
  const reference = text('transactionReference');
  if (!INTERFACE_VERSION.test(text('interfaceVersion'))) return answer('30', merchantId, reference);
  const shop = ctx.shops.get(merchantId);
  if (!shop) return answer('03', merchantId, reference);
  if (text('keyVersion') !== (shop.keyVersion ?? '1')) return answer('34', merchantId, reference);
  const expected = sipsJsonSeal(
    sipsJsonSealString(input as Parameters<typeof sipsJsonSealString>[0], ['keyVersion', 'seal']),
    shop.secretKey,
  );
  if (!safeEqual(expected, text('seal'))) return answer('34', merchantId, reference);
  if (reference === '') return answer('12', merchantId, reference);
  const tx = ctx.find(merchantId, reference);
  if (!tx || tx.outcome === null || tx.actedAt === null) return answer('25', merchantId, reference);

  const { request } = tx;
  const accepted = RESPONSE_CODE[tx.outcome] === '00';
  const fields: Json = {
    responseCode: '00',
    merchantId,
    transactionReference: reference,
    transactionStatus: TRANSACTION_STATUS[tx.outcome],
    amount: tx.settledAmount,
    currencyCode: request.currencyCode,
    captureMode: responseCaptureMode(tx, tx.outcome),
    captureDay: Number(request.captureDay),
    transactionDateTime: sipsDateTime(tx.actedAt),
    ...(request.orderId && { orderId: request.orderId }),
    ...(accepted && tx.authorisationId && { authorisationId: tx.authorisationId }),
  };
  const seal = sipsJsonSeal(sipsJsonSealString(fields, ['seal']), shop.secretKey);
  return answer('00', merchantId, reference, { ...fields, seal });
}
