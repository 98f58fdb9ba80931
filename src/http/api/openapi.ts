import type { Hook } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { ERROR_CODES, QuittanceError } from '../../core/errors.js';

/** The one error shape of the API, as a component of the document. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]]),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error', {
    example: { error: { code: 'NOT_FOUND', message: 'no payment pay_01j…' } },
  });

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: ErrorSchema } } };
}

/** The error answers every /api route may give (401 without a valid key, 400 for a bad request). */
export function errorResponses(...extra: Array<403 | 404 | 409 | 502>) {
  const all = {
    400: errorResponse('The request does not match the expected shape (VALIDATION_FAILED, details.issues).'),
    401: errorResponse('No valid API key (UNAUTHORIZED).'),
    403: errorResponse('The key may not do this: a read key on a write route (FORBIDDEN).'),
    404: errorResponse('Nothing with this id (NOT_FOUND, UNKNOWN_PAYMENT).'),
    409: errorResponse("The payment's status does not allow this."),
    502: errorResponse('The gateway could not be reached or answered badly.'),
  } as const;
  const picked: Partial<typeof all> = { 400: all[400], 401: all[401] };
  for (const code of extra) (picked as Record<number, unknown>)[code] = all[code];
  return picked;
}

/** A JSON answer whose schema is documented by `schema`. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A JSON request body, required. */
export function jsonBody<T extends z.ZodType>(schema: T, description: string) {
  return { required: true, description, content: { 'application/json': { schema } } };
}

export interface Issue {
  readonly field: string;
  readonly message: string;
}

export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
}

export function validationError(issues: readonly Issue[]): QuittanceError {
  return new QuittanceError(
    'VALIDATION_FAILED',
    issues.map((i) => `${i.field || '(request)'}: ${i.message}`).join('; '),
    { issues },
  );
}

/** Every validation failure of every route goes out as the one error shape. */
// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routes of every shape
export const defaultHook: Hook<any, any, any, any> = (result) => {
  if (!result.success) throw validationError(issuesOf(result.error as z.ZodError));
};

/** Pagination parameters shared by every list. */
export const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Items per page (default 50, at most 200).', example: 50 }),
  cursor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'The `nextCursor` of the previous page.' }),
};

export const booleanQuery = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

export const nextCursor = z
  .string()
  .nullable()
  .openapi({ description: 'Pass as `cursor` for the next page; null on the last page.' });

export const idParam = (name: string, example: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name, in: 'path' }, example });
