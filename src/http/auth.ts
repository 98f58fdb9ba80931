import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { QuittanceError } from '../core/errors.js';

/**
 * Bearer API keys. Keys are compared as SHA-256 digests in constant time, against every key, so
 * neither the key's length nor which key matched shows in the timing.
 */
export function bearerAuth(keys: readonly string[]): MiddlewareHandler {
  const digests = keys.map((k) => digest(k));
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new QuittanceError('UNAUTHORIZED', 'send an API key as "Authorization: Bearer <key>"');
    const presented = digest(match[1] as string);
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, presented) || ok;
    if (!ok) throw new QuittanceError('UNAUTHORIZED', 'this API key is not valid');
    await next();
  };
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
