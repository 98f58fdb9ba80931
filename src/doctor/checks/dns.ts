import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { DoctorStep, Lookup, LookupAddress } from '../types.js';
import { elapsed, seconds, startTimer } from './timing.js';

export interface DnsResult {
  readonly step: DoctorStep;
  /** Empty when the name did not resolve. */
  readonly addresses: readonly LookupAddress[];
}

export const systemLookup: Lookup = async (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Every address of `hostname` (an IP literal resolves to itself), bounded by `timeoutMs`. */
export async function checkDns(hostname: string, lookup: Lookup, timeoutMs: number): Promise<DnsResult> {
  const start = startTimer();
  const family = isIP(hostname);
  if (family !== 0) {
    return {
      step: {
        name: 'dns',
        ok: true,
        durationMs: 0,
        detail: `${hostname} is an IP address: nothing to resolve`,
        data: { addresses: [hostname] },
      },
      addresses: [{ address: hostname, family }],
    };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const addresses = await Promise.race([
      lookup(hostname),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error('no answer'), { code: 'ETIMEOUT' })),
          timeoutMs,
        );
      }),
    ]);
    clearTimeout(timer);
    if (addresses.length === 0) throw Object.assign(new Error('no address'), { code: 'ENODATA' });
    return {
      step: {
        name: 'dns',
        ok: true,
        durationMs: elapsed(start),
        detail: `${hostname} resolves to ${addresses.map((a) => a.address).join(', ')}`,
        data: { addresses: addresses.map((a) => a.address) },
      },
      addresses,
    };
  } catch (error) {
    clearTimeout(timer);
    const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
    return {
      step: {
        name: 'dns',
        ok: false,
        durationMs: elapsed(start),
        detail: `${hostname} does not resolve (${code}): ${dnsWords(code, timeoutMs)}`,
        data: { code },
      },
      addresses: [],
    };
  }
}

function dnsWords(code: string, timeoutMs: number): string {
  switch (code) {
    case 'ENOTFOUND':
    case 'ENODATA':
      return 'no such name in the DNS';
    case 'ETIMEOUT':
      return `no DNS answer within ${seconds(timeoutMs)}`;
    case 'EAI_AGAIN':
      return 'the DNS server did not answer (temporary failure)';
    default:
      return 'the lookup failed';
  }
}
