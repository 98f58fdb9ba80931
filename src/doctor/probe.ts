import { encodeForm } from '../gateways/_shared/form-codec.js';
import type { AdyenCredentials } from '../gateways/adyen/credentials.js';
import { adyenHmac, adyenSigningString } from '../gateways/adyen/hmac.js';
import type { GatewayAccount } from '../gateways/gateway.js';
import type { LyraCredentials } from '../gateways/lyra/credentials.js';
import { lyraSignature } from '../gateways/lyra/signature.js';
import type { PaypalCredentials } from '../gateways/paypal/credentials.js';
import type { SipsCredentials } from '../gateways/sips/credentials.js';
import { buildSipsData } from '../gateways/sips/data.js';
import { sipsSeal } from '../gateways/sips/seal.js';
import type { StandardWebhooksCredentials } from '../gateways/standard-webhooks/credentials.js';
import { HEADERS as STANDARD_WEBHOOK_HEADERS } from '../gateways/standard-webhooks/notification.js';
import { withValueAt } from '../gateways/standard-webhooks/pointer.js';
import { secretKey, signStandardWebhook } from '../gateways/standard-webhooks/signature.js';
import type { StripeCredentials } from '../gateways/stripe/credentials.js';
import { signatureHeader } from '../gateways/stripe/signature.js';
import type { TrivenetoCredentials } from '../gateways/triveneto/credentials.js';
import { securityCode } from '../gateways/triveneto/security-code.js';

/**
 * The harmless test notification the doctor posts: in the gateway's own format, about a payment that does not exist
 * (order reference `doctor-probe-<time>`), so a handler that works stores it as unmatched and changes nothing.
 */
export interface Probe {
  readonly body: string;
  /** The reference the probe speaks of: look for it in the handler's log or quittance's inbox. */
  readonly orderRef: string;
  /** Signed (or carrying the security code) with the account's key, as the gateway would. */
  readonly signed: boolean;
  /** What was sent, in words, for the report. */
  readonly description: string;
  /** Headers the gateway adds (a signature over the body, a message id), sent beside the content type. */
  readonly headers?: Readonly<Record<string, string>>;
}

export type ProbeBuilder = (account: GatewayAccount | undefined, now: Date) => Probe;

/** A reference no real payment carries: quittance's own references are `pay_…` ids or dated sequences. */
export function probeRef(now: Date): string {
  return `doctor-probe-${now.getTime()}`;
}

/**
 * Lyra form IPN (shared/protocols.md §3): every vads_ field plus `signature`. `vads_trans_id` 999999 lies in the
 * range 900000–999999 Lyra reserves for itself, which quittance never issues (lyraMerchantRef counts below 900000),
 * so the probe cannot name a real payment. Status ABANDONED: even if it did, it would not be a payment.
 */
export const lyraProbe: ProbeBuilder = (account, now) => {
  const ref = probeRef(now);
  const credentials = account?.credentials as LyraCredentials | undefined;
  const fields: Record<string, string> = {
    vads_action_mode: 'INTERACTIVE',
    vads_amount: '100',
    vads_ctx_mode: account?.mode === 'live' ? 'PRODUCTION' : 'TEST',
    vads_currency: '978',
    vads_operation_type: 'DEBIT',
    vads_order_id: ref,
    vads_page_action: 'PAYMENT',
    vads_payment_config: 'SINGLE',
    vads_result: '17',
    vads_site_id: credentials?.siteId ?? '00000000',
    vads_trans_date: now.toISOString().replace(/[-:T]/g, '').slice(0, 14),
    vads_trans_id: '999999',
    vads_trans_status: 'ABANDONED',
    vads_trans_uuid: `d0c70a${now.getTime().toString(16).padStart(26, '0')}`.slice(0, 32),
    vads_url_check_src: 'PAY',
    vads_version: 'V2',
  };
  if (!credentials) {
    return {
      body: encodeForm(fields),
      orderRef: ref,
      signed: false,
      description: 'a Lyra IPN form (vads_ fields, ABANDONED) without a signature',
    };
  }
  const signature = lyraSignature(fields, credentials.key, credentials.algorithm);
  return {
    body: encodeForm({ ...fields, signature }),
    orderRef: ref,
    signed: true,
    description: `a Lyra IPN form (ABANDONED) signed with the ${account?.mode === 'live' ? 'PRODUCTION' : 'TEST'} key of account ${account?.id}`,
  };
};

