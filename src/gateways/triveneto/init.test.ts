import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { money, QuittanceError } from '../../core/index.js';
import { decodeForm, formToRecord } from '../_shared/form-codec.js';
import { checkoutRequest, testAccount, withCredentials } from './fixtures.js';
import { triveneto } from './index.js';
import { formatAmount, initPayment, parsePaymentInitAnswer, paymentInitRequest } from './init.js';
import { securityCode } from './security-code.js';

function isQuittanceError(code: string) {
  return (error: unknown) => error instanceof QuittanceError && error.code === code;
}

describe('Triveneto PaymentInit request', () => {
  it('posts every field to the environment servlet', () => {
    const request = checkoutRequest();
    const call = paymentInitRequest(testAccount, request);
    assert.equal(call.url, 'https://test4.constriv.com/cg301/servlet/PaymentInitHTTPServlet');
    const fields = { ...formToRecord(decodeForm(call.body)) };
    assert.deepEqual(fields, {
      id: '89025555',
      password: 'test-terminal-password',
      action: '1',
      amt: '12.50',
      currencycode: '978',
      langid: 'ITA',
      responseURL: request.urls.notify,
      errorURL: request.urls.return,
      trackid: '20260314-42',
      udf1: request.paymentId,
      udf2: '1250 EUR',
      udf4: call.securityCode,
    });
  });

  it('computes udf4 as hex HMAC-SHA-256(secret, udf1|udf2|trackid)', () => {
    const request = checkoutRequest();
    const call = paymentInitRequest(testAccount, request);
    assert.match(call.securityCode, /^[0-9a-f]{64}$/);
    assert.equal(
      call.securityCode,
      securityCode(testAccount.credentials.secret, request.paymentId, '1250 EUR', request.merchantRef),
    );
    // Pinned vector from `printf 'pay_1|1250 EUR|T-1' | openssl dgst -sha256 -hmac key`.
    assert.equal(
      securityCode('key', 'pay_1', '1250 EUR', 'T-1'),
      '242df4d2f3718a66dea3afd8524bef275517edb9c0a5b0e471f93af7bc43d6ca',
    );
    assert.notEqual(
      securityCode('key', 'pay_1', '1251 EUR', 'T-1'),
      securityCode('key', 'pay_1', '1250 EUR', 'T-1'),
    );
  });

  it('formats the amount with the currency exponent (EUR, JPY, KWD)', () => {
    assert.equal(formatAmount(money(1250, 'EUR')), '12.50');
    assert.equal(formatAmount(money(5, 'EUR')), '0.05');
    assert.equal(formatAmount(money(0, 'EUR')), '0.00');
    assert.equal(formatAmount(money(1500, 'JPY')), '1500');
    assert.equal(formatAmount(money(1250, 'KWD')), '1.250');
    assert.equal(formatAmount(money(7, 'KWD')), '0.007');
    const jpy = formToRecord(
      decodeForm(paymentInitRequest(testAccount, checkoutRequest({ amount: money(1500, 'JPY') })).body),
    );
    assert.equal(jpy.amt, '1500');
    assert.equal(jpy.currencycode, '392');
    assert.equal(jpy.udf2, '1500 JPY');
  });

  it('sends action 4 and the language for an authorization account, and apiBase when set', () => {
    const account = withCredentials(testAccount, {
      action: 'authorization',
      langid: 'DEU',
      environment: 'prod',
    });
    const call = paymentInitRequest(account, checkoutRequest());
    assert.equal(call.url, 'https://www.constriv.com/cg/servlet/PaymentInitHTTPServlet');
    const fields = formToRecord(decodeForm(call.body));
    assert.equal(fields.action, '4');
    assert.equal(fields.langid, 'DEU');
    const sim = withCredentials(testAccount, { apiBase: 'http://127.0.0.1:4020/servlet' });
    assert.equal(
      paymentInitRequest(sim, checkoutRequest()).url,
      'http://127.0.0.1:4020/servlet/PaymentInitHTTPServlet',
    );
  });

  it('refuses a currency with no numeric code', () => {
    assert.equal(triveneto.supportsCurrency('KUDOS'), false);
    assert.throws(
      () => paymentInitRequest(testAccount, checkoutRequest({ amount: money(100, 'KUDOS') })),
      isQuittanceError('UNSUPPORTED_CURRENCY'),
    );
  });

  it('createPayment says a PaymentInit is needed', () => {
    assert.throws(
      () => triveneto.createPayment(testAccount, checkoutRequest()),
      (error: unknown) =>
        error instanceof QuittanceError &&
        error.code === 'GATEWAY_UNAVAILABLE' &&
        error.message.startsWith('Triveneto needs a server-to-server PaymentInit: '),
    );
  });
});

