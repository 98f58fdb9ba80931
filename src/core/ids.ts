export const ID_PREFIXES = {
  payment: 'pay',
  signal: 'sig',
  inbox: 'inb',
  job: 'job',
  event: 'evt',
  delivery: 'dlv',
  alert: 'alr',
  refund: 'rfd',
  apiKey: 'key',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A prefixed, time-sortable id: `pay_` + 10 characters of milliseconds since the epoch + 16 of
 * randomness, Crockford base32 (ULID layout, lower case). Pure: the caller passes the clock reading
 * and 10 random bytes, so tests can make ids deterministic.
 */
export function formatId(kind: IdKind, nowMs: number, random: Uint8Array): string {
  if (random.length < 10) throw new RangeError('formatId needs 10 random bytes');
  let time = '';
  let t = Math.floor(nowMs);
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < 10; i++) {
    buffer = (buffer << 8) | (random[i] as number);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      rand += CROCKFORD[(buffer >> bits) & 31];
    }
  }
  return `${ID_PREFIXES[kind]}_${time}${rand}`;
}

export function idKind(id: string): IdKind | undefined {
  const underscore = id.indexOf('_');
  if (underscore <= 0) return undefined;
  const prefix = id.slice(0, underscore);
  return (Object.keys(ID_PREFIXES) as IdKind[]).find((k) => ID_PREFIXES[k] === prefix);
}
