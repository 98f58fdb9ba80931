import { TextDecoder } from 'node:util';
import type { ByteDecoder } from '../_shared/form-codec.js';
import { WINDOWS_1252_DECODER } from '../_shared/windows-1252.js';

/**
 * The charsets PayPal documents for its `charset` variable ("What is the charset?": Big5 … ibm-1047), mapped to a
 * decoder Node's TextDecoder (WHATWG Encoding) offers for exactly that encoding. Left out: those WHATWG has no
 * decoder for (UTF-7, EUC-TW, ISO-2022-CN, HZ-GB-2312, ibm-862, x-mac-greek/turkish/centraleurroman, EBCDIC,
 * ibm-1047), the UTF-16/32 family, which cannot travel inside a form body of ASCII names, and Big5: Node 20's big5
 * decoder silently drops some pairs iconv-lite reads (0xC8 0x44 is "П"), and EUC-KR / windows-949: Node's decoder
 * refuses the Unified Hangul Code pairs and "€" (0xA2 0xE6) that iconv-lite writes; both found by
 * test/oracle/paypal.oracle.test.ts. Refusing a charset, with a hint to switch the account to UTF-8, is better than
 * losing or misreading characters.
 */
const WHATWG_LABEL: Readonly<Record<string, string>> = {
  'utf-8': 'utf-8',
  'windows-1250': 'windows-1250',
  'windows-1251': 'windows-1251',
  'windows-1253': 'windows-1253',
  'windows-1254': 'windows-1254',
  'windows-1255': 'windows-1255',
  'windows-1256': 'windows-1256',
  'windows-1257': 'windows-1257',
  'windows-1258': 'windows-1258',
  'windows-874': 'windows-874',
  'iso-8859-2': 'iso-8859-2',
  'iso-8859-3': 'iso-8859-3',
  'iso-8859-4': 'iso-8859-4',
  'iso-8859-5': 'iso-8859-5',
  'iso-8859-6': 'iso-8859-6',
  'iso-8859-7': 'iso-8859-7',
  'iso-8859-8': 'iso-8859-8',
  'iso-8859-13': 'iso-8859-13',
  'iso-8859-15': 'iso-8859-15',
  'koi8-r': 'koi8-r',
  'x-mac-cyrillic': 'x-mac-cyrillic',
  'euc-jp': 'euc-jp',
  gb2312: 'gbk',
  gbk: 'gbk',
  'iso-2022-jp': 'iso-2022-jp',
  shift_jis: 'shift_jis',
};

/**
 * WHATWG maps the labels `iso-8859-1` and `us-ascii` to windows-1252, which reads bytes 0x80–0x9F differently;
 * PayPal names the real ISO encodings, so these get exact decoders. windows-1252 itself is decoded by table: Node
 * 20's TextDecoder gets its 0x80–0x9F wrong (_shared/windows-1252.ts).
 */
const EXACT: Readonly<Record<string, ByteDecoder>> = {
  'windows-1252': WINDOWS_1252_DECODER,
  'iso-8859-1': { encoding: 'iso-8859-1', decode: (bytes) => Buffer.from(bytes).toString('latin1') },
  'us-ascii': {
    encoding: 'us-ascii',
    decode: (bytes) => {
      if (bytes.some((b) => b > 0x7f)) throw new TypeError('a byte above 0x7F is not US-ASCII');
      return Buffer.from(bytes).toString('latin1');
    },
  },
};

/** PayPal's default when a message names no charset: windows-1252 for most accounts (protocols.md "PayPal IPN"). */
export const DEFAULT_IPN_CHARSET = 'windows-1252';

/** Charsets quittance reads, in PayPal's spelling (lower case). */
export const READABLE_CHARSETS: readonly string[] = [...Object.keys(EXACT), ...Object.keys(WHATWG_LABEL)];

/** The decoder of a PayPal charset name (any case), or undefined when quittance cannot read it. */
export function ipnDecoder(charset: string): ByteDecoder | undefined {
  const name = charset.trim().toLowerCase();
  if (Object.hasOwn(EXACT, name)) return EXACT[name];
  const label = Object.hasOwn(WHATWG_LABEL, name) ? WHATWG_LABEL[name] : undefined;
  return label === undefined ? undefined : new TextDecoder(label, { fatal: true });
}
