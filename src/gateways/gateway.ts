import type { z } from 'zod';
import type { ErrorCode, Money, PaymentStatus, Signal } from '../core/index.js';

/** An HTTP request exactly as it reached us. Signatures are over these bytes, never a re-serialisation. */
export interface RawRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** The raw query string without `?` ('' when none). */
  readonly query: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** The client address we trust (after the trusted-proxy rule). */
  readonly sourceIp: string;
  readonly receivedAt: Date;
}

/** One merchant contract at one gateway, as the adapter sees it (credentials already validated). */
export interface GatewayAccount<Credentials = unknown> {
  readonly id: string;
  readonly gateway: string;
  readonly mode: 'test' | 'live';
  readonly credentials: Credentials;
}

/** How to find the payment a gateway message speaks of, strongest key first. */
export interface PaymentLookup {
  /** Our own payment id, when the protocol echoes a field we set. */
  readonly paymentId?: string | undefined;
  /** The reference we generated for the gateway at checkout (unique per account). */
  readonly merchantRef?: string | undefined;
  /** The gateway's own transaction id. */
  readonly gatewayRef?: string | undefined;
  /**
   * The gateway issued its reference when the payment was started (`initPayment`) and every genuine message names
   * that one (Triveneto's PaymentID): a signal whose `gatewayRef` differs from the stored one is refused
   * (PAYMENT_MISMATCH), final or not, instead of replacing it.
   */
  readonly gatewayRefFixed?: boolean | undefined;
}

/** A signal as a gateway message carries it: what it says plus which payment it is about. */
export interface GatewaySignal extends Signal {
  readonly lookup: PaymentLookup;
  /** Protocol facts worth keeping beside the signal (Lyra's vads_url_check_src, result codes...). */
  readonly facts?: Readonly<Record<string, string>> | undefined;
}

export type Verdict =
  | { readonly kind: 'verified'; readonly signals: readonly GatewaySignal[] }
  | { readonly kind: 'rejected'; readonly code: ErrorCode; readonly reason: string }
  | { readonly kind: 'unparseable'; readonly code: ErrorCode; readonly reason: string };

/**
 * A well-formed notification that carries nothing to trust (PayPlug, Mollie: no signature). The engine stores and
 * acknowledges it at once, then a job asks the gateway about `resource` (`fetchBack`) and settles only from the
 * answer (DESIGN.md "The ingest path", 5).
 */
export interface DeferredCheck {
  readonly kind: 'deferred';
  /** The gateway's id of what to fetch back (PayPlug: the payment's `pay_…`, also for a refund notice). */
  readonly resource: string;
  /**
   * What the notification claims, in our words, compared with the fetched truth: a disagreement marks the
   * notification as not genuine (forged or stale) even though the fetched state is applied. Absent when the
   * notification claims nothing (Mollie sends an id only).
   */
  readonly claimed?: PaymentStatus | undefined;
  /** Which payment it names, if the body says (used to journal it when the fetch-back finds nothing). */
  readonly lookup: PaymentLookup;
}

/**
 * A notification as the inbox keeps it, for fetch-back protocols that send it back verbatim (PayPal's IPN postback).
 * `bodyTruncated`: the inbox kept only the start of a body over its limit, which cannot be posted back.
 */
export interface StoredNotification {
  readonly body: Uint8Array;
  readonly bodyTruncated: boolean;
}

/** What `verifyNotification` decides: a verdict, or (fetch-back protocols) a check to make later from a job. */
export type NotificationCheck = Verdict | DeferredCheck;

/** What `fetchStatus` knows of the payment it asks about. */
export interface StatusQuery {
  readonly paymentId: string;
  readonly orderRef: string;
  readonly merchantRef: string;
  readonly gatewayRef: string | null;
  readonly amount: Money;
  readonly createdAt: Date;
}

/** I/O handed to `fetchStatus`, so adapters stay testable and time-bounded. */
export interface StatusIo {
  readonly fetch: typeof fetch;
  /** Aborts the call when the caller's timeout runs out. */
  readonly signal: AbortSignal;
  readonly now: Date;
}

export type StatusAnswer =
  /** The gateway knows the payment: its state as `poll` signals (empty when nothing is decided yet). */
  | { readonly kind: 'found'; readonly signals: readonly GatewaySignal[] }
  /** The gateway has no trace of it (the customer never reached or never submitted the payment page). */
  | { readonly kind: 'not-found'; readonly reason: string }
  /** The question could not be answered; `retryable` false means asking again will not help (bad credentials). */
  | {
      readonly kind: 'failed';
      readonly code: ErrorCode;
      readonly reason: string;
      readonly retryable: boolean;
    };

