import { currencyExponent, currencyFromNumeric } from '../../core/index.js';
import { type FormPair, formToRecord, repeatedNames } from '../../gateways/_shared/form-codec.js';
import { isHttpUrl } from '../_shared/http.js';
import type { InitAction, SimTerminal } from './types.js';

/**
 * What PaymentInitHTTPServlet checks before it opens a hosted page. Field names from PgConsTriv `sendVal_PI` and the
 * WooCommerce Activa plugin (`id`, `password`, `action`, `amt`, `currencycode`, `langid`, `responseURL`, `errorURL`,
 * `trackid`, `udf1`…`udf5`; protocols.md §4).
 *
 * The answer to a refusal is `!ERROR!<code>-<text>` (e24 clients look for `!ERROR!`: mikilion/e24PaymentPipe.net
 * `PaymentPipe.cs`; PgConsTriv `setVal_ResponsePayInit`). The codes and texts below are the simulator's own:
 * Consorzio Triveneto's real codes are [UNCONFIRMED] (the spec could not be read).
 */
export const INIT_ERRORS = {
  credentials: { code: 'SIM001', text: 'Invalid terminal id or password' },
  missing: { code: 'SIM002', text: 'Missing required field' },
  action: { code: 'SIM003', text: 'Invalid action' },
  amount: { code: 'SIM004', text: 'Invalid amount' },
  currency: { code: 'SIM005', text: 'Invalid currency code' },
  language: { code: 'SIM006', text: 'Invalid language' },
  url: { code: 'SIM007', text: 'Invalid URL' },
  repeated: { code: 'SIM008', text: 'Field repeated' },
} as const;

export type InitErrorKind = keyof typeof INIT_ERRORS;

/** PgConsTriv `$arLingue` (ITA USA ESP DEU FRA) and `SLO` from the Activa/SI plugin. */
const LANGUAGES = ['ITA', 'USA', 'ESP', 'DEU', 'FRA', 'SLO'];
const REQUIRED = [
  'id',
  'password',
  'action',
  'amt',
  'currencycode',
  'responseURL',
  'errorURL',
  'trackid',
] as const;
const UDF = ['udf1', 'udf2', 'udf3', 'udf4', 'udf5'] as const;

export interface PaymentInit {
  readonly terminalId: string;
  readonly action: InitAction;
  readonly amt: string;
  readonly amountMinor: number;
  readonly currencycode: string;
  readonly langid: string;
  readonly responseURL: string;
  readonly errorURL: string;
  readonly trackid: string;
  /** udf1…udf5 as sent ('' when absent): the NotificationMessage echoes them. */
  readonly udf: Readonly<Record<string, string>>;
}

export type InitCheck =
  | { readonly ok: true; readonly init: PaymentInit }
  | { readonly ok: false; readonly kind: InitErrorKind; readonly field?: string };

export function checkPaymentInit(
  pairs: readonly FormPair[],
  terminals: ReadonlyMap<string, SimTerminal>,
): InitCheck {
  const refuse = (kind: InitErrorKind, field?: string): InitCheck =>
    field === undefined ? { ok: false, kind } : { ok: false, kind, field };
  const repeated = repeatedNames(pairs)[0];
  if (repeated !== undefined) return refuse('repeated', repeated);
  const f = formToRecord(pairs);
  // Credentials first: a caller who is not the terminal learns nothing about its other fields.
  const terminal = terminals.get(f.id ?? '');
  if (!terminal || f.password !== terminal.password) return refuse('credentials');
  for (const name of REQUIRED) if (!f[name]) return refuse('missing', name);
  const action = f.action as string;
  if (action !== '1' && action !== '4') return refuse('action', 'action');
  const currency = currencyFromNumeric(f.currencycode as string);
  if (!/^\d{3}$/.test(f.currencycode as string) || currency === undefined)
    return refuse('currency', 'currencycode');
  const amountMinor = minorUnits(f.amt as string, currencyExponent(currency));
  if (amountMinor === undefined || amountMinor <= 0) return refuse('amount', 'amt');
  const langid = f.langid || 'ITA';
  if (!LANGUAGES.includes(langid)) return refuse('language', 'langid');
  for (const name of ['responseURL', 'errorURL'] as const) {
    if (!isHttpUrl(f[name] as string, 1024)) return refuse('url', name);
  }
  return {
    ok: true,
    init: {
      terminalId: terminal.id,
      action,
      amt: f.amt as string,
      amountMinor,
      currencycode: f.currencycode as string,
      langid,
      responseURL: f.responseURL as string,
      errorURL: f.errorURL as string,
      trackid: f.trackid as string,
      udf: Object.fromEntries(UDF.map((name) => [name, f[name] ?? ''])),
    },
  };
}

/** The refusal line: `!ERROR!<code>-<text>`, naming the field when there is one. */
export function initErrorLine(check: Extract<InitCheck, { ok: false }>): string {
  const { code, text } = INIT_ERRORS[check.kind];
  return `!ERROR!${code}-${text}${check.field ? ` (${check.field})` : ''}`;
}

/** "12.50" with exponent 2 → 1250; at most `exponent` decimals, a dot only when there are decimals. */
export function minorUnits(amt: string, exponent: number): number | undefined {
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(amt);
  if (!match) return undefined;
  const decimals = match[2] ?? '';
  if (decimals.length > exponent) return undefined;
  return Number(`${match[1]}${decimals.padEnd(exponent, '0')}`);
}
