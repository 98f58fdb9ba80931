import type { ResolvedAccount } from '../config/load.js';
import { type Money, money, QuittanceError } from '../core/index.js';
import type { Checkout, CheckoutRequest } from '../gateways/gateway.js';
import {
  findPaidPurchase,
  findPayment,
  findPaymentByIdempotencyKey,
  insertPayment,
  type PaymentRecord,
  setCheckout,
} from '../store/repos/payments.js';
import { nextSequenceValue } from '../store/repos/sequences.js';
import { applySignal } from './apply-signal.js';
import type { Engine } from './engine.js';
import { announce } from './ingest.js';
import { scheduleReconcile } from './reconcile-task.js';
import { scheduleWatch } from './watch.js';

export interface CreatePaymentInput {
  readonly account: string;
  readonly orderRef: string;
  readonly amount: { readonly value: number; readonly currency: string };
  /** The shop's `Idempotency-Key`: the same key again returns the payment it created. */
  readonly idempotencyKey?: string | undefined;
  /**
   * Digital goods: where the customer finds what they bought (http or https); `${ORDER_ID}` in it is
   * replaced by the order reference before anything is stored or sent.
   */
  readonly fulfillmentUrl?: string | undefined;
  /** Digital goods: a text shown after payment. The customer may see it before paying (Taler shows it in the contract): no secret. */
  readonly fulfillmentMessage?: string | undefined;
  /** The shop's session of the customer: with `fulfillmentUrl`, a second purchase in the session is not charged. */
  readonly sessionId?: string | undefined;
}

export interface CreatedPayment {
  readonly payment: PaymentRecord;
  readonly checkout: Checkout;
  /** True when the idempotency key matched an earlier request: nothing new was created. */
  readonly replayed: boolean;
  /**
   * Repurchase: this session already paid for this fulfillment URL. Nothing is created or charged;
   * `payment` is the earlier purchase and `checkout` sends the customer straight to the fulfillment URL.
   */
  readonly alreadyPaid?: { readonly paymentId: string; readonly fulfillmentUrl: string } | undefined;
}

/** Replaced by the order reference in a fulfillment URL (GNU Taler's placeholder). */
export const ORDER_ID_PLACEHOLDER = '${ORDER_ID}';
const MAX_FULFILLMENT_URL = 2048;
const MAX_FULFILLMENT_MESSAGE = 2000;
const SESSION_ID = /^[\x21-\x7e]{1,128}$/;
/** Half of a UTF-16 pair without the other half: not text (String.prototype.isWellFormed needs ES2024 typings). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** C0 controls and DEL, except tab, line feed and carriage return. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}

/** The digital-goods fields of a new payment, validated, placeholder replaced. Throws VALIDATION_FAILED. */
export function fulfillmentOf(input: CreatePaymentInput): {
  readonly url?: string;
  readonly message?: string;
  readonly sessionId?: string;
} {
  const out: { url?: string; message?: string; sessionId?: string } = {};
  if (input.fulfillmentUrl !== undefined) {
    const replaced = input.fulfillmentUrl
      .split(ORDER_ID_PLACEHOLDER)
      .join(encodeURIComponent(input.orderRef));
    let url: URL | undefined;
    try {
      url = new URL(replaced);
    } catch {
      url = undefined;
    }
    if (
      !url ||
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      replaced.length > MAX_FULFILLMENT_URL
    ) {
      throw new QuittanceError(
        'VALIDATION_FAILED',
        `fulfillmentUrl must be an absolute http or https URL of at most ${MAX_FULFILLMENT_URL} characters`,
        { field: 'fulfillmentUrl' },
      );
    }
    out.url = replaced;
  }
  if (input.fulfillmentMessage !== undefined) {
    const message = input.fulfillmentMessage;
    // Text for a person: letters, tabs and line breaks, no other control characters, no unpaired surrogates.
    if (
      message.length === 0 ||
      message.length > MAX_FULFILLMENT_MESSAGE ||
      hasControlCharacter(message) ||
      LONE_SURROGATE.test(message)
    ) {
      throw new QuittanceError(
        'VALIDATION_FAILED',
        `fulfillmentMessage must be 1 to ${MAX_FULFILLMENT_MESSAGE} characters of text (line breaks allowed, no other control characters)`,
        { field: 'fulfillmentMessage' },
      );
    }
    out.message = message;
  }
  if (input.sessionId !== undefined) {
    if (!SESSION_ID.test(input.sessionId)) {
      throw new QuittanceError('VALIDATION_FAILED', 'sessionId must be 1 to 128 visible ASCII characters', {
        field: 'sessionId',
      });
    }
    out.sessionId = input.sessionId;
  }
  return out;
}

const ORDER_REF = /^[\x20-\x7e]{1,64}$/;

