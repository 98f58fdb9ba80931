import { clip } from '../_shared/request.js';
/**
 * The `Data` field of Paypage POST: `key=value` pairs joined by `|`, in the order written (not sorted)
 * (shared/protocols.md §1; worldline/Sips-International-non-FR-PHPlibrary `lib/Sips/ShaComposer/AllParametersShaComposer.php`).
 * A response is read by splitting on `|`, then each pair on its first `=` (wl-sips/sips-paypage-post-php
 * `Common/paymentResponse.php`; odoo/odoo `payment_sips/models/payment_transaction.py` `_sips_notification_data_to_object`
 * does `split('|')` then `split('=', 1)`).
 */
export function buildSipsData(pairs: readonly (readonly [string, string])[]): string {
  for (const [name, value] of pairs) {
    if (name.includes('|') || name.includes('=') || value.includes('|')) {
      throw new RangeError(`The Sips Data field ${name} cannot hold "|" (nor "=" in its name).`);
    }
  }
  return pairs.map(([name, value]) => `${name}=${value}`).join('|');
}

export type ParsedData =
  | { readonly ok: true; readonly fields: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly reason: string };

/**
 * Splits a decoded `Data`. A segment without `=` or a name given twice is malformed (Sips never sends either). Sips
 * writes the word `null` for fields it has no value for (worldline/sips-sdk-java paypage client test
 * `decodeResponse_with_cancelled_request_unknown`): such fields are left out, as if absent.
 */
export function parseSipsData(data: string): ParsedData {
  const fields: Record<string, string> = Object.create(null);
  for (const segment of data.split('|')) {
    const eq = segment.indexOf('=');
    if (eq <= 0) {
      return { ok: false, reason: `a segment "${clip(segment)}" is not of the form key=value` };
    }
    const name = segment.slice(0, eq);
    const value = segment.slice(eq + 1);
    if (Object.hasOwn(fields, name)) return { ok: false, reason: `the key ${clip(name)} appears twice` };
    fields[name] = value;
  }
  for (const name of Object.keys(fields)) if (fields[name] === 'null') delete fields[name];
  return { ok: true, fields };
}

export { clip };
