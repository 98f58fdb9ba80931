import type { BlockList } from 'node:net';
import { isIP } from 'node:net';
import type { Context } from 'hono';

/** The peer's address from the Node socket, normalised (IPv4-mapped IPv6 becomes plain IPv4). */
export function socketAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return normalise(incoming?.socket?.remoteAddress ?? '');
}

/**
 * The client's address. X-Forwarded-For is believed only when the socket peer is a trusted proxy,
 * and then read from the right: each trusted hop is skipped, the first untrusted address is the
 * client. Anyone can write the header, so a request straight from the internet is judged by its
 * socket alone; otherwise an allowlist would be one header away from useless.
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, trusted: BlockList): string {
  if (!forwardedFor || !isTrusted(peer, trusted)) return peer;
  const hops = forwardedFor
    .split(',')
    .map((h) => normalise(h.trim()))
    .filter((h) => isIP(h) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (!isTrusted(hop, trusted)) return hop;
  }
  return hops[0] ?? peer;
}

function isTrusted(address: string, trusted: BlockList): boolean {
  const family = isIP(address);
  return family !== 0 && trusted.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function normalise(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
