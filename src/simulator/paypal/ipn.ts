import { formatMoney, money } from '../../core/index.js';
import type { SimAccount, SimPayment } from './types.js';

/** One IPN's story: its payment_status and, for Pending, why. */
export interface IpnStep {
  readonly paymentStatus: 'Completed' | 'Pending' | 'Denied' | 'Failed';
  readonly pendingReason?: 'echeck' | 'paymentreview';
}

/** The buyer: names with accents and signs windows-1252 has (ë, è, û, —, ×), so the charset matters. */
const BUYER = {
  first_name: 'Zoë',
  last_name: 'Lefèvre',
  payer_email: 'zoe.lefevre@example.net',
  address_name: 'Zoë Lefèvre',
  address_street: 'Crème brûlée — 2× rue du Marché',
  address_city: 'Besançon',
} as const;

/**
 * The variables of one IPN in the order PayPal lists them in web_accept IPNs (paypal/ipn-code-samples sample
 * messages; IPN and PDT variables), with `mc_gross` the settled amount and `test_ipn=1` from the sandbox.
 */
export function ipnPairs(options: {
  readonly account: SimAccount;
  readonly payment: SimPayment;
  readonly step: IpnStep;
  readonly live: boolean;
  readonly trackId: string;
  readonly verifySign: string;
}): [string, string][] {
  const { account, payment, step, live } = options;
  const gross = formatMoney(money(payment.settledAmount, payment.currency)).split(' ')[0] ?? '';
  const c = payment.checkout;
  const pairs: [string, string][] = [
    ['mc_gross', gross],
    ['invoice', c.invoice ?? ''],
    ['protection_eligibility', 'Eligible'],
    ['address_status', 'confirmed'],
    ['payer_id', 'LPLWNMTBWMFAY'],
    ['address_street', BUYER.address_street],
    ['payment_date', '09:41:00 Dec 02, 2026 PST'],
    ['payment_status', step.paymentStatus],
    ['charset', payment.charset],
    ['address_zip', '25000'],
    ['first_name', BUYER.first_name],
    ['address_country_code', 'FR'],
    ['address_name', BUYER.address_name],
    ['notify_version', '3.9'],
    ['custom', c.custom ?? ''],
    ['payer_status', 'verified'],
    ['business', c.business ?? ''],
    ['address_country', 'France'],
    ['address_city', BUYER.address_city],
    ['quantity', '1'],
    ['verify_sign', options.verifySign],
    ['payer_email', BUYER.payer_email],
    ['txn_id', payment.txn],
    ['payment_type', step.pendingReason === 'echeck' ? 'echeck' : 'instant'],
    ['last_name', BUYER.last_name],
    ['receiver_email', account.primaryEmail],
    ['receiver_id', account.merchantId],
    ['txn_type', 'web_accept'],
    ['item_name', c.item_name ?? ''],
    ['mc_currency', payment.currency],
    ['residence_country', 'FR'],
    ...(live ? [] : [['test_ipn', '1'] as [string, string]]),
    ['transaction_subject', c.item_name ?? ''],
    ['ipn_track_id', options.trackId],
  ];
  if (step.pendingReason) pairs.splice(8, 0, ['pending_reason', step.pendingReason]);
  return pairs;
}
