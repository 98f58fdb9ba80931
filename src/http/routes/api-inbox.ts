import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { QuittanceError } from '../../core/errors.js';
import type { Engine } from '../../engine/engine.js';
import { getInboxEntry, listInboxPage } from '../../engine/queries.js';
import { INBOX_KINDS, INBOX_VERDICTS } from '../../store/repos/inbox.js';
import type { ApiEnv } from '../api/auth.js';
import { booleanQuery, errorResponses, idParam, json, nextCursor, pageQuery } from '../api/openapi.js';
import { InboxDetailSchema, InboxSummarySchema } from '../api/schemas.js';

const routes = {
  list: createRoute({
    method: 'get',
    path: '/inbox',
    summary: 'List inbox entries',
    description:
      'Every request gateways and customers sent us, newest first, with its verdict and reason. `?verdict=unmatched` surfaces the orphans; `rejected=true` keeps rejected, unparseable and error entries.',
    request: {
      query: z
        .object({
          account: z.string().min(1).optional(),
          verdict: z.enum(INBOX_VERDICTS).optional(),
          kind: z.enum(INBOX_KINDS).optional(),
          rejected: booleanQuery,
          ...pageQuery,
        })
        .strict(),
    },
    responses: {
      200: json(z.object({ entries: z.array(InboxSummarySchema), nextCursor }), 'A page of entries.'),
      ...errorResponses(),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/inbox/{id}',
    summary: 'Get an inbox entry',
    description:
      'The raw request as received, secrets, credential headers and card numbers redacted, with the signals it produced.',
    request: { params: z.object({ id: idParam('id', 'inb_01jq3v5c8e0000000000000000') }) },
    responses: { 200: json(InboxDetailSchema, 'The entry.'), ...errorResponses(404) },
  }),
};

export function inboxRoutes(api: OpenAPIHono<ApiEnv>, engine: Engine): void {
  api.openapi(routes.list, async (c) => {
    const q = c.req.valid('query');
    const page = await listInboxPage(engine, {
      account: q.account,
      verdict: q.verdict,
      kind: q.kind,
      rejectedOnly: q.rejected,
      limit: q.limit,
      cursor: q.cursor,
    });
    return c.json({ entries: page.items, nextCursor: page.nextCursor }, 200);
  });
  api.openapi(routes.get, async (c) => {
    const { id } = c.req.valid('param');
    const entry = await getInboxEntry(engine, id);
    if (!entry) throw new QuittanceError('NOT_FOUND', `no inbox entry ${id}`);
    return c.json(entry, 200);
  });
}
