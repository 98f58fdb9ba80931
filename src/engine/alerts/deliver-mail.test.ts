import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { type TestEngine, testEngine } from '../testkit.js';
import { alertMailTask, scrub } from './deliver-mail.js';
import { ALERT_MAIL_TASK, raiseAlert } from './raise.js';
import { jobOf, runTask, withCapturedLogs } from './testkit.js';

const PASSWORD = 'S3cr3t/p@ss word';
const USER = 'alerts@shop.example';

interface Received {
  readonly from: string;
  readonly to: string[];
  readonly user: string | undefined;
  readonly raw: string;
}

/** A real SMTP server on 127.0.0.1 (no TLS: the test is about what is sent), with login. */
async function smtpServer(): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: USER });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The text part of a simple nodemailer message: headers, then a body, maybe quoted-printable. */
function parseMail(raw: string): { headers: string; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  let body = raw.slice(split + 4);
  if (/content-transfer-encoding: quoted-printable/i.test(headers)) {
    body = Buffer.from(
      body
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
      'latin1',
    ).toString('utf8');
  }
  return { headers, body: body.replace(/\r\n/g, '\n') };
}

let t: TestEngine | undefined;
let smtp: Awaited<ReturnType<typeof smtpServer>> | undefined;
afterEach(async () => {
  await t?.close();
  await smtp?.close();
  t = undefined;
  smtp = undefined;
});

async function setUp(password: string) {
  smtp = await smtpServer();
  const url = `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(password)}@127.0.0.1:${smtp.port}`;
  t = await testEngine({
    start: new Date('2030-01-15T10:00:00Z'),
    config: {
      alerts: {
        email: {
          smtp: { env: 'QUITTANCE_TEST_SMTP_URL' },
          from: 'quittance@shop.example',
          to: ['ops@shop.example', 'cto@shop.example'],
        },
      },
    },
  });
  process.env.QUITTANCE_TEST_SMTP_URL = url;
  const captured = withCapturedLogs(t.engine);
  const raise = (paymentId: string) =>
    raiseAlert(captured.engine, captured.engine.store.db, {
      kind: 'notification-overdue',
      accountId: 'acc1',
      paymentId,
      message: ({ count }) =>
        `acc1: ${count} payments paid by return, no notification. Run quittance doctor.`,
    });
  return { ...captured, raise, url };
}

describe('alert-mail', () => {
  it('mails the record as it is when the job runs: subject, recipients, body; the password never logged', async () => {
    const { engine, lines, raise } = await setUp(PASSWORD);
    const { alert } = await raise('pay_1');
    await raise('pay_2');
    await runTask(alertMailTask(engine), await jobOf(engine, ALERT_MAIL_TASK));

    assert.equal(smtp?.received.length, 1);
    const mail = smtp?.received[0];
    assert.ok(mail);
    assert.equal(mail.user, USER, 'logged in with the URL credentials');
    assert.equal(mail.from, 'quittance@shop.example');
    assert.deepEqual(mail.to, ['ops@shop.example', 'cto@shop.example']);
    const { headers, body } = parseMail(mail.raw);
    assert.match(headers, /^Subject: \[quittance\] notification-overdue: acc1$/m);
    assert.match(headers, /^Content-Type: text\/plain/m);
    assert.match(body, /^acc1: 2 payments paid by return, no notification\. Run quittance doctor\.$/m);
    assert.match(body, /^Occurrences: +2 so far$/m);
    assert.match(body, /^First seen: +2030-01-15T10:00:00\.000Z$/m);
    assert.match(body, /^Samples: +pay_1, pay_2$/m);
    assert.match(body, new RegExp(`quittance alerts resolve ${alert.id}`));

    assert.ok(lines.some((l) => l.includes('alert mailed')));
    const logs = lines.join('');
    assert.ok(!logs.includes(PASSWORD) && !logs.includes(encodeURIComponent(PASSWORD)));
  });

  it('a refused login fails the attempt for a retry; neither the log nor the error holds the password', async () => {
    const wrong = 'wr0ng/Pa55';
    const { engine, lines, raise } = await setUp(wrong);
    await raise('pay_1');
    const job = await jobOf(engine, ALERT_MAIL_TASK);
    const error = await runTask(alertMailTask(engine), job).then(
      () => assert.fail('expected a failure'),
      (e: Error) => e,
    );
    assert.equal(smtp?.received.length, 0);
    assert.match(error.message, /^attempt 1\/12: /);
    assert.match(error.message, /Invalid username or password|auth/i);
    const logs = lines.join('');
    assert.match(logs, /alert delivery failed; retrying/);
    assert.match(logs, /smtp:\/\/127\.0\.0\.1:\d+/, 'the server is named');
    for (const text of [logs, error.message]) {
      assert.ok(!text.includes(wrong) && !text.includes(encodeURIComponent(wrong)));
    }
  });

  it('scrub removes the URL and its password, raw and decoded', () => {
    const url = 'smtps://u:p%40ss%2Fx@mail.example:465';
    assert.equal(
      scrub(`failed ${url} with p@ss/x and p%40ss%2Fx`, url),
      'failed smtps://mail.example:465 with [redacted] and [redacted]',
    );
  });
});
