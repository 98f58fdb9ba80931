import type { Context } from 'hono';
import type { Engine } from '../engine/engine.js';
import type { RawRequest } from '../gateways/gateway.js';
import type { AppOptions } from './app.js';
import { clientAddress } from './client-address.js';

export function rawRequestOf(c: Context, engine: Engine, options: AppOptions, body: Uint8Array): RawRequest {
  const url = new URL(c.req.url);
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    method: c.req.method,
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    headers,
    body,
    sourceIp: clientAddress(
      options.peerAddress(c),
      headers['x-forwarded-for'],
      engine.config.trustedProxyList,
    ),
    receivedAt: engine.clock(),
  };
}
