import { z } from 'zod';
import type { GatewayAccount } from '../gateway.js';

/**
 * PayPal Payments Standard + IPN (shared/protocols.md "PayPal IPN"; developer.paypal.com/api/nvp-soap/ipn/
 * IPNImplementation/). Nothing here is secret: IPN is authenticated by posting the message back to PayPal, not by a
 * key, and the receiver's e-mail is printed on every checkout form. The mode of the account picks PayPal's hosts.
 */
export const PAYPAL_HOSTS = {
  live: {
    verifyUrl: 'https://ipnpb.paypal.com/cgi-bin/webscr',
    checkoutUrl: 'https://www.paypal.com/cgi-bin/webscr',
  },
  test: {
    verifyUrl: 'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr',
    checkoutUrl: 'https://www.sandbox.paypal.com/cgi-bin/webscr',
  },
} as const;

// Strict: a misspelt option (say `recieverEmail`) fails at config load instead of being ignored.
export const paypalCredentialsSchema = z.strictObject({
  /** The business account's PRIMARY e-mail: IPN's `receiver_email` is always the primary one (IPN variables). */
  receiverEmail: z.email('receiverEmail is the primary e-mail address of the PayPal business account'),
  /** The account's merchant id (13 characters, "Merchant account ID" in the profile): checked against `receiver_id`. */
  receiverId: z
    .string()
    .regex(/^[A-Z0-9]{13}$/, 'receiverId is the 13-character PayPal merchant account id')
    .optional(),
  /** Overrides the postback URL (`…/cgi-bin/webscr` at ipnpb.paypal.com), e.g. to point at a simulator. */
  verifyUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Overrides the checkout form's action (`…/cgi-bin/webscr` at www.paypal.com), e.g. to point at a simulator. */
  checkoutUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export type PaypalCredentials = z.infer<typeof paypalCredentialsSchema>;

/** Nothing PayPal IPN needs is a secret. */
export const PAYPAL_SECRET_FIELDS = [] as const satisfies readonly (keyof PaypalCredentials)[];

export function verifyUrlOf(account: GatewayAccount<PaypalCredentials>): string {
  return account.credentials.verifyUrl ?? PAYPAL_HOSTS[account.mode].verifyUrl;
}

export function checkoutUrlOf(account: GatewayAccount<PaypalCredentials>): string {
  return account.credentials.checkoutUrl ?? PAYPAL_HOSTS[account.mode].checkoutUrl;
}
