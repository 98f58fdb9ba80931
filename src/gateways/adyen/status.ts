import { money, type PaymentStatus } from '../../core/index.js';
import type { GatewayAccount, GatewaySignal, StatusAnswer, StatusIo, StatusQuery } from '../gateway.js';
import { type AdyenCredentials, adyenCheckoutUrl } from './credentials.js';

type Account = GatewayAccount<AdyenCredentials>;

/** A payment link id as Adyen issues them (`PL` and hex digits, e.g. PL61C53A8B97E6915A). */
const LINK_ID = /^PL[0-9A-Z]{6,64}$/;

/**
 * Adyen has no payment status API by reference; a payment made through a link can be asked about through the link
 * (`GET /paymentLinks/{linkId}`, @adyen/api-library `PaymentLinksApi.getPaymentLink`). Its `status`: active (nothing
 * paid yet, a refused attempt included: the shopper may try again), paymentPending, completed (the shopper paid:
 * authorised, not necessarily captured), expired; `paid` is in the library's enum without a description and is read
 * as completed [UNCONFIRMED].
 */
export function mapLinkStatus(status: string, capture: AdyenCredentials['capture']): PaymentStatus | null {
  switch (status) {
    case 'completed':
    case 'paid':
      return capture === 'auto' ? 'captured' : 'authorized';
    case 'paymentPending':
      return 'pending';
    case 'expired':
      return 'expired';
    default:
      return null;
  }
}

/**
 * Polls the payment link stored as the payment's gatewayRef at checkout. Once a notification has come, the
 * gatewayRef is the pspReference, which no API answers about: the answer is then a non-retryable failure (by then the
 * notification has told the state). The poll signal carries no gatewayRef, so it never contradicts the pspReference.
 */
export async function fetchAdyenStatus(
  account: Account,
  query: StatusQuery,
  io: StatusIo,
): Promise<StatusAnswer> {
  const linkId = query.gatewayRef;
  if (linkId === null || !LINK_ID.test(linkId)) {
    return {
      kind: 'failed',
      code: 'NOT_SUPPORTED',
      reason:
        'Adyen answers status questions only about a payment link, and this payment holds no link id (its reference ' +
        'is a pspReference once a notification came): check it in the Customer Area.',
      retryable: false,
    };
  }
  let response: Response;
  let body: unknown;
  try {
    response = await io.fetch(
      adyenCheckoutUrl(account.credentials, `paymentLinks/${encodeURIComponent(linkId)}`),
      {
        method: 'GET',
        headers: { accept: 'application/json', 'x-api-key': account.credentials.apiKey },
        redirect: 'manual',
        signal: io.signal,
      },
    );
    body = await response.json().catch(() => undefined);
  } catch {
    return {
      kind: 'failed',
      code: 'GATEWAY_UNAVAILABLE',
      reason: io.signal.aborted ? 'Adyen did not answer in time.' : 'Adyen could not be reached.',
      retryable: true,
    };
  }
  if (response.status === 404 || response.status === 422) {
    return { kind: 'not-found', reason: `Adyen knows no payment link ${linkId}.` };
  }
  if (response.status === 401 || response.status === 403) {
    return {
      kind: 'failed',
      code: 'GATEWAY_UNAVAILABLE',
      reason: `Adyen refused the API key (HTTP ${response.status}).`,
      retryable: false,
    };
  }
  const link = body as {
    status?: unknown;
    reference?: unknown;
    amount?: { value?: unknown; currency?: unknown };
  };
  if (response.status !== 200 || typeof link?.status !== 'string') {
    return {
      kind: 'failed',
      code: 'GATEWAY_UNAVAILABLE',
      reason: `Adyen answered HTTP ${response.status} without a link status.`,
      retryable: true,
    };
  }
  const status = mapLinkStatus(link.status, account.credentials.capture);
  if (status === null) return { kind: 'found', signals: [] };
  let amount: ReturnType<typeof money> | undefined;
  try {
    amount = money(link.amount?.value as number, String(link.amount?.currency ?? ''));
  } catch {
    amount = undefined;
  }
  const signal: GatewaySignal = {
    source: 'poll',
    status,
    ...(amount && { amount }),
    gatewayStatus: `link ${link.status.slice(0, 40)}`,
    lookup: { paymentId: query.paymentId, merchantRef: query.merchantRef },
    facts: { paymentLinkId: linkId },
  };
  return { kind: 'found', signals: [signal] };
}