/**
 * Creates a payment and the way to send its customer to the gateway. The gateway reference we
 * generate (Lyra's trans_id of the day…) comes from a per-account, per-UTC-day counter taken in the
 * same transaction as the insert, so two payments can never share one.
 */
export async function createPayment(engine: Engine, input: CreatePaymentInput): Promise<CreatedPayment> {
  const account = engine.config.accounts.get(input.account);
  if (!account) throw new QuittanceError('UNKNOWN_ACCOUNT', `no account "${input.account}" is configured`);
  if (!ORDER_REF.test(input.orderRef)) {
    throw new QuittanceError('VALIDATION_FAILED', 'orderRef must be 1 to 64 printable ASCII characters', {
      field: 'orderRef',
    });
  }
  const amount = money(input.amount.value, input.amount.currency);
  if (!account.adapter.supportsCurrency(amount.currency)) {
    throw new QuittanceError(
      'UNSUPPORTED_CURRENCY',
      `${account.adapter.displayName} does not accept ${amount.currency}`,
    );
  }
  const fulfillment = fulfillmentOf(input);
  if (input.idempotencyKey !== undefined) {
    const earlier = await findPaymentByIdempotencyKey(engine.store.db, account.id, input.idempotencyKey);
    if (earlier) return replay(engine, account, earlier, input);
  }
  if (fulfillment.sessionId !== undefined && fulfillment.url !== undefined) {
    const bought = await findPaidPurchase(engine.store.db, {
      accountId: account.id,
      sessionId: fulfillment.sessionId,
      fulfillmentUrl: fulfillment.url,
      allowRefunded: account.allowRefundedForRepurchase,
    });
    if (bought) {
      return {
        payment: bought,
        checkout: { method: 'GET', url: fulfillment.url, fields: {} },
        replayed: false,
        alreadyPaid: { paymentId: bought.id, fulfillmentUrl: fulfillment.url },
      };
    }
  }
  let created: Awaited<ReturnType<typeof insertNew>>;
  try {
    created = await insertNew(engine, account, input, amount, fulfillment);
  } catch (error) {
    // Two requests with the same key raced: the loser reads what the winner created.
    const winner =
      input.idempotencyKey === undefined
        ? undefined
        : await findPaymentByIdempotencyKey(engine.store.db, account.id, input.idempotencyKey);
    if (winner) return replay(engine, account, winner, input);
    throw error;
  }
  if (!account.adapter.initPayment) {
    if (account.adapter.watchStatus) engine.bus.jobsEnqueued();
    return { payment: created.payment, checkout: created.checkout, replayed: false };
  }
  // Outside the race handling above: a refused start is this request's own error, not a lost race.
  return initAtGateway(engine, account, created.payment, created.request);
}

/**
 * The same Idempotency-Key again. A payment whose server-to-server start never finished (the process
 * died during the call) is started again now; one whose start the gateway refused answers that error
 * again rather than a checkout that leads nowhere (a new key makes a new attempt).
 */
async function replay(
  engine: Engine,
  account: ResolvedAccount,
  earlier: PaymentRecord,
  input: CreatePaymentInput,
): Promise<CreatedPayment> {
  if (
    earlier.orderRef !== input.orderRef ||
    earlier.amount.value !== input.amount.value ||
    earlier.amount.currency !== input.amount.currency
  ) {
    throw new QuittanceError(
      'DUPLICATE_ORDER',
      `Idempotency-Key "${input.idempotencyKey}" was used for payment ${earlier.id} with another order or amount`,
      { paymentId: earlier.id },
    );
  }
  if (isPendingInit(earlier.checkout)) {
    if (earlier.status === 'created') {
      const started = await initAtGateway(
        engine,
        account,
        earlier,
        checkoutRequestOf(engine, account, earlier),
      );
      return { ...started, replayed: true };
    }
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `payment ${earlier.id} could not be started at ${account.adapter.displayName} (it is ${earlier.status}); ` +
        'send the order again with a new Idempotency-Key to make a new attempt',
      { paymentId: earlier.id },
    );
  }
  return { payment: earlier, checkout: earlier.checkout as Checkout, replayed: true };
}

function isPendingInit(checkout: unknown): boolean {
  return (checkout as Checkout | null)?.url === PENDING_INIT.url;
}

/** The request a stored payment was created with (the gateway sees the same references again). */
function checkoutRequestOf(
  engine: Engine,
  account: ResolvedAccount,
  payment: PaymentRecord,
): CheckoutRequest {
  return {
    paymentId: payment.id,
    orderRef: payment.orderRef,
    merchantRef: payment.merchantRef,
    amount: payment.amount,
    now: engine.clock(),
    urls: {
      notify: `${engine.publicUrl}/notify/${account.id}`,
      return: `${engine.publicUrl}/return/${account.id}/${payment.id}`,
      wait: `${engine.publicUrl}/pay/${payment.id}/wait`,
    },
    ...requestFulfillment({
      ...(payment.fulfillmentUrl !== null && { url: payment.fulfillmentUrl }),
      ...(payment.fulfillmentMessage !== null && { message: payment.fulfillmentMessage }),
      ...(payment.sessionId !== null && { sessionId: payment.sessionId }),
    }),
  };
}

