import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeForm } from '../../src/gateways/_shared/form-codec.js';
import {
  checkoutRequest,
  notificationFields,
  testAccount,
} from '../../src/gateways/lyra/fixtures/notification.js';
import {
  testAccount as sipsAccount,
  checkoutRequest as sipsCheckout,
  signedNotification as sipsNotification,
} from '../../src/gateways/sips/fixtures/notification.js';
import {
  testAccount as tvAccount,
  checkoutRequest as tvCheckout,
  signedNotification as tvNotification,
} from '../../src/gateways/triveneto/fixtures.js';
import { runCli } from './run-cli.js';

const KEY = testAccount.credentials.key;
const body = encodeForm(notificationFields(testAccount, checkoutRequest(), 'CAPTURED'));

describe('quittance verify', () => {
  it('says valid, prints the signals and exits 0 (body on stdin)', () => {
    const r = runCli(['verify', 'lyra', '--secret', KEY], body);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.signals.length, 1);
    assert.equal(out.signals[0].status, 'captured');
    assert.equal(out.signals[0].amount.value, 1250);
  });

  it('reads the body from --file and honours --algorithm', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'quittance-verify-')), 'ipn.txt');
    writeFileSync(file, body);
    assert.equal(
      runCli(['verify', 'lyra', '--secret', KEY, '--algorithm', 'hmac-sha-256', '--file', file]).status,
      0,
    );
    const wrongAlgorithm = runCli(['verify', 'lyra', '--secret', KEY, '--algorithm', 'sha1', '--file', file]);
    assert.equal(wrongAlgorithm.status, 1);
    assert.equal(JSON.parse(wrongAlgorithm.stdout).valid, false);
  });

  it('says why it is not valid, never printing the key, and exits 1', () => {
    const r = runCli(['verify', 'lyra', '--secret', 'not-the-key'], body);
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, false);
    assert.equal(out.code, 'SIGNATURE_MISMATCH');
    assert.match(out.reason, /signature/i);
    assert.deepEqual(out.signals, []);
    assert.ok(!r.stdout.includes('not-the-key') && !r.stdout.includes(KEY));
  });

  it('exits 2 on usage errors', () => {
    assert.equal(runCli(['verify', 'nope', '--secret', KEY], body).status, 2);
    assert.equal(runCli(['verify', 'lyra'], body).status, 2);
    assert.equal(runCli(['verify', 'lyra', '--secret', KEY, '--algorithm', 'md5'], body).status, 2);
  });
});

describe('quittance --help', () => {
  it('lists the commands, and each command shows examples', () => {
    const r = runCli(['--help']);
    assert.equal(r.status, 0);
    for (const command of ['serve', 'migrate', 'verify', 'demo']) {
      assert.match(r.stdout, new RegExp(`\\b${command}\\b`));
      const help = runCli([command, '--help']);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /Examples:/);
    }
  });
});

describe('quittance verify, every signed gateway', () => {
  const sipsBody = Buffer.from(sipsNotification(sipsAccount, sipsCheckout(), '00').body).toString('utf8');
  const sipsKey = sipsAccount.credentials.secretKey;

  it('sips: a sealed automatic response is valid with --algorithm hmac-sha-256 or none, not with sha-256', () => {
    const ok = runCli(['verify', 'sips', '--secret', sipsKey, '--algorithm', 'hmac-sha-256'], sipsBody);
    assert.equal(ok.status, 0, ok.stderr);
    const out = JSON.parse(ok.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.signals[0].status, 'captured');
    assert.equal(runCli(['verify', 'sips', '--secret', sipsKey], sipsBody).status, 0);
    const legacy = runCli(['verify', 'sips', '--secret', sipsKey, '--algorithm', 'sha-256'], sipsBody);
    assert.equal(legacy.status, 1);
    assert.equal(JSON.parse(legacy.stdout).valid, false);
  });

  it('sips: another key is not valid and the key is never printed; a bad algorithm is a usage error', () => {
    const r = runCli(['verify', 'sips', '--secret', 'someone-elses-key'], sipsBody);
    assert.equal(r.status, 1);
    assert.equal(JSON.parse(r.stdout).code, 'SIGNATURE_MISMATCH');
    assert.ok(!r.stdout.includes('someone-elses-key') && !r.stdout.includes(sipsKey));
    assert.equal(runCli(['verify', 'sips', '--secret', sipsKey, '--algorithm', 'md5'], sipsBody).status, 2);
  });

  const tvBody = Buffer.from(tvNotification(tvAccount, tvCheckout(), 'CAPTURED').body).toString('utf8');
  const tvSecret = tvAccount.credentials.secret;

  it('triveneto: the udf4 security code checks with the account secret', () => {
    const ok = runCli(['verify', 'triveneto', '--secret', tvSecret], tvBody);
    assert.equal(ok.status, 0, ok.stderr);
    const out = JSON.parse(ok.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.signals[0].status, 'captured');
    const wrong = runCli(['verify', 'triveneto', '--secret', 'not-the-secret-0123456789'], tvBody);
    assert.equal(wrong.status, 1);
    assert.equal(JSON.parse(wrong.stdout).valid, false);
    assert.ok(!wrong.stdout.includes(tvSecret));
  });
});