/** Sips automatic response (shared/protocols.md §1): Data, Seal, InterfaceVersion; responseCode 17 (cancelled). */
export const sipsProbe: ProbeBuilder = (account, now) => {
  const ref = probeRef(now);
  const credentials = account?.credentials as SipsCredentials | undefined;
  const data = buildSipsData([
    ['amount', '100'],
    ['currencyCode', '978'],
    ['merchantId', credentials?.merchantId ?? '000000000000000'],
    ['orderId', ref],
    ['responseCode', '17'],
    ['transactionDateTime', now.toISOString()],
    ['transactionReference', `doctorprobe${now.getTime()}`],
    ['keyVersion', credentials?.keyVersion ?? '1'],
  ]);
  const fields: Record<string, string> = { Data: data, InterfaceVersion: 'HP_2.24' };
  if (!credentials) {
    return {
      body: encodeForm(fields),
      orderRef: ref,
      signed: false,
      description: 'a Sips automatic response (Data, responseCode 17) without a Seal',
    };
  }
  return {
    body: encodeForm({
      Data: data,
      Seal: sipsSeal(data, credentials.secretKey, credentials.sealAlgorithm),
      InterfaceVersion: 'HP_2.24',
    }),
    orderRef: ref,
    signed: true,
    description: `a Sips automatic response (responseCode 17) sealed with the secret key of account ${account?.id}`,
  };
};

/** Triveneto NotificationMessage (shared/protocols.md §4); authenticity is quittance's udf4 security code. */
export const trivenetoProbe: ProbeBuilder = (account, now) => {
  const ref = probeRef(now);
  const credentials = account?.credentials as TrivenetoCredentials | undefined;
  const amount = '100 EUR';
  const fields: Record<string, string> = {
    paymentid: `DOCTORPROBE${now.getTime()}`,
    tranid: '0',
    result: 'NOT CAPTURED',
    auth: '',
    postdate: now.toISOString().slice(5, 10).replace('-', ''),
    trackid: ref,
    udf1: ref,
    udf2: amount,
    udf3: '',
    ...(credentials ? { udf4: securityCode(credentials.secret, ref, amount, ref) } : {}),
    udf5: '',
  };
  return {
    body: encodeForm(fields),
    orderRef: ref,
    signed: credentials !== undefined,
    description: credentials
      ? `a Triveneto NotificationMessage (NOT CAPTURED) with the udf4 security code of account ${account?.id}`
      : 'a Triveneto NotificationMessage (NOT CAPTURED) without the udf4 security code',
  };
};

/** PayPlug posts the payment object as JSON and signs nothing (shared/protocols.md §2). */
export const payplugProbe: ProbeBuilder = (account, now) => {
  const ref = probeRef(now);
  const body = {
    id: `pay_doctorprobe${now.getTime()}`,
    object: 'payment',
    is_live: account?.mode === 'live',
    amount: 100,
    currency: 'EUR',
    created_at: Math.floor(now.getTime() / 1000),
    is_paid: false,
    failure: { code: 'aborted', message: 'quittance doctor probe' },
    metadata: { doctor_probe: ref },
  };
  return {
    body: JSON.stringify(body),
    orderRef: ref,
    signed: false,
    description:
      'a PayPlug payment notification (JSON, unpaid) naming a payment PayPlug does not know; PayPlug signs nothing, ' +
      'so quittance keeps it and asks PayPlug back, which finds nothing',
  };
};

/**
 * A PayPal IPN (form, utf-8) about a transaction PayPal never made, for the account's receiver and mode: quittance
 * keeps it pending, answers an empty 200, and PayPal answers INVALID to the postback.
 */
