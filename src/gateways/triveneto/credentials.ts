import { z } from 'zod';

/**
 * Consorzio Triveneto "Payment Gateway" (an ACI/FSS e24 PaymentPipe; shared/protocols.md §4).
 *
 * Hosts: `_PG_URL_PaymentInit_Test` = `https://test4.constriv.com/cg301/servlet/PaymentInitHTTPServlet` and
 * `_PG_URL_PaymentInit_Production` = `https://www.constriv.com/cg/servlet/PaymentInitHTTPServlet` in PgConsTriv
 * (Davide Gullo, LGPL; WooCommerce fork eduwass/woocommerce-triveneto-gateway `classes/PgConsTriv.php`); the test host
 * is also the one a WooCommerce "Activa" plugin for the same gateway posts to (class WC_Gateway_Activa).
 * `apiBase` replaces everything before `PaymentInitHTTPServlet` (a simulator, a new host).
 */
export const TRIVENETO_SERVLET_BASES = {
  test: 'https://test4.constriv.com/cg301/servlet/',
  prod: 'https://www.constriv.com/cg/servlet/',
} as const;

/** PaymentInit `action`: 1 Purchase, 4 Authorization (PgConsTriv `$arAction`; e24PaymentPipe.net `PaymentInitMessage.cs`). */
export const TRIVENETO_ACTIONS = { purchase: '1', authorization: '4' } as const;
export type TrivenetoAction = keyof typeof TRIVENETO_ACTIONS;

/** Languages of the hosted page (PgConsTriv `$arLingue`: ITA USA ESP DEU FRA; `SLO` only in the Activa/SI plugin). */
export const TRIVENETO_LANGUAGES = ['ITA', 'USA', 'ESP', 'DEU', 'FRA'] as const;

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//i.test(value), 'an absolute http(s) URL');

// Strict: a misspelt option fails at config load instead of being ignored.
export const trivenetoCredentialsSchema = z.strictObject({
  /** The terminal id (`id` of PaymentInit). */
  id: z.string().min(1, 'id is the terminal id given by Consorzio Triveneto'),
  /** The terminal password (`password` of PaymentInit). */
  password: z.string().min(1),
  /** Our own key for the per-payment security code in udf4; Triveneto never sees it. */
  secret: z.string().min(16, 'secret must be at least 16 characters (it keys the udf4 security code)'),
  action: z.enum(['purchase', 'authorization']).default('purchase'),
  langid: z.enum(TRIVENETO_LANGUAGES).default('ITA'),
  environment: z.enum(['test', 'prod']),
  apiBase: httpUrl.optional(),
});

export type TrivenetoCredentials = z.output<typeof trivenetoCredentialsSchema>;

export const TRIVENETO_SECRET_FIELDS = ['password', 'secret'] as const;

/** The PaymentInit servlet of the account's environment, or of `apiBase`. */
export function paymentInitUrl(credentials: TrivenetoCredentials): string {
  const base = credentials.apiBase ?? TRIVENETO_SERVLET_BASES[credentials.environment];
  return `${base.endsWith('/') ? base : `${base}/`}PaymentInitHTTPServlet`;
}