/** What a payment needs to be sent to the gateway. */
export interface CheckoutRequest {
  readonly paymentId: string;
  readonly orderRef: string;
  readonly merchantRef: string;
  readonly amount: Money;
  readonly now: Date;
  readonly urls: {
    /** Where the gateway must send its server-to-server notification. */
    readonly notify: string;
    /** Where the customer's browser comes back. */
    readonly return: string;
    /** quittance's waiting page for this payment (it shows `Checkout.walletUri` as a QR code). */
    readonly wait: string;
  };
  /**
   * Digital goods (DESIGN.md "Digital goods"): where the customer finds what they bought, with `${ORDER_ID}`
   * already replaced, or a text shown after payment. At most one of the two.
   */
  readonly fulfillment?:
    | { readonly url?: string | undefined; readonly message?: string | undefined }
    | undefined;
  /** The shop's session of the customer (browser session), for repurchase detection at gateways that do it. */
  readonly sessionId?: string | undefined;
}

/** How the customer is sent to the gateway: a link to follow or a form to auto-submit. */
export interface Checkout {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
  /**
   * A URI a wallet app opens (Taler's `taler://pay/…`): the waiting page shows it as a QR code and a link, for
   * a customer paying from another device.
   */
  readonly walletUri?: string | undefined;
}

/** What `refund` answers. */
export type RefundAnswer =
  /** The gateway accepted the refund; the payment's new state as `poll` signals (may be empty until it settles). */
  | {
      readonly kind: 'accepted';
      readonly signals: readonly GatewaySignal[];
      readonly detail?: string | undefined;
    }
  | { readonly kind: 'refused'; readonly code: ErrorCode; readonly reason: string }
  | {
      readonly kind: 'failed';
      readonly code: ErrorCode;
      readonly reason: string;
      readonly retryable: boolean;
    };

/** The answer the gateway must get, byte for byte. */
export interface GatewayReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** What happened to a notification, for `reply()`. */
export type ReplyOutcome =
  | {
      readonly kind: 'accepted';
      readonly detail: string;
      /**
       * Where the customer should go now, for protocols whose answer redirects the browser
       * (Triveneto's `REDIRECT=`): the shop's success or failure page once the payment is final,
       * else quittance's waiting page. Absent when the message matched no payment.
       */
      readonly next?: string;
    }
  | { readonly kind: 'rejected'; readonly code: ErrorCode; readonly status: number; readonly detail: string }
  | { readonly kind: 'unavailable'; readonly detail: string };

/**
 * The contract every protocol implements. Adding a gateway = one folder exporting one of these and
 * one line in `registry.ts`. Methods are pure where the protocol signs its messages; a protocol that
 * needs to ask the gateway back does it in `fetchStatus`, called from a job, never from a request.
 */
export interface GatewayAdapter<
  Credentials = unknown,
  /** `Verdict` for protocols that sign their notifications; `NotificationCheck` for fetch-back ones. */
  Check extends NotificationCheck = NotificationCheck,
