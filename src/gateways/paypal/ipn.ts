import { type ErrorCode, parseMajorUnits } from '../../core/index.js';
import { decodeForm, FormDecodeError, formToRecord, repeatedNames } from '../_shared/form-codec.js';
import { clip } from '../_shared/request.js';
import { DEFAULT_IPN_CHARSET, ipnDecoder } from './charset.js';

/** An IPN as PayPal posted it, decoded in its own charset; `fields` keeps the last value of each (unique) name. */
export interface Ipn {
  readonly charset: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface IpnProblem {
  readonly code: Extract<ErrorCode, 'MALFORMED_BODY' | 'MISSING_FIELD' | 'INVALID_FIELD'>;
  readonly reason: string;
}

/**
 * Decodes the raw bytes of an IPN (IPN and PDT variables: "Values posted by IPN are URL-encoded"). The `charset`
 * field says which charset the percent-escapes are in (windows-1252 when absent), so it is read first from the raw
 * ASCII form, then every name and value is percent-decoded to bytes and decoded in that charset. The body itself is
 * never re-serialised: the postback sends the stored bytes.
 */
export function readIpn(body: Uint8Array): Ipn | IpnProblem {
  if (body.length === 0)
    return problem('MALFORMED_BODY', 'the body is empty (PayPal posts the IPN as a form)');
  const charset = charsetOf(body);
  if (typeof charset !== 'string') return charset;
  const decoder = ipnDecoder(charset);
  if (!decoder) {
    return problem(
      'INVALID_FIELD',
      `the IPN's charset ${clip(charset)} is one quittance cannot decode: set "PayPal button language encoding" ` +
        'to UTF-8 (and the same for IPN) in the PayPal profile',
    );
  }
  let pairs: ReturnType<typeof decodeForm>;
  try {
    pairs = decodeForm(body, decoder);
  } catch (error) {
    if (error instanceof FormDecodeError) {
      return problem('MALFORMED_BODY', `the body is not a form in ${charset}: ${error.message}`);
    }
    throw error;
  }
  const repeated = repeatedNames(pairs);
  if (repeated.length > 0) {
    return problem(
      'MALFORMED_BODY',
      `PayPal never repeats a variable; repeated: ${clip(repeated.join(', '))}`,
    );
  }
  return { charset, fields: formToRecord(pairs) };
}

/** The raw `charset` value: names are ASCII in every charset PayPal uses, so it is found before decoding. */
function charsetOf(body: Uint8Array): string | IpnProblem {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const values: string[] = [];
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    // A name may be percent-escaped even where it need not be (`%63harset`): compare it decoded.
    const name = asciiUnescape(eq === -1 ? part : part.slice(0, eq));
    if (name === 'charset') values.push(eq === -1 ? '' : part.slice(eq + 1));
  }
  if (values.length === 0) return DEFAULT_IPN_CHARSET;
  if (values.length > 1) return problem('MALFORMED_BODY', 'the IPN names its charset twice');
  const value = asciiUnescape(values[0] ?? '');
  if (value === undefined) {
    return problem('MALFORMED_BODY', 'the charset field is not a valid percent-escaped value');
  }
  if (!/^[A-Za-z0-9_.:-]{1,40}$/.test(value)) {
    return problem('INVALID_FIELD', `the charset ${JSON.stringify(clip(value))} is not a charset name`);
  }
  return value;
}

/** A percent-escaped ASCII token, or undefined when it is not one (a bad escape, a byte above 0x7F). */
function asciiUnescape(raw: string): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(raw)) return undefined;
  const text = raw
    .replace(/\+/g, ' ')
    .replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return /[^\p{ASCII}]/u.test(text) ? undefined : text;
}

/** A field PayPal always sends with this kind of IPN. */
export function required(ipn: Ipn, name: string): string | IpnProblem {
  const value = ipn.fields[name];
  if (value === undefined || value === '') return problem('MISSING_FIELD', `the IPN has no ${name}`);
  return value;
}

/**
 * `mc_gross` in minor units of `mc_currency`, as a positive number: refunds and reversals carry a negative gross
 * (IPN and PDT variables, mc_gross: "the amount is negative for refunds"). Undefined when not a decimal amount.
 */
export function grossOf(text: string, currency: string): { value: number; negative: boolean } | undefined {
  const negative = text.startsWith('-');
  const value = parseMajorUnits(negative ? text.slice(1) : text, currency);
  return value === undefined ? undefined : { value, negative };
}

export function isProblem(x: unknown): x is IpnProblem {
  return typeof x === 'object' && x !== null && 'code' in x && 'reason' in x;
}

function problem(code: IpnProblem['code'], reason: string): IpnProblem {
  return { code, reason };
}