export const paypalProbe: ProbeBuilder = (account, now) => {
  const ref = probeRef(now);
  const credentials = account?.credentials as PaypalCredentials | undefined;
  const fields: Record<string, string> = {
    mc_gross: '1.00',
    invoice: ref,
    payment_status: 'Denied',
    charset: 'utf-8',
    custom: ref,
    txn_id: `DOCTOR${String(now.getTime()).slice(-11)}`,
    receiver_email: credentials?.receiverEmail ?? 'doctor@example.com',
    txn_type: 'web_accept',
    item_name: 'quittance doctor probe',
    mc_currency: 'EUR',
    ...(account?.mode === 'live' ? {} : { test_ipn: '1' }),
  };
  return {
    body: encodeForm(fields),
    orderRef: ref,
    signed: false,
    description:
      'a PayPal IPN (form, Denied) about a transaction PayPal never made; IPN signs nothing, so quittance keeps it, ' +
      'answers an empty 200 and posts it back, and PayPal answers INVALID',
  };
};

/**
 * Mollie's webhook is `id=tr_…` and nothing else (shared/protocols.md "Mollie"): the probe names a payment Mollie
 * never made, so quittance keeps it and asks Mollie back, which finds nothing. The id is the only place for the
 * probe's reference, in the characters a Mollie id allows.
 */
export const mollieProbe: ProbeBuilder = (_account, now) => ({
  body: encodeForm({ id: `tr_doctorprobe${now.getTime()}` }),
  orderRef: probeRef(now),
  signed: false,
  description:
    'a Mollie webhook (id=tr_doctorprobe<time>) naming a payment Mollie does not know; Mollie signs nothing and ' +
    'sends nothing else, so quittance keeps it and asks Mollie back, which finds nothing',
});

/** The webhook body quittance's README asks Taler merchants to template (src/gateways/taler/webhook.ts). */
export const talerProbe: ProbeBuilder = (_account, now) => {
  const ref = probeRef(now);
  return {
    body: JSON.stringify({ event_type: 'pay', order_id: ref }),
    orderRef: ref,
    signed: false,
    description:
      'a Taler pay webhook (JSON) naming an order the backend does not know; webhooks are not signed, so quittance ' +
      'keeps it and asks the backend back, which finds nothing',
  };
};

/**
 * An Adyen standard notification (shared/protocols.md §6): one AUTHORISATION item with success false (a refusal, never
 * a payment) about the probe's reference. With an account it names the account's merchant account and mode and carries
 * the hmacSignature made with its HMAC key, as Adyen would; without one it is unsigned (a handler must refuse it).
 */
export const adyenProbe: ProbeBuilder = (account, now) => {
  const ref = probeRef(now);
  const credentials = account?.credentials as AdyenCredentials | undefined;
  const item: Record<string, unknown> = {
    eventCode: 'AUTHORISATION',
    success: 'false',
    pspReference: `DOCTORPROBE${now.getTime()}`,
    originalReference: '',
    merchantAccountCode: credentials?.merchantAccount ?? 'DoctorProbe',
    merchantReference: ref,
    amount: { value: 0, currency: 'EUR' },
    eventDate: now.toISOString(),
    reason: 'quittance doctor probe',
  };
  item.additionalData = credentials
    ? { hmacSignature: adyenHmac(credentials.hmacKey, adyenSigningString(item)) }
    : {};
  return {
    body: JSON.stringify({
      live: account?.mode === 'live' ? 'true' : 'false',
      notificationItems: [{ NotificationRequestItem: item }],
    }),
    orderRef: ref,
    signed: credentials !== undefined,
    description: credentials
      ? "an Adyen standard notification (AUTHORISATION, success false) signed with the account's HMAC key"
      : 'an Adyen standard notification (AUTHORISATION, success false) without hmacSignature',
  };
};

/**
 * A Stripe event (shared/protocols.md §6): `payment_intent.canceled` about a PaymentIntent Stripe never made, so a
 * working endpoint verifies it and finds no payment. With an account it carries `Stripe-Signature` made with the
 * account's webhook secret at the probe's time, as Stripe signs; without one it is unsigned (a handler must refuse it).
 */
