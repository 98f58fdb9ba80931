/**
 * Deliberately broken notification endpoints on 127.0.0.1, one per failure class of `quittance doctor` (issue 6,
 * part 5): TLS servers with bad certificates (made in the test, see certificates.ts), an HTTP server whose paths
 * each fail in their own way, a closed port and an unresolvable host. Each endpoint says what the doctor must find:
 * the class, and what its explanation must mention.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { DoctorClass } from '../../src/doctor/types.js';
import { intermediateCa, leaf, rootCa } from '../support/certificates.js';

export interface BrokenEndpoint {
  readonly name: string;
  readonly url: string;
  readonly gateway?: string;
  readonly timeoutMs?: number;
  /** Roots to trust in addition to the default list (the test CA). */
  readonly extraCa?: readonly string[];
  readonly expect: DoctorClass;
  /** What the explanation must mention (the key advice). */
  readonly mentions: readonly RegExp[];
  readonly status?: number;
}

export interface Endpoints {
  readonly endpoints: readonly BrokenEndpoint[];
  close(): Promise<void>;
}

/** The slow handler's delay; the doctor is given a much shorter timeout (the assertion is on the class only). */
const SLOW_MS = 2_000;
const SHORT_TIMEOUT_MS = 300;

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

function text(status: number, body: string, headers: Record<string, string> = {}): Handler {
  return (request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      response.end(body);
    });
  };
}

const HTML_PAGE =
  '<!DOCTYPE html>\n<html lang="en"><head><title>My Shop</title></head><body><h1>Welcome to My Shop</h1>' +
  '<p>Our best products</p></body></html>\n';

