/**
 * Stable error codes. A code, once published, keeps its meaning: shops and operators match on it.
 * `status` is the HTTP status our own API answers with; gateway-facing answers are chosen by the
 * gateway adapter's `reply()`, which may map the same code to what that gateway expects.
 */
export const ERROR_CODES = {
  INVALID_AMOUNT: { status: 400, summary: 'The amount is not a non-negative integer of minor units.' },
  INVALID_CURRENCY: { status: 400, summary: 'The currency is not an upper-case ISO-4217-style code.' },
  UNSUPPORTED_CURRENCY: { status: 400, summary: 'The gateway does not accept this currency.' },
  VALIDATION_FAILED: { status: 400, summary: 'The request does not match the expected shape.' },
  MALFORMED_BODY: { status: 400, summary: 'The body could not be decoded.' },
  MISSING_FIELD: { status: 400, summary: 'A field the protocol requires is absent.' },
  INVALID_FIELD: { status: 400, summary: 'A field holds a value the protocol does not allow.' },
  SIGNATURE_MISSING: { status: 401, summary: 'The request carries no signature.' },
  SIGNATURE_MISMATCH: {
    status: 401,
    summary: 'The signature does not match the body and the configured key.',
  },
  TIMESTAMP_OUT_OF_TOLERANCE: {
    status: 401,
    summary: 'The signed timestamp is too far in the past or the future (a replay, or a clock off).',
  },
  UNSUPPORTED_ALGORITHM: { status: 400, summary: 'The signature algorithm is not the one configured.' },
  SITE_MISMATCH: { status: 403, summary: 'The request names another merchant site than this account.' },
  MODE_MISMATCH: { status: 403, summary: 'A test notification reached a live account, or the reverse.' },
  IP_NOT_ALLOWED: { status: 403, summary: "The source address is outside the gateway's published ranges." },
  UNAUTHORIZED: { status: 401, summary: 'A valid API key is required.' },
  FORBIDDEN: { status: 403, summary: 'The API key may not do this.' },
  PAYMENT_MISMATCH: {
    status: 403,
    summary: 'The signed data is about another payment than the one the URL names.',
  },
  UNKNOWN_AT_GATEWAY: {
    status: 404,
    summary: 'Asked back, the gateway has no such payment: the notification was not sent by it.',
  },
  NOTIFICATION_MISMATCH: {
    status: 409,
    summary: 'The notification says otherwise than the gateway, asked back: not genuine (forged or stale).',
  },
  UNKNOWN_ACCOUNT: { status: 404, summary: 'No account has this id.' },
  UNKNOWN_PAYMENT: { status: 404, summary: 'No payment matches.' },
  NOT_FOUND: { status: 404, summary: 'Nothing is here.' },
  METHOD_NOT_ALLOWED: { status: 405, summary: 'This path does not accept this method.' },
  PAYMENT_STATE: { status: 409, summary: "The payment's status does not allow this." },
  NOT_SUPPORTED: { status: 400, summary: 'The gateway does not offer this operation.' },
  DUPLICATE_ORDER: { status: 409, summary: 'A payment with this reference already exists.' },
  BODY_TOO_LARGE: { status: 413, summary: 'The body is larger than the configured limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'The content type is not the one the protocol uses.' },
  CONFIG_INVALID: { status: 500, summary: 'The configuration is invalid.' },
  INTERNAL: { status: 500, summary: 'Something failed that should not have.' },
  GATEWAY_UNAVAILABLE: { status: 502, summary: 'The gateway could not be reached or answered badly.' },
  STORAGE_UNAVAILABLE: {
    status: 503,
    summary: 'The database could not store the request; nothing was acknowledged.',
  },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error type of quittance (Hono's HTTPException idea, fastify's stable code catalogue). */
export class QuittanceError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message ?? ERROR_CODES[code].summary, options);
    this.name = 'QuittanceError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = details;
  }
}

export function isQuittanceError(e: unknown): e is QuittanceError {
  return e instanceof QuittanceError;
}
