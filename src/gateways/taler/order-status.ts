import type { Money, PaymentStatus, SignalSource } from '../../core/index.js';
import { describe, isObject } from '../_shared/json.js';
import { clip } from '../_shared/request.js';
import type { GatewaySignal } from '../gateway.js';
import { formatTalerAmount, parseTalerAmount } from './amount.js';
import { ORDER_ID } from './api.js';

/**
 * `GET [/instances/$INSTANCE]/private/orders/$ORDER_ID` read strictly (docs.taler.net/core/api-merchant.html
 * `MerchantOrderStatusResponse`; shared/protocols.md §5; taler-php `CheckPayment{Unpaid,Claimed,Paid}Response`).
 * The answer depends on `order_status`:
 * - `unpaid`: `taler_pay_uri`, `order_status_url`, `creation_time`, `total_amount`?, `pay_deadline`? (deprecated since
 *   protocol v25 in favour of `proto_contract_terms`), `already_paid_order_id`?, `already_paid_fulfillment_url`?;
 * - `claimed`: `contract_terms`, `order_status_url`;
 * - `paid`: `refunded`, `refund_pending`, `refund_amount`, `contract_terms`, `order_status_url`, `choice_index`?…
 * Contract terms v0 carry `amount`; v1 carry `choices[]` each with an `amount`, the chosen one at `choice_index`.
 */
export type TalerOrder =
  | {
      readonly status: 'unpaid';
      readonly payUri: string | undefined;
      readonly statusUrl: string | undefined;
      /** Seconds since the epoch. */
      readonly createdAt: number | undefined;
      readonly amount: Money | undefined;
      /** Seconds since the epoch; undefined when the answer does not say. */
      readonly payDeadline: number | undefined;
      readonly alreadyPaidOrderId: string | undefined;
      readonly alreadyPaidFulfillmentUrl: string | undefined;
    }
  | {
      readonly status: 'claimed';
      readonly orderId: string;
      readonly statusUrl: string | undefined;
      readonly createdAt: number | undefined;
      readonly amount: Money | undefined;
      readonly payDeadline: number | undefined;
    }
  | {
      readonly status: 'paid';
      readonly orderId: string;
      readonly statusUrl: string | undefined;
      readonly amount: Money;
      readonly refunded: boolean;
      readonly refundAmount: Money | undefined;
      readonly refundPending: boolean;
      /** `refund_details[].reason`, for recognising a refund already granted (refund.ts). */
      readonly refundReasons: readonly string[];
    };