export async function startBrokenEndpoints(): Promise<Endpoints> {
  const servers: Server[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const listen = async (server: Server): Promise<number> => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };

  // --- TLS: one server per certificate problem, each answering a plain OK to a POST.
  const root = await rootCa();
  const intermediate = await intermediateCa(root);
  const goodLeaf = await leaf(intermediate);
  const selfSigned = await leaf(undefined);
  const expired = await leaf(intermediate, {
    notBefore: new Date(Date.now() - 100 * 86_400_000),
    notAfter: new Date(Date.now() - 10 * 86_400_000),
  });
  const otherHost = await leaf(intermediate, { names: [{ type: 'dns', value: 'other.example' }] });
  const tlsServer = (cert: string, key: string) => createHttpsServer({ cert, key }, text(200, 'OK'));
  const chain = (l: { cert: string }) => `${l.cert}${intermediate.cert}`;
  const tlsPorts = {
    selfSigned: await listen(tlsServer(selfSigned.cert, selfSigned.key)),
    incomplete: await listen(tlsServer(goodLeaf.cert, goodLeaf.key)),
    complete: await listen(tlsServer(chain(goodLeaf), goodLeaf.key)),
    expired: await listen(tlsServer(chain(expired), expired.key)),
    otherHost: await listen(tlsServer(chain(otherHost), otherHost.key)),
  };

  // --- HTTP: one path per status or answer problem.
  let httpPort = 0;
  const routes: Readonly<Record<string, Handler>> = {
    '/moved-to-https': (request, response) => {
      request.resume();
      response.writeHead(301, { location: `https://127.0.0.1:${httpPort}/moved-to-https` });
      response.end();
    },
    '/moved-to-www': (request, response) => {
      request.resume();
      response.writeHead(302, { location: 'http://www.shop.example/moved-to-www' });
      response.end();
    },
    '/bad-request': text(400, 'Bad Request'),
    '/protected': text(401, 'Authorization Required', { 'www-authenticate': 'Basic realm="Restricted"' }),
    '/firewall': text(403, 'Forbidden by the web application firewall'),
    '/renamed': text(404, 'Not Found'),
    '/get-only': (request, response) => {
      request.resume();
      if (request.method === 'GET') {
        response.end('OK');
        return;
      }
      response.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' });
      response.end('Method Not Allowed');
    },
    '/crash': text(500, 'Internal Server Error'),
    '/proxy': text(502, 'Bad Gateway'),
    '/maintenance': text(503, 'Down for maintenance', { 'retry-after': '3600' }),
    '/slow': (request, response) => {
      request.resume();
      const timer = setTimeout(() => {
        timers.delete(timer);
        response.end('OK');
      }, SLOW_MS);
      timers.add(timer);
    },
    '/cms': text(200, HTML_PAGE, { 'content-type': 'text/html; charset=utf-8' }),
    '/chatty': text(200, `OK ${'debug: notification received and processed; '.repeat(15)}`),
    '/triveneto-ok-word': text(200, 'OK'),
    '/fine': text(200, 'OK'),
  };
  httpPort = await listen(
    createHttpServer((request, response) => {
      const handler = routes[(request.url ?? '/').split('?')[0] ?? '/'];
      if (handler) handler(request, response);
      else text(404, 'Not Found')(request, response);
    }),
  );

  // --- A port nothing listens on: bound, then released.
  const closed = createHttpServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  const http = (path: string) => `http://127.0.0.1:${httpPort}${path}`;
  const https = (port: number) => `https://127.0.0.1:${port}/notify/shop`;
  const ca = [root.cert];
  const endpoints: BrokenEndpoint[] = [
    {
      name: 'self-signed certificate',
      url: https(tlsPorts.selfSigned),
      extraCa: ca,
      expect: 'tls',
      mentions: [/self-signed/, /EMPTY code/],
    },
    {
      name: 'incomplete chain (leaf without its intermediate)',
      url: https(tlsPorts.incomplete),
      extraCa: ca,
      expect: 'tls',
      mentions: [/intermediate/, /fullchain/, /EMPTY code/],
    },
    { name: 'complete chain', url: https(tlsPorts.complete), extraCa: ca, expect: 'ok', mentions: [/works/] },
    {
      name: 'expired certificate',
      url: https(tlsPorts.expired),
      extraCa: ca,
      expect: 'tls',
      mentions: [/expired/, /renew/],
    },
    {
      name: 'certificate for another host',
      url: https(tlsPorts.otherHost),
      extraCa: ca,
      expect: 'tls',
      mentions: [/not issued for 127\.0\.0\.1/],
    },
    {
      name: '301 http → https',
      url: http('/moved-to-https'),
      gateway: 'lyra',
      expect: 'redirect',
      status: 301,
      mentions: [
        new RegExp(`https://127\\.0\\.0\\.1:${httpPort}/moved-to-https`),
        /http → https/,
        /Back Office/,
      ],
    },
    {
      name: '302 to www',
      url: http('/moved-to-www'),
      expect: 'redirect',
      status: 302,
      mentions: [/http:\/\/www\.shop\.example\/moved-to-www/, /final URL/],
    },
    { name: '400', url: http('/bad-request'), expect: 'bad-request', status: 400, mentions: [/malformed/] },
    {
      name: '401 basic auth',
      url: http('/protected'),
      expect: 'unauthorized',
      status: 401,
      mentions: [/password/, /\.htaccess/],
    },
    {
      name: '403 firewall (lyra)',
      url: http('/firewall'),
      gateway: 'lyra',
      expect: 'forbidden',
      status: 403,
      mentions: [/194\.50\.38\.0\/24/, /WAF/],
    },
    { name: '404', url: http('/renamed'), expect: 'not-found', status: 404, mentions: [/renamed/] },
    {
      name: '405 for POST',
      url: http('/get-only'),
      expect: 'method-not-allowed',
      status: 405,
      mentions: [/POST/, /GET/],
    },
    { name: '500', url: http('/crash'), expect: 'server-error', status: 500, mentions: [/log/] },
    { name: '502', url: http('/proxy'), expect: 'bad-gateway', status: 502, mentions: [/proxy/] },
    { name: '503', url: http('/maintenance'), expect: 'unavailable', status: 503, mentions: [/maintenance/] },
    {
      name: 'slow answer',
      url: http('/slow'),
      timeoutMs: SHORT_TIMEOUT_MS,
      expect: 'timeout',
      mentions: [/0\.3 s/, /queue/],
    },
    { name: 'HTML answer', url: http('/cms'), expect: 'html-answer', status: 200, mentions: [/HTML/, /CMS/] },
    {
      name: 'oversize answer (lyra)',
      url: http('/chatty'),
      gateway: 'lyra',
      expect: 'oversize-answer',
      status: 200,
      mentions: [/512 characters/],
    },
    {
      name: 'Triveneto handler answering OK',
      url: http('/triveneto-ok-word'),
      gateway: 'triveneto',
      expect: 'unexpected-answer',
      status: 200,
      mentions: [/REDIRECT=/],
    },
    {
      name: 'closed port',
      url: `http://127.0.0.1:${closedPort}/notify/shop`,
      expect: 'connection',
      mentions: [/refused/, /EMPTY code/],
    },
    {
      name: 'unresolvable host',
      url: 'https://doctor.invalid/notify/shop',
      expect: 'dns',
      mentions: [/does not resolve/],
    },
  ];

  return {
    endpoints,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
