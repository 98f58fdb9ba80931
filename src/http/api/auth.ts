import type { MiddlewareHandler } from 'hono';
import { QuittanceError } from '../../core/errors.js';
import { type ApiPrincipal, authenticateApiKey } from '../../engine/api-keys.js';
import type { Engine } from '../../engine/engine.js';

export type ApiEnv = { Variables: { principal: ApiPrincipal } };

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Bearer API keys for /api: keys from the config file (write) and keys created with
 * `quittance keys create` (read or write). GET and HEAD need any key; everything else a write key.
 */
export function apiAuth(engine: Engine): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new QuittanceError('UNAUTHORIZED', 'send an API key as "Authorization: Bearer <key>"');
    const principal = await authenticateApiKey(engine, match[1] as string, engine.clock());
    if (!principal) throw new QuittanceError('UNAUTHORIZED', 'this API key is not valid');
    if (!READ_METHODS.has(c.req.method) && principal.scope !== 'write') {
      throw new QuittanceError(
        'FORBIDDEN',
        `the key "${principal.label}" is a read key: ${c.req.method} needs a write key (quittance keys create --scope write)`,
      );
    }
    c.set('principal', principal);
    await next();
  };
}
