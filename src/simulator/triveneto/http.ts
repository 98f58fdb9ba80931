import type { IncomingMessage, ServerResponse } from 'node:http';

export { BodyTooLargeError, isJsonBody, readBody, sendHtml, sendJson, wantsJson } from '../lyra/http.js';

/** PaymentInit answers are plain text, one line. */
export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-length': 0 });
  res.end();
}

export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

export function queryOf(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://simulator').searchParams;
}
