import { TextDecoder } from 'node:util';

/**
 * application/x-www-form-urlencoded, decoded from the raw bytes. Unlike framework parsers it keeps
 * every pair in order (repeated keys included) and decodes percent-escapes in the charset the
 * protocol says, so a signature can be checked over exactly what was sent.
 */
export interface FormPair {
  readonly name: string;
  readonly value: string;
}

export class FormDecodeError extends Error {
  override readonly name = 'FormDecodeError';
}

/** Turns the percent-decoded bytes of one name or value into text; throws when they are not valid in its charset. */
export interface ByteDecoder {
  readonly encoding: string;
  decode(bytes: Uint8Array): string;
}

/**
 * `charset` is a WHATWG encoding label (fatal decoding) or a decoder of one's own, for charsets whose WHATWG label
 * means something else (`iso-8859-1` is windows-1252 there; PayPal's ISO-8859-1 is the real one).
 */
export function decodeForm(body: Uint8Array | string, charset: string | ByteDecoder = 'utf-8'): FormPair[] {
  const text = typeof body === 'string' ? body : latin1(body);
  if (text.length === 0) return [];
  const decoder: ByteDecoder =
    typeof charset === 'string' ? new TextDecoder(charset, { fatal: true }) : charset;
  return text.split('&').flatMap((part) => {
    if (part.length === 0) return [];
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    return [{ name: unescapeForm(rawName, decoder), value: unescapeForm(rawValue, decoder) }];
  });
}

/** The last value of each name, for protocols that never repeat one. */
export function formToRecord(pairs: readonly FormPair[]): Record<string, string> {
  const record: Record<string, string> = Object.create(null);
  for (const { name, value } of pairs) record[name] = value;
  return record;
}

/** Names that appear more than once: a protocol that never repeats a field treats them as malformed. */
export function repeatedNames(pairs: readonly FormPair[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { name } of pairs) (seen.has(name) ? repeated : seen).add(name);
  return [...repeated];
}

export function encodeForm(fields: Readonly<Record<string, string>> | readonly FormPair[]): string {
  const pairs = Array.isArray(fields)
    ? (fields as readonly FormPair[])
    : Object.entries(fields).map(([name, value]) => ({ name, value }));
  return pairs.map(({ name, value }) => `${escapeForm(name)}=${escapeForm(value)}`).join('&');
}

function escapeForm(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+');
}

/** Bytes to a string with one char per byte, so percent-escapes can be found without decoding. */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function unescapeForm(s: string, decoder: ByteDecoder): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2b) {
      bytes.push(0x20);
    } else if (c === 0x25) {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new FormDecodeError(`bad percent-escape at position ${i}`);
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(c);
    }
  }
  try {
    return decoder.decode(new Uint8Array(bytes));
  } catch {
    throw new FormDecodeError(`bytes are not valid ${decoder.encoding}`);
  }
}