/** The digital-goods part of a CheckoutRequest: only what was given. */
function requestFulfillment(
  f: ReturnType<typeof fulfillmentOf>,
): Pick<CheckoutRequest, 'fulfillment' | 'sessionId'> {
  return {
    ...((f.url !== undefined || f.message !== undefined) && {
      fulfillment: {
        ...(f.url !== undefined && { url: f.url }),
        ...(f.message !== undefined && { message: f.message }),
      },
    }),
    ...(f.sessionId !== undefined && { sessionId: f.sessionId }),
  };
}

async function insertNew(
  engine: Engine,
  account: ResolvedAccount,
  input: CreatePaymentInput,
  amount: Money,
  fulfillment: ReturnType<typeof fulfillmentOf>,
): Promise<{ payment: PaymentRecord; checkout: Checkout; request: CheckoutRequest }> {
  const now = engine.clock();
  const paymentId = engine.ids('payment');
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return engine.store.db.transaction().execute(async (tx) => {
    const dailySequence = await nextSequenceValue(tx, `merchant-ref:${account.id}:${day}`);
    const merchantRef = account.adapter.merchantRef({ paymentId, now, dailySequence });
    const request: CheckoutRequest = {
      paymentId,
      orderRef: input.orderRef,
      merchantRef,
      amount,
      now,
      urls: {
        notify: `${engine.publicUrl}/notify/${account.id}`,
        return: `${engine.publicUrl}/return/${account.id}/${paymentId}`,
        wait: `${engine.publicUrl}/pay/${paymentId}/wait`,
      },
      ...requestFulfillment(fulfillment),
    };
    // A protocol that starts with a server-to-server call gets its checkout after the commit.
    const checkout = account.adapter.initPayment
      ? PENDING_INIT
      : account.adapter.createPayment(account, request);
    const payment = await insertPayment(tx, {
      id: paymentId,
      accountId: account.id,
      orderRef: input.orderRef,
      merchantRef,
      amount,
      checkout,
      idempotencyKey: input.idempotencyKey,
      fulfillmentUrl: fulfillment.url,
      fulfillmentMessage: fulfillment.message,
      sessionId: fulfillment.sessionId,
      now,
    });
    // The first reconciliation check, committed with the payment: if no notification ever comes,
    // the janitor still asks the gateway (reconcile-task.ts).
    await scheduleReconcile(engine, tx, payment, 0);
    // Gateways that tell by long-poll are watched from now on; a server-to-server start waits for its reference.
    if (!account.adapter.initPayment) await scheduleWatch(engine, tx, payment);
    return { payment, checkout, request };
  });
}

const PENDING_INIT: Checkout = { method: 'GET', url: 'about:blank', fields: {} };
const INIT_TIMEOUT_MS = 15_000;

/**
 * The payment row exists before the gateway is called, so the call never runs inside a transaction
 * and a crash in between leaves a visible payment, not a lost one. If the gateway refuses or cannot
 * be reached, the payment is settled `error` (a `poll` signal: we asked, it said no) and the caller
 * gets the gateway's error.
 */
async function initAtGateway(
  engine: Engine,
  account: ResolvedAccount,
  payment: PaymentRecord,
  request: CheckoutRequest,
): Promise<CreatedPayment> {
  const init = account.adapter.initPayment as NonNullable<typeof account.adapter.initPayment>;
  try {
    const { checkout, gatewayRef } = await init(account, request, {
      fetch: engine.fetch,
      signal: AbortSignal.timeout(INIT_TIMEOUT_MS),
    });
    const watched = await engine.store.db.transaction().execute(async (tx) => {
      await setCheckout(tx, payment.id, checkout, gatewayRef ?? null, engine.clock());
      return scheduleWatch(engine, tx, payment);
    });
    if (watched) engine.bus.jobsEnqueued();
    const stored = (await findPayment(engine.store.db, payment.id)) ?? payment;
    return { payment: stored, checkout, replayed: false };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const applied = await engine.store.db.transaction().execute((tx) =>
      applySignal(engine, tx, {
        accountId: account.id,
        inboxId: null,
        signal: {
          source: 'poll',
          status: 'error',
          note: `payment start refused: ${reason}`,
          lookup: { paymentId: payment.id },
        },
      }),
    );
    announce(engine, [applied]);
    throw error;
  }
}
