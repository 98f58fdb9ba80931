import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env, Hono } from 'hono';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

interface Asset {
  readonly type: string;
  readonly body: Buffer;
  /** Our own files change with every release, so they are revalidated; vendored ones are pinned. */
  readonly cache: string;
}

const VENDOR = 'public, max-age=31536000, immutable';
const OWN = 'public, max-age=300';

function load(): Map<string, Asset> {
  const file = (path: string, type: string, cache: string): Asset => ({
    type,
    body: readFileSync(path),
    cache,
  });
  return new Map([
    ['htmx.min.js', file(require.resolve('htmx.org/dist/htmx.min.js'), 'text/javascript', VENDOR)],
    ['uPlot.iife.min.js', file(require.resolve('uplot/dist/uPlot.iife.min.js'), 'text/javascript', VENDOR)],
    ['uPlot.min.css', file(require.resolve('uplot/dist/uPlot.min.css'), 'text/css', VENDOR)],
    ['app.css', file(join(here, 'assets', 'app.css'), 'text/css', OWN)],
    ['app.js', file(join(here, 'assets', 'app.js'), 'text/javascript', OWN)],
  ]);
}

let assets: Map<string, Asset> | undefined;

/** GET /dashboard/assets/:name: a fixed list of files read once, never a path from the request. */
export function assetRoutes<E extends Env>(app: Hono<E>): void {
  app.get('/assets/:name', (c) => {
    assets ??= load();
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.text('no such asset', 404);
    return c.body(new Uint8Array(asset.body), 200, {
      'content-type': `${asset.type}; charset=utf-8`,
      'cache-control': asset.cache,
      'x-content-type-options': 'nosniff',
    });
  });
}