/** Reads the backend's answer; a string says what is wrong. */
export function readOrderStatus(json: unknown): TalerOrder | string {
  if (!isObject(json)) return 'the answer is not a JSON object';
  const status = json.order_status;
  const statusUrl = typeof json.order_status_url === 'string' ? json.order_status_url : undefined;
  if (status === 'unpaid') {
    const amount = json.total_amount === undefined ? undefined : parseTalerAmount(json.total_amount);
    if (typeof amount === 'string') return `total_amount: ${amount}`;
    const proto = isObject(json.proto_contract_terms) ? json.proto_contract_terms : undefined;
    const alreadyPaid = json.already_paid_order_id;
    if (alreadyPaid !== undefined && (typeof alreadyPaid !== 'string' || !ORDER_ID.test(alreadyPaid))) {
      return `already_paid_order_id ${describe(alreadyPaid)} is not an order id`;
    }
    const fulfillment = json.already_paid_fulfillment_url;
    return {
      status,
      payUri: typeof json.taler_pay_uri === 'string' ? json.taler_pay_uri : undefined,
      statusUrl,
      createdAt: seconds(json.creation_time),
      amount,
      payDeadline: seconds(json.pay_deadline) ?? seconds(proto?.pay_deadline),
      alreadyPaidOrderId: alreadyPaid,
      alreadyPaidFulfillmentUrl: typeof fulfillment === 'string' ? clip(fulfillment, 300) : undefined,
    };
  }
  if (status === 'claimed' || status === 'paid') {
    const terms = json.contract_terms;
    if (!isObject(terms)) return `a ${status} order without contract_terms`;
    const orderId = terms.order_id;
    if (typeof orderId !== 'string' || !ORDER_ID.test(orderId)) {
      return `contract_terms.order_id ${describe(orderId)} is not an order id`;
    }
    const amount = contractAmount(terms, json.choice_index);
    if (status === 'claimed') {
      return {
        status,
        orderId,
        statusUrl,
        createdAt: seconds(terms.timestamp),
        amount: typeof amount === 'string' ? undefined : amount,
        payDeadline: seconds(terms.pay_deadline),
      };
    }
    if (typeof amount === 'string') return `the paid order ${orderId}: ${amount}`;
    if (typeof json.refunded !== 'boolean')
      return `the paid order ${orderId} says refunded ${describe(json.refunded)}`;
    const refundAmount = json.refund_amount === undefined ? undefined : parseTalerAmount(json.refund_amount);
    if (typeof refundAmount === 'string') return `the paid order ${orderId}: refund_amount: ${refundAmount}`;
    return {
      status,
      orderId,
      statusUrl,
      amount,
      refunded: json.refunded,
      refundAmount,
      refundPending: json.refund_pending === true,
      refundReasons: (Array.isArray(json.refund_details) ? json.refund_details : []).flatMap((d: unknown) =>
        isObject(d) && typeof d.reason === 'string' ? [d.reason] : [],
      ),
    };
  }
  return `order_status is ${describe(status)}, not unpaid, claimed or paid`;
}

/** v0: `amount`; v1: `choices[choice_index ?? 0].amount`. */
function contractAmount(terms: Readonly<Record<string, unknown>>, choiceIndex: unknown): Money | string {
  if (terms.amount !== undefined) {
    const amount = parseTalerAmount(terms.amount);
    return typeof amount === 'string' ? `contract_terms.amount: ${amount}` : amount;
  }
  const choices = Array.isArray(terms.choices) ? terms.choices : [];
  const index = typeof choiceIndex === 'number' && Number.isInteger(choiceIndex) ? choiceIndex : 0;
  const choice: unknown = choices[index];
  if (!isObject(choice)) return 'the contract terms have no amount';
  const amount = parseTalerAmount(choice.amount);
  return typeof amount === 'string' ? `contract_terms.choices[${index}].amount: ${amount}` : amount;
}

/** A Taler Timestamp `{t_s: seconds}` ("never" and anything else → undefined). */
function seconds(value: unknown): number | undefined {
  if (!isObject(value)) return undefined;
  const t = value.t_s;
  return typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t : undefined;
}

/** Context the mapping needs beyond the order itself. */
export interface MapContext {
  readonly now: Date;
  /** Pay deadline to assume when the answer gives none (creation + the account's pay delay), seconds. */
  readonly fallbackDeadline?: number | undefined;
}

export interface MappedOrder {
  /** Null while nothing is decided (an unpaid order still payable). */
  readonly status: PaymentStatus | null;
  readonly gatewayStatus: string;
  readonly amount?: Money | undefined;
  readonly note?: string | undefined;
  readonly facts: Readonly<Record<string, string>>;
}

/** How long past its pay deadline an order is called expired: room for clock skew with the backend. */
export const MAX_EXPIRY_GRACE_MS = 30_000;

/**
 * The order's state in our words (docs.taler.net merchant API, order status; protocols.md §5):
 * - `paid` → captured with the contract's amount; refunded with `refund_amount` ≥ the amount → refunded, a smaller
 *   one → partially_refunded (Taler refunds are a running total per order: test-refund-incremental.ts);
 * - `claimed` → pending (a wallet took the contract; payment may follow), or expired after its `pay_deadline`;
 * - `unpaid` with `already_paid_order_id` → cancelled: the same session already bought this fulfillment URL with
 *   another order (repurchase detection), so the shop sends the customer to that one and this order will not be paid
 *   [our reading: Taler itself leaves the order unpaid; the note names the other order];
 * - `unpaid` after its pay deadline → expired: the backend refuses payment after `pay_deadline` (410 Gone on
 *   `POST /orders/$ID/pay`); else nothing is decided yet.
 * "After the deadline" means past it by a grace for clock skew: half the pay delay, at most 30 s.
 */
