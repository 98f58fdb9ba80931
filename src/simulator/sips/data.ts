/**
 * The `Data` field, written from the protocol notes rather than borrowed from the adapter (so that an adapter bug is
 * not mirrored): `key=value` pairs joined with `|`, in the order written, not sorted (shared/protocols.md §1;
 * worldline/Sips-International-non-FR-PHPlibrary `lib/Sips/ShaComposer/AllParametersShaComposer.php`), read back by
 * splitting on `|` then on the first `=` (wl-sips/sips-paypage-post-php `Common/paymentResponse.php`). With
 * `Encode=base64` the field carries the base64 of that string, and the seal is over the base64 text.
 */
export type DataPairs = readonly (readonly [string, string])[];

export function buildData(pairs: DataPairs): string {
  for (const [name, value] of pairs) {
    if (name === '' || name.includes('|') || name.includes('=') || value.includes('|')) {
      throw new RangeError(`the Data field ${name} cannot hold "|" (nor "=" in its name)`);
    }
  }
  return pairs.map(([name, value]) => `${name}=${value}`).join('|');
}

export type ParsedData =
  | { readonly ok: true; readonly fields: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly reason: string };

/** A segment without `=` or a key given twice makes the whole Data malformed (Sips answers 30, format error). */
export function parseData(data: string): ParsedData {
  if (data === '') return { ok: false, reason: 'Data is empty' };
  const fields: Record<string, string> = Object.create(null);
  for (const segment of data.split('|')) {
    const eq = segment.indexOf('=');
    if (eq <= 0) return { ok: false, reason: `the segment "${clip(segment)}" is not key=value` };
    const name = segment.slice(0, eq);
    if (Object.hasOwn(fields, name)) return { ok: false, reason: `the key ${clip(name)} appears twice` };
    fields[name] = segment.slice(eq + 1);
  }
  return { ok: true, fields };
}

/** Data as posted → the plain `key=value|…` string, per `Encode` (empty or base64). */
export function decodeData(
  data: string,
  encode: string | undefined,
): { ok: true; plain: string } | { ok: false; reason: string } {
  if (encode === undefined || encode === '') return { ok: true, plain: data };
  if (encode !== 'base64') return { ok: false, reason: `Encode is "${clip(encode)}", not base64` };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
    return { ok: false, reason: 'Data is not base64 although Encode=base64' };
  }
  try {
    return { ok: true, plain: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(data, 'base64')) };
  } catch {
    return { ok: false, reason: 'the base64 Data is not UTF-8 text' };
  }
}

export function encodeData(plain: string, encode: 'base64' | ''): string {
  return encode === 'base64' ? Buffer.from(plain, 'utf8').toString('base64') : plain;
}

export function clip(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
