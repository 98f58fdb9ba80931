import type { Hono } from 'hono';
import { z } from 'zod';
import { QuittanceError } from '../../core/errors.js';
import type { Engine } from '../../engine/engine.js';
import { listInboxEntries } from '../../engine/inbox.js';
import { INBOX_VERDICTS } from '../../store/repos/inbox.js';

const query = z
  .object({
    account: z.string().min(1).optional(),
    verdict: z.enum(INBOX_VERDICTS).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

/** `GET /api/inbox`: every request received, newest first; `?verdict=unmatched` surfaces the orphans. */
export function inboxRoutes(api: Hono, engine: Engine): void {
  api.get('/inbox', async (c) => {
    const parsed = query.safeParse(c.req.query());
    if (!parsed.success) {
      throw new QuittanceError(
        'VALIDATION_FAILED',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; '),
      );
    }
    const filter = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
    return c.json({ entries: await listInboxEntries(engine, filter) });
  });
}