export function mapOrder(order: TalerOrder, context: MapContext): MappedOrder {
  if (order.status === 'paid') {
    const refunded = order.refunded ? (order.refundAmount?.value ?? 0) : 0;
    const facts: Record<string, string> = {};
    if (order.refundAmount && refunded > 0) facts.refund_amount = formatTalerAmount(order.refundAmount);
    if (order.refundPending) facts.refund_pending = 'true';
    if (refunded <= 0) return { status: 'captured', gatewayStatus: 'paid', amount: order.amount, facts };
    return refunded >= order.amount.value
      ? { status: 'refunded', gatewayStatus: 'paid:refunded', amount: order.amount, facts }
      : {
          status: 'partially_refunded',
          gatewayStatus: 'paid:partially-refunded',
          amount: order.amount,
          facts,
        };
  }
  const deadline = order.payDeadline ?? context.fallbackDeadline;
  const expired = deadline !== undefined && pastDeadline(deadline, order.createdAt, context.now);
  if (order.status === 'claimed') {
    return expired
      ? {
          status: 'expired',
          gatewayStatus: 'claimed:expired',
          amount: order.amount,
          note: 'Taler: the pay deadline passed',
          facts: {},
        }
      : { status: 'pending', gatewayStatus: 'claimed', amount: order.amount, facts: {} };
  }
  if (order.alreadyPaidOrderId !== undefined) {
    return {
      status: 'cancelled',
      gatewayStatus: 'unpaid:already-paid',
      amount: order.amount,
      note: `Taler repurchase detection: this session already paid for this fulfillment URL with the order ${order.alreadyPaidOrderId}`,
      facts: {
        already_paid_order_id: order.alreadyPaidOrderId,
        ...(order.alreadyPaidFulfillmentUrl !== undefined && {
          already_paid_fulfillment_url: order.alreadyPaidFulfillmentUrl,
        }),
      },
    };
  }
  if (expired) {
    return {
      status: 'expired',
      gatewayStatus: 'unpaid:expired',
      amount: order.amount,
      note: 'Taler: the pay deadline passed unpaid',
      facts: {},
    };
  }
  return { status: null, gatewayStatus: 'unpaid', amount: order.amount, facts: {} };
}

function pastDeadline(deadline: number, createdAt: number | undefined, now: Date): boolean {
  const delayMs =
    createdAt !== undefined ? Math.max(0, (deadline - createdAt) * 1000) : MAX_EXPIRY_GRACE_MS * 2;
  const grace = Math.min(MAX_EXPIRY_GRACE_MS, delayMs / 2);
  return now.getTime() > deadline * 1000 + grace;
}

/** The order as one signal, or none while nothing is decided. `orderId` is the one asked about. */
export function signalOfOrder(
  order: TalerOrder,
  orderId: string,
  source: SignalSource,
  context: MapContext & { readonly paymentId?: string | undefined },
): GatewaySignal | undefined {
  const mapped = mapOrder(order, context);
  if (mapped.status === null) return undefined;
  return {
    source,
    status: mapped.status,
    ...(mapped.amount !== undefined && { amount: mapped.amount }),
    gatewayRef: orderId,
    gatewayStatus: mapped.gatewayStatus,
    ...(mapped.note !== undefined && { note: mapped.note }),
    // Our merchantRef is the Taler order_id (index.ts), so the order id finds the payment by merchantRef.
    lookup: {
      merchantRef: orderId,
      gatewayRef: orderId,
      ...(context.paymentId !== undefined && { paymentId: context.paymentId }),
    },
    facts: { order_status: order.status, ...mapped.facts },
  };
}
