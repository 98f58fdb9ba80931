import { windows1252Byte } from '../../gateways/_shared/windows-1252.js';
import type { SimCharset } from './types.js';

/** The bytes of `text` in `charset`; a character windows-1252 lacks becomes `?`, as PayPal's own encoder does. */
export function encodeText(text: string, charset: SimCharset): Uint8Array {
  if (charset === 'utf-8') return Buffer.from(text, 'utf8');
  return Uint8Array.from(Array.from(text, (c) => windows1252Byte(c) ?? 0x3f));
}

/** A form value's bytes percent-escaped as PayPal's IPN does (PHP urlencode style: space is +, only A-Za-z0-9-_. bare). */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** An IPN body: every pair in order, names and values encoded in `charset`. */
export function encodeIpn(pairs: readonly (readonly [string, string])[], charset: SimCharset): string {
  return pairs
    .map(
      ([name, value]) =>
        `${escapeBytes(encodeText(name, charset))}=${escapeBytes(encodeText(value, charset))}`,
    )
    .join('&');
}
