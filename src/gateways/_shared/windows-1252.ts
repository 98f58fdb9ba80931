/**
 * windows-1252 by table. Node 20's TextDecoder('windows-1252') takes a latin1 fast path and reads 0x80–0x9F as C1
 * control characters (nodejs/node#56542; a regression since 20.18.3, nodejs/node#60888), so "—" (0x97) or "€" (0x80) would come out wrong. The table is the WHATWG
 * Encoding index-windows-1252 for 0x80–0x9F (the five unassigned bytes map to the same code point, as WHATWG does);
 * every other byte is its own code point.
 */
const HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
] as const;

export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b >= 0x80 && b <= 0x9f ? (HIGH[b - 0x80] ?? b) : b);
  return out;
}

const TO_BYTE: ReadonlyMap<string, number> = new Map(
  Array.from({ length: 256 }, (_, b) => [decodeWindows1252(Uint8Array.of(b)), b] as const),
);

/** The windows-1252 byte of one character, or undefined when the charset lacks it. */
export function windows1252Byte(char: string): number | undefined {
  return TO_BYTE.get(char);
}

/** The same object shape as TextDecoder, for decodeForm. */
export const WINDOWS_1252_DECODER = { encoding: 'windows-1252', decode: decodeWindows1252 } as const;