> {
  readonly id: string;
  readonly displayName: string;
  /** zod schema of `credentials` in the account config. Secrets may be given as `{ "env": "NAME" }` upstream. */
  readonly credentialsSchema: z.ZodType<Credentials>;
  /**
   * Checks that need the whole account, not just its credentials (a PayPlug live key on a test account):
   * the configuration is refused at load with this message. Undefined: nothing to say.
   */
  accountProblem?(account: GatewayAccount<Credentials>): string | undefined;
  /** Names of credential fields holding secrets: never logged, never shown. */
  readonly secretFields: readonly string[];
  /** Published source ranges of the gateway's notifications (CIDR), used when an account enables the allowlist. */
  readonly sourceIps: readonly string[];
  /** How long the gateway waits for our answer before it counts the call as failed. */
  readonly notifyTimeoutMs: number;
  /** Currencies the gateway accepts (alphabetic ISO-4217). */
  supportsCurrency(currency: string): boolean;
  /** Our reference for the gateway, unique per account; `dailySequence` counts payments of this account this UTC day from 1. */
  merchantRef(input: {
    readonly paymentId: string;
    readonly now: Date;
    readonly dailySequence: number;
  }): string;
  createPayment(account: GatewayAccount<Credentials>, request: CheckoutRequest): Checkout;
  /**
   * For protocols whose checkout starts with a server-to-server call (Triveneto's PaymentInit): when
   * present, the engine calls it instead of `createPayment`, outside any transaction, and stores the
   * gateway's reference it returns. Throws QuittanceError (GATEWAY_UNAVAILABLE, VALIDATION_FAILED).
   */
  initPayment?(
    account: GatewayAccount<Credentials>,
    request: CheckoutRequest,
    io: { readonly fetch: typeof fetch; readonly signal: AbortSignal },
  ): Promise<{ readonly checkout: Checkout; readonly gatewayRef?: string }>;
  verifyNotification(account: GatewayAccount<Credentials>, request: RawRequest): Check;
  /**
   * Fetch-back protocols only (required when `verifyNotification` can answer `deferred`): asks the gateway for the
   * resource a notification named and answers its state as `notification` signals whose `lookup` comes from the
   * fetched object (never from the notification's body). `not-found` means the gateway has no such resource: the
   * notification was forged. Called from a job, with `io.signal` bounding the call. `stored` is the notification the
   * check came from (the engine always gives it); PayPal posts it back byte for byte, and when VERIFIED its own fields
   * are the gateway's word, so there the signals' lookup does come from the body.
   */
  fetchBack?(
    account: GatewayAccount<Credentials>,
    check: DeferredCheck,
    io: StatusIo,
    stored?: StoredNotification,
  ): Promise<StatusAnswer>;
  /**
   * The gateway sends the customer to our return URL only when it could not deliver its notification (Triveneto's
   * errorURL; on success the customer goes where our answer to the notification said). A return to a payment that is
   * still not final then flags it for a person with a `notification-undelivered` alert (engine/return.ts).
   */
  readonly returnMeansUndelivered?: boolean;
  /** A signal from the customer's return when the return is signed; `null` when it carries nothing to trust. */
  readReturn(account: GatewayAccount<Credentials>, request: RawRequest): Verdict | null;
  reply(outcome: ReplyOutcome): GatewayReply;
  /**
   * Asks the gateway for the payment's state: reconciliation and unsigned returns. Absent when the
   * gateway has no status API (reconciliation then alerts a person instead).
   */
  fetchStatus?(account: GatewayAccount<Credentials>, query: StatusQuery, io: StatusIo): Promise<StatusAnswer>;
  /**
   * For gateways whose way of telling is a long-poll (Taler's `GET /private/orders/$ID?timeout_ms=`): answers as
   * soon as the payment's state differs from `query`'s `knownStatus`, or when `io.timeoutMs` has passed (then
   * `found` with no signals). The engine calls it from a watch job in its own lane of the worker, so a held
   * request never blocks other jobs. Signals are `poll` signals.
   */
  watchStatus?(
    account: GatewayAccount<Credentials>,
    query: StatusQuery & { readonly knownStatus: PaymentStatus },
    io: StatusIo & { readonly timeoutMs: number },
  ): Promise<StatusAnswer>;
  /**
   * Gives (part of) a paid payment back, where the gateway has a refund API. `refundId` is ours, unique per
   * refund, so a retried call cannot refund twice where the gateway takes an idempotency key.
   */
  refund?(
    account: GatewayAccount<Credentials>,
    query: StatusQuery,
    request: { readonly amount: Money; readonly reason: string; readonly refundId: string },
    io: StatusIo,
  ): Promise<RefundAnswer>;
  /**
   * How long after creation a payment the gateway has no trace of may be called `expired`: the
   * customer can no longer pay it (the payment page session is over).
   */
  readonly abandonedAfterMs: number;
  /**
   * For `quittance verify`: an account able to check `request` offline with only the secret given;
   * identifiers the message carries itself (site id, mode) are read from it. Throws on a bad option.
   */
  offlineAccount(input: OfflineInput): GatewayAccount<Credentials>;
}

/** What `quittance verify` hands `offlineAccount`: the message, the one secret given, an algorithm if chosen. */
export interface OfflineInput {
  readonly request: RawRequest;
  readonly secret: string;
  readonly algorithm?: string | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds adapters of different credential types; each adapter checks its own through credentialsSchema.
export type AnyGatewayAdapter = GatewayAdapter<any>;

/** Maps a gateway status word to ours; kept apart so every adapter's map is tested on its own. */
export type StatusMap = Readonly<Record<string, PaymentStatus>>;
