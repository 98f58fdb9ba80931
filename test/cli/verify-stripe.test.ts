import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from './run-cli.js';

/** The published vector (shared/protocols.md §6), checked offline with --header and --now. */
const BODY = '{"id":"evt_test","object":"event"}';
const HEADER =
  'Stripe-Signature: t=1700000000,v1=8042376f6ca064adbe037642a718227dfd59047137eb49497a54c49eb0cfb724';
const dir = mkdtempSync(join(tmpdir(), 'quittance-verify-stripe-'));
const file = join(dir, 'event.json');
writeFileSync(file, BODY);
after(() => rmSync(dir, { recursive: true, force: true }));

const verify = (secret: string, now: string) =>
  runCli(['verify', 'stripe', '--secret', secret, '--file', file, '--header', HEADER, '--now', now]);

describe('quittance verify stripe (--header, --now)', () => {
  it('valid at +300 s', () => {
    const result = verify('whsec_test_secret', '1700000300');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).valid, true);
  });

  it('stale at +301 s, and refused under another secret', () => {
    const stale = verify('whsec_test_secret', '1700000301');
    assert.notEqual(stale.status, 0);
    assert.equal(JSON.parse(stale.stdout).code, 'TIMESTAMP_OUT_OF_TOLERANCE');
    const other = verify('whsec_other', '1700000000');
    assert.equal(JSON.parse(other.stdout).code, 'SIGNATURE_MISMATCH');
    assert.ok(!other.stdout.includes('whsec_other'), 'the secret is not echoed');
  });
});