describe('Triveneto credentials', () => {
  const schema = triveneto.credentialsSchema;
  it('applies the defaults', () => {
    assert.deepEqual(schema.parse({ id: '1', password: 'p', secret: 's'.repeat(16), environment: 'test' }), {
      id: '1',
      password: 'p',
      secret: 's'.repeat(16),
      action: 'purchase',
      langid: 'ITA',
      environment: 'test',
    });
  });
  for (const [label, input] of [
    ['an unknown option', { id: '1', password: 'p', secret: 's'.repeat(16), environment: 'test', udf: 1 }],
    ['a short secret', { id: '1', password: 'p', secret: 'short', environment: 'test' }],
    [
      'an unknown action',
      { id: '1', password: 'p', secret: 's'.repeat(16), environment: 'test', action: 'credit' },
    ],
    [
      'an unknown language',
      { id: '1', password: 'p', secret: 's'.repeat(16), environment: 'test', langid: 'SLO' },
    ],
    ['no environment', { id: '1', password: 'p', secret: 's'.repeat(16) }],
    [
      'a relative apiBase',
      { id: '1', password: 'p', secret: 's'.repeat(16), environment: 'test', apiBase: '/x' },
    ],
  ] as const) {
    it(`refuses ${label}`, () => assert.equal(schema.safeParse(input).success, false));
  }
  it('names the password and the secret as secrets', () => {
    assert.deepEqual([...triveneto.secretFields], ['password', 'secret']);
  });
});

describe('Triveneto PaymentInit answer', () => {
  it('splits PaymentID:PaymentURL at the first colon', () => {
    assert.deepEqual(
      parsePaymentInitAnswer(
        '8111234567891234:https://test4.constriv.com:443/cg301/hppaction?formAction=com.aciworldwide.commerce.gateway.payment.action.HostedPaymentPageAction\n',
      ),
      {
        paymentId: '8111234567891234',
        paymentUrl:
          'https://test4.constriv.com:443/cg301/hppaction?formAction=com.aciworldwide.commerce.gateway.payment.action.HostedPaymentPageAction',
      },
    );
  });
  it('reads !ERROR! answers, at the start or inside', () => {
    for (const text of [
      '!ERROR!CGW000029-Invalid Terminal ID',
      'Error: !ERROR!IPY0008-Missing trackid',
      '!ERROR!',
    ]) {
      const answer = parsePaymentInitAnswer(text);
      assert.ok('error' in answer, text);
      assert.match('error' in answer ? answer.error : '', /refused the PaymentInit/);
    }
    const answer = parsePaymentInitAnswer('!ERROR!CGW000029-Invalid Terminal ID');
    assert.match('error' in answer ? answer.error : '', /CGW000029-Invalid Terminal ID/);
  });
  it('refuses garbage', () => {
    for (const text of [
      '',
      ':https://x.example/',
      'nocolon',
      '123:',
      '123:not a url',
      '123:javascript:alert(1)',
      '<html>x</html>',
      'a b:https://x/',
    ]) {
      assert.ok('error' in parsePaymentInitAnswer(text), JSON.stringify(text));
    }
  });
});

describe('Triveneto initPayment against a local fake', () => {
  let base = '';
  const seen: { method?: string | undefined; type?: string | undefined; body: string }[] = [];
  let answer: (res: ServerResponse) => void = () => {};
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        type: req.headers['content-type'],
        body: Buffer.concat(chunks).toString(),
      });
      answer(res);
    });
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cg301/servlet/`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const account = () => withCredentials(testAccount, { apiBase: base });
  const io = () => ({ fetch, signal: AbortSignal.timeout(2000) });

  it('posts the form and returns the redirect checkout', async () => {
    answer = (res) => res.end(`8111234567891234:http://127.0.0.1:1/hpp/page.jsp`);
    seen.length = 0;
    const result = await initPayment(account(), checkoutRequest(), io());
    assert.equal(result.paymentId, '8111234567891234');
    assert.deepEqual(result.checkout, {
      method: 'GET',
      url: 'http://127.0.0.1:1/hpp/page.jsp?PaymentID=8111234567891234',
      fields: {},
    });
    assert.equal(seen[0]?.method, 'POST');
    assert.equal(seen[0]?.type, 'application/x-www-form-urlencoded');
    assert.equal(seen[0]?.body, paymentInitRequest(account(), checkoutRequest()).body);
  });

  it('turns !ERROR! into a clear error without the password', async () => {
    answer = (res) => res.end('!ERROR!CGW000030-Invalid password test-terminal-password');
    await assert.rejects(initPayment(account(), checkoutRequest(), io()), (error: unknown) => {
      assert.ok(error instanceof QuittanceError);
      assert.equal(error.code, 'VALIDATION_FAILED');
      assert.match(error.message, /CGW000030/);
      assert.ok(!error.message.includes('test-terminal-password'));
      return true;
    });
  });

  it('an HTTP error, garbage or a dead host: GATEWAY_UNAVAILABLE', async () => {
    answer = (res) => {
      res.statusCode = 500;
      res.end('down');
    };
    await assert.rejects(
      initPayment(account(), checkoutRequest(), io()),
      isQuittanceError('GATEWAY_UNAVAILABLE'),
    );
    answer = (res) => res.end('<html>maintenance</html>');
    await assert.rejects(
      initPayment(account(), checkoutRequest(), io()),
      isQuittanceError('GATEWAY_UNAVAILABLE'),
    );
    const dead = withCredentials(testAccount, { apiBase: 'http://127.0.0.1:1/' });
    await assert.rejects(initPayment(dead, checkoutRequest(), io()), isQuittanceError('GATEWAY_UNAVAILABLE'));
  });

  it('a timeout: GATEWAY_UNAVAILABLE, said as such', async () => {
    answer = () => {};
    await assert.rejects(
      initPayment(account(), checkoutRequest(), { fetch, signal: AbortSignal.timeout(50) }),
      (error: unknown) => error instanceof QuittanceError && /in time/.test(error.message),
    );
  });
});