export const stripeProbe: ProbeBuilder = (account, now) => {
  const ref = probeRef(now);
  const credentials = account?.credentials as StripeCredentials | undefined;
  const seconds = Math.floor(now.getTime() / 1000);
  const body = JSON.stringify({
    id: `evt_doctorprobe${now.getTime()}`,
    object: 'event',
    type: 'payment_intent.canceled',
    created: seconds,
    livemode: account?.mode === 'live',
    data: {
      object: {
        id: `pi_doctorprobe${now.getTime()}`,
        object: 'payment_intent',
        amount: 100,
        currency: 'eur',
        status: 'canceled',
        cancellation_reason: 'requested_by_customer',
        description: ref,
        metadata: { doctor_probe: ref },
      },
    },
  });
  if (!credentials) {
    return {
      body,
      orderRef: ref,
      signed: false,
      description: 'a Stripe event (payment_intent.canceled) without Stripe-Signature',
    };
  }
  return {
    body,
    orderRef: ref,
    signed: true,
    headers: {
      'stripe-signature': signatureHeader([credentials.webhookSecret], seconds, Buffer.from(body, 'utf8')),
    },
    description: `a Stripe event (payment_intent.canceled) signed now with the webhook secret of account ${account?.id}`,
  };
};

/**
 * A Standard Webhooks message (shared/protocols.md §6) laid out by the account's own mapping: the probe's reference, a
 * status word the mapping reads as refused or cancelled, and the first event type the account tracks. With an account
 * it carries `webhook-id`, `webhook-timestamp` and a `v1` signature made with the account's secret at the probe's time.
 */
export const standardWebhooksProbe: ProbeBuilder = (account, now) => {
  const ref = probeRef(now);
  const credentials = account?.credentials as StandardWebhooksCredentials | undefined;
  const mapping = credentials?.mapping;
  const failure = Object.entries(mapping?.statuses ?? { failed: 'refused' }).find(
    ([, status]) => status === 'refused' || status === 'cancelled',
  )?.[0];
  const fields: [string | null | undefined, unknown][] = [
    [mapping?.type ?? '/type', mapping?.types?.[0] ?? 'payment.failed'],
    [mapping?.reference ?? '/data/reference', ref],
    [mapping?.status ?? '/data/status', failure ?? 'failed'],
    [mapping?.gatewayRef ?? '/data/id', `doctorprobe${now.getTime()}`],
  ];
  const payload = fields.reduce<unknown>(
    (document, [location, value]) => (location ? withValueAt(document, location, value) : document),
    {},
  );
  const body = JSON.stringify(payload);
  const key = credentials ? secretKey(credentials.secret) : undefined;
  if (!key) {
    return {
      body,
      orderRef: ref,
      signed: false,
      description:
        'a Standard Webhooks message (a failed payment) without webhook-id, -timestamp or -signature',
    };
  }
  const id = `msg_doctorprobe${now.getTime()}`;
  const seconds = Math.floor(now.getTime() / 1000);
  return {
    body,
    orderRef: ref,
    signed: true,
    headers: {
      [STANDARD_WEBHOOK_HEADERS.id]: id,
      [STANDARD_WEBHOOK_HEADERS.timestamp]: String(seconds),
      [STANDARD_WEBHOOK_HEADERS.signature]: signStandardWebhook(key, id, seconds, Buffer.from(body, 'utf8')),
    },
    description: `a Standard Webhooks message (a failed payment) signed now with the secret of account ${account?.id}`,
  };
};

/** No gateway named: a small form POST, the most common shape of a notification. */
export const genericProbe: ProbeBuilder = (_account, now) => {
  const ref = probeRef(now);
  return {
    body: encodeForm({ doctor_probe: '1', order_ref: ref }),
    orderRef: ref,
    signed: false,
    description: 'a small form POST (doctor_probe=1) in no gateway format',
  };
};
