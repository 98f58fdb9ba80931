/**
 * `npm run bench`: how fast quittance ingests Lyra notifications on this machine, next to a bare
 * node:http server, and whether every request it answered was really stored and settled.
 *
 *   npm run bench -- [--payments N] [--connections C] [--warmup W] [--baseline-seconds S]
 *                    [--cpu-prof-dir DIR]
 *
 * Phases, one run, same machine, 127.0.0.1 only, each bounded (autocannon `amount` or `duration`):
 * 1. baseline: bare node:http, 200 "OK" after reading the body, same bodies, same connections;
 * 2. quittance, new notifications: N pre-created payments, one signed AUTHORISED IPN each, each sent
 *    exactly once (inbox insert + verify + settle + signal + payment update + effect job, one commit);
 * 3. quittance, duplicates: the same N bodies again (inbox + signal journal, payment unchanged);
 * 4. quittance, forged: N bodies with a wrong signature (stored as rejected, answered 401);
 * 5. quittance, deferred: N unsigned Mollie webhooks `id=tr_…`, one per Mollie payment created
 *    beforehand at the Mollie simulator, each sent once (inbox insert as `pending` + one
 *    `verify-notification` job, one commit, answered 200; no worker runs, so the jobs stay queued);
 * 6. the disk holding the database: fsync rate (4 KiB write + fsync in a loop) and the commit rate of
 *    better-sqlite3 alone with the store's settings, the ceiling for one commit per notification.
 * Then the database is checked, a Markdown table is printed and BENCHMARKS.md is (re)written.
 *
 * The servers run in a child process (bench/server.ts) so autocannon and the server each have their
 * own event loop; on a 2-core machine that is one core each.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { FETCH_BACK_TASK } from '../src/engine/fetch-back.js';
import { type Child, startChild } from './child.js';
import { fmt, ms, pct, ratio } from './format.js';
import { ipnFields, signedBody } from './ipn.js';
import { load, type PhaseResult } from './load.js';
import { mollieWebhookBody } from './mollie.js';
import { type Bucket, breakdown, findMainThreadProfile } from './profile.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ACCOUNT_ID = 'bench-lyra';
const MOLLIE_ACCOUNT_ID = 'bench-mollie';
const SITE_ID = '12345678';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  readonly payments: number;
  readonly connections: number;
  readonly warmup: number;
  readonly baselineSeconds: number;
  readonly cpuProfDir: string | undefined;
}

const USAGE = `usage: npm run bench -- [--payments N] [--connections C] [--warmup W] [--baseline-seconds S] [--cpu-prof-dir DIR]
  --payments N          notifications per quittance phase (default 2000)
  --connections C       concurrent keep-alive connections (default 10)
  --warmup W            extra payments notified first, untimed, to warm up the JIT (default 200; 0 for none)
  --baseline-seconds S  how long the bare node:http baseline runs (default 3)
  --cpu-prof-dir DIR    write V8 CPU profiles of the server processes to DIR (BENCHMARKS.md is then left alone)`;

function parseOptions() {
  return parseArgs({
    options: {
      payments: { type: 'string', default: '2000' },
      connections: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '200' },
      'baseline-seconds': { type: 'string', default: '3' },
      'cpu-prof-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
}

function readOptions(): Options {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number, max: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      console.error(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  const payments = int('payments', values.payments, 1, 200_000);
  const connections = int('connections', values.connections, 1, 1000);
  if (connections > payments) {
    console.error(`--connections (${connections}) cannot exceed --payments (${payments})`);
    process.exit(2);
  }
  return {
    payments,
    connections,
    warmup: int('warmup', values.warmup, 0, 100_000),
    baselineSeconds: int('baseline-seconds', values['baseline-seconds'], 1, 60),
    cpuProfDir: values['cpu-prof-dir'],
  };
}

// ---------------------------------------------------------------------------------------------
// fsync

function fsyncRate(dir: string, seconds: number): { perSecond: number; count: number } {
  const file = join(dir, 'fsync-probe.bin');
  const block = randomBytes(4096);
  const fd = openSync(file, 'w');
  let count = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  try {
    while (performance.now() < until) {
      writeSync(fd, block, 0, block.length, 0);
      fsyncSync(fd);
      count++;
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return { perSecond: count / ((performance.now() - started) / 1000), count };
}

/**
 * The commit rate SQLite itself reaches on this disk with the store's settings (WAL,
 * synchronous=FULL), one row of `rowBytes` per transaction, through better-sqlite3 with a prepared
 * statement and nothing else: the ceiling for quittance's one-commit-per-notification.
 */
function sqliteCommitRate(
  dir: string,
  rowBytes: number,
  seconds: number,
): { perSecond: number; count: number } {
  const file = join(dir, 'commit-probe.db');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('create table probe (id integer primary key, body blob not null)');
    const insert = db.prepare('insert into probe (body) values (?)');
    const commit = db.transaction((body: Buffer) => insert.run(body));
    const body = randomBytes(rowBytes);
    let count = 0;
    const started = performance.now();
    const until = started + seconds * 1000;
    while (performance.now() < until) {
      commit(body);
      count++;
    }
    return { perSecond: count / ((performance.now() - started) / 1000), count };
  } finally {
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  }
}

/** The file system holding `dir` (Linux: the longest mount point above it in /proc/mounts). */
function fileSystemOf(dir: string): string {
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' '))
      .filter((parts) => parts.length >= 3);
    let best: { point: string; type: string; device: string } | undefined;
    for (const [device = '', point = '', type = ''] of mounts) {
      const inside = dir === point || dir.startsWith(point.endsWith('/') ? point : `${point}/`);
      if (inside && (!best || point.length > best.point.length)) best = { point, type, device };
    }
    return best ? `${best.type} (${best.device} on ${best.point})` : 'unknown';
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------------------------
// Correctness

interface Check {
  readonly what: string;
  readonly expected: number | string;
  readonly actual: number | string;
  readonly ok: boolean;
}

/**
 * The Mollie payments as stored, one line per row, to compare before and after the deferred phase: a
 * webhook that is only stored for its fetch-back must not change any of them.
 */
function molliePaymentRowsOf(db: Database.Database): string {
  return db
    .prepare(
      `select id, status, gateway_ref, amount_value, currency, needs_review, version, updated_at
         from payments where account_id = ? order by id`,
    )
    .all(MOLLIE_ACCOUNT_ID)
    .map((row) => JSON.stringify(row))
    .join('\n');
}

function molliePaymentRows(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return molliePaymentRowsOf(db);
  } finally {
    db.close();
  }
}

function verifyDatabase(
  file: string,
  expected: {
    readonly requests: number;
    readonly settled: number;
    readonly payments: number;
    readonly duplicates: number;
    readonly forged: number;
    /** Mollie webhooks sent (warm-up included), one per Mollie payment. */
    readonly deferred: number;
    /** molliePaymentRows before the deferred phase's warm-up. */
    readonly mollieRowsBefore: string;
  },
): { checks: Check[]; sqliteVersion: string } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string, ...params: unknown[]): number =>
      Number((db.prepare(sql).get(...params) as { n: number | bigint }).n);
    const sqliteVersion = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
    const check = <T extends number | string>(what: string, want: T, actual: T): Check => ({
      what,
      expected: want,
      actual,
      ok: want === actual,
    });
    const checks: Check[] = [
      check(
        'inbox entries = requests sent to quittance',
        expected.requests,
        one('select count(*) as n from inbox'),
      ),
      check(
        'inbox entries verified (new + duplicates, warm-up included)',
        expected.settled + expected.duplicates,
        one(`select count(*) as n from inbox where verdict = 'verified' and answer_status = 200`),
      ),
      check(
        'inbox entries rejected as SIGNATURE_MISMATCH (forged), answered 401',
        expected.forged,
        one(
          `select count(*) as n from inbox where verdict = 'rejected' and reason_code = 'SIGNATURE_MISMATCH' and answer_status = 401`,
        ),
      ),
      check(
        'Lyra payments',
        expected.payments,
        one('select count(*) as n from payments where account_id = ?', ACCOUNT_ID),
      ),
      check(
        'Lyra payments authorized',
        expected.payments,
        one(`select count(*) as n from payments where account_id = ? and status = 'authorized'`, ACCOUNT_ID),
      ),
      check(
        'payments flagged for review',
        0,
        one('select count(*) as n from payments where needs_review <> 0'),
      ),
      check(
        'signals applied',
        expected.settled,
        one(`select count(*) as n from signals where settlement = 'applied'`),
      ),
      check(
        'signals duplicate',
        expected.duplicates,
        one(`select count(*) as n from signals where settlement = 'duplicate'`),
      ),
      check(
        'signals of any other settlement',
        0,
        one(`select count(*) as n from signals where settlement not in ('applied', 'duplicate')`),
      ),
      check(
        'signals from forged requests',
        0,
        one(
          `select count(*) as n from signals s join inbox i on i.id = s.inbox_id where i.verdict <> 'verified'`,
        ),
      ),
      check('events for the shop', expected.payments, one(`select count(*) as n from events`)),
      check(
        'Lyra payments without exactly one payment.authorized event',
        0,
        one(
          `select count(*) as n from payments p where p.account_id = ? and (select count(*) from events e
             where e.payment_id = p.id and e.type = 'payment.authorized') <> 1`,
          ACCOUNT_ID,
        ),
      ),
      check(
        'Mollie inbox entries pending, answered 200 (warm-up included) = webhooks sent',
        expected.deferred,
        one(
          `select count(*) as n from inbox where account_id = ? and verdict = 'pending' and answer_status = 200`,
          MOLLIE_ACCOUNT_ID,
        ),
      ),
      check(
        'Mollie inbox entries of any other verdict',
        0,
        one(
          `select count(*) as n from inbox where account_id = ? and verdict <> 'pending'`,
          MOLLIE_ACCOUNT_ID,
        ),
      ),
      check(
        `${FETCH_BACK_TASK} jobs, still ready and never attempted (no worker runs)`,
        expected.deferred,
        one(
          `select count(*) as n from jobs where task = ? and state = 'ready' and attempts = 0`,
          FETCH_BACK_TASK,
        ),
      ),
      check(
        `Mollie inbox entries without exactly one ${FETCH_BACK_TASK} job`,
        0,
        one(
          `select count(*) as n from inbox i where i.account_id = ? and (select count(*) from jobs j
             where j.task = ? and j.unique_key = 'fetch-back:' || i.id) <> 1`,
          MOLLIE_ACCOUNT_ID,
          FETCH_BACK_TASK,
        ),
      ),
      check(
        'Mollie payments with distinct tr_ ids, one per webhook',
        expected.deferred,
        one(
          `select count(distinct gateway_ref) as n from payments where account_id = ? and substr(gateway_ref, 1, 3) = 'tr_'`,
          MOLLIE_ACCOUNT_ID,
        ),
      ),
      check(
        'Mollie payments changed by the deferred phase (status, version, updated_at…)',
        'none',
        molliePaymentRowsOf(db) === expected.mollieRowsBefore ? 'none' : 'some',
      ),
      check(
        'signals or events of Mollie payments',
        0,
        one(
          `select (select count(*) from signals s join payments p on p.id = s.payment_id where p.account_id = ?)
                + (select count(*) from events e join payments p on p.id = e.payment_id where p.account_id = ?) as n`,
          MOLLIE_ACCOUNT_ID,
          MOLLIE_ACCOUNT_ID,
        ),
      ),
    ];
    return { checks, sqliteVersion };
  } finally {
    db.close();
  }
}

function sizeOf(bodies: readonly Buffer[]): { min: number; max: number; mean: number } {
  const sizes = bodies.map((b) => b.length);
  return {
    min: Math.min(...sizes),
    max: Math.max(...sizes),
    mean: sizes.reduce((a, b) => a + b, 0) / sizes.length,
  };
}

/** "16 bytes", or "1,189–1,201 bytes" when the sizes differ. */
function sizeRange(size: { min: number; max: number }): string {
  return size.min === size.max ? `${fmt(size.min)} bytes` : `${fmt(size.min)}–${fmt(size.max)} bytes`;
}

function resultTable(phases: readonly PhaseResult[], baseline: PhaseResult): string {
  const lines = [
    '| phase | requests | req/s | p50 ms | p99 ms | errors | non-2xx | unexpected | req/s, % of baseline | p99 vs baseline |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const p of phases) {
    const isBaseline = p === baseline;
    const non2xx =
      p.non2xx === 0
        ? '0'
        : `${fmt(p.non2xx)}${p.expectedStatus === 200 ? '' : ` (${p.expectedStatus}: expected)`}`;
    lines.push(
      `| ${p.name} | ${fmt(p.completed)} | ${fmt(p.rps)} | ${ms(p.p50)} | ${ms(p.p99)} | ${fmt(p.errors)} | ${non2xx} | ${fmt(p.unexpected)} | ${isBaseline ? '100%' : pct(p.rps / baseline.rps)} | ${isBaseline ? '1×' : ratio(p.p99 / baseline.p99)} |`,
    );
  }
  return lines.join('\n');
}

function cpuTable(phases: readonly PhaseResult[]): string {
  const share = (n: number | undefined) => (n === undefined ? 'n/a' : `${fmt(n * 100)}%`);
  const lines = [
    '| phase | seconds | server CPU ms/request | server process | load generator (autocannon) | other processes |',
    '|---|--:|--:|--:|--:|--:|',
  ];
  for (const p of phases) {
    lines.push(
      `| ${p.name} | ${fmt(p.seconds, 2)} | ${p.cpu.serverMsPerRequest === undefined ? 'n/a' : fmt(p.cpu.serverMsPerRequest, 3)} | ${share(p.cpu.server)} | ${share(p.cpu.loadGenerator)} | ${share(p.cpu.others)} |`,
    );
  }
  return lines.join('\n');
}

function bucketTable(
  phases: readonly PhaseResult[],
  buckets: ReadonlyMap<PhaseResult, readonly Bucket[]>,
): string {
  const names = [...new Set([...buckets.values()].flatMap((list) => list.map((b) => b.name)))];
  const first = buckets.get(phases[0] as PhaseResult) ?? [];
  names.sort(
    (a, b) => (first.find((x) => x.name === b)?.ms ?? 0) - (first.find((x) => x.name === a)?.ms ?? 0),
  );
  const lines = [
    `| where the server's main thread spends its time | ${phases.map((p) => `${p.name} (ms/request, share)`).join(' | ')} |`,
    `|---|${phases.map(() => '--:').join('|')}|`,
  ];
  for (const name of names) {
    const cells = phases.map((p) => {
      const bucket = buckets.get(p)?.find((b) => b.name === name);
      return bucket
        ? `${fmt(bucket.ms / Math.max(1, p.completed), 3)} (${fmt(bucket.share * 100, 1)}%)`
        : '–';
    });
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const options = readOptions();
  const { payments: n, connections, warmup } = options;
  const tempDir = mkdtempSync(join(os.tmpdir(), 'quittance-bench-'));
  const databaseFile = join(tempDir, 'bench.db');
  const key = randomBytes(24).toString('base64url');
  const wrongKey = randomBytes(24).toString('base64url');
  const children: Child[] = [];
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const startedAt = new Date();
  const benchStarted = performance.now();

  try {
    // Quittance first creates its payments (the bodies depend on them); the baseline then gets the
    // very same bodies, so both see the same sizes.
    log(`bench: temp dir ${tempDir}`);
    log(
      `bench: starting quittance, creating ${fmt(warmup + n)} Lyra payments and ${fmt(warmup + n)} Mollie payments (at the Mollie simulator) through the engine…`,
    );
    const quittance = await startChild(
      {
        mode: 'quittance',
        database: `sqlite:${databaseFile}`,
        accountId: ACCOUNT_ID,
        siteId: SITE_ID,
        key,
        payments: warmup + n,
        mollie: { accountId: MOLLIE_ACCOUNT_ID, payments: warmup + n },
      },
      options.cpuProfDir,
    );
    children.push(quittance);
    const notifyUrl = `${quittance.url}/notify/${ACCOUNT_ID}`;
    const ipns = quittance.payments.map((p) => ipnFields(p.fields, p.id));
    const valid = ipns.map((fields) => signedBody(fields, key));
    const forged = ipns.slice(warmup).map((fields) => signedBody(fields, wrongKey));
    const warmupBodies = valid.slice(0, warmup);
    const bodies = valid.slice(warmup);
    const bodySize = sizeOf(bodies);
    const mollieNotifyUrl = `${quittance.url}/notify/${MOLLIE_ACCOUNT_ID}`;
    const webhooks = quittance.molliePayments.map((p) => mollieWebhookBody(p.gatewayRef));
    const webhookWarmup = webhooks.slice(0, warmup);
    const webhookBodies = webhooks.slice(warmup);
    const webhookSize = sizeOf(webhookBodies);

    // 1. Baseline (quittance idles meanwhile: no timers, no work).
    log('bench: baseline (bare node:http)…');
    const bare = await startChild({ mode: 'baseline' }, options.cpuProfDir);
    children.push(bare);
    const bareUrl = `${bare.url}/notify/${ACCOUNT_ID}`;
    if (warmup > 0) {
      await load({
        name: 'warm-up',
        urls: [bareUrl],
        connections,
        bodies,
        bound: { duration: 1 },
        expectedStatus: 200,
      });
    }
    const baseline = await load({
      name: 'baseline: bare node:http',
      urls: [bareUrl],
      connections,
      bodies,
      bound: { duration: options.baselineSeconds },
      expectedStatus: 200,
      children: [bare],
    });
    await bare.stop();

    // 2–5. quittance.
    const warmUp = async (what: string, url: string, list: readonly Buffer[]) => {
      if (warmup === 0) return;
      log(`bench: quittance warm-up (${fmt(warmup)} ${what}, not in the table)…`);
      const w = await load({
        name: 'warm-up',
        urls: [url],
        connections: Math.min(connections, warmup),
        bodies: list,
        bound: { amount: warmup },
        expectedStatus: 200,
      });
      if (w.unexpected > 0) log(`bench: warm-up: unexpected answers ${JSON.stringify(w.statusCounts)}`);
    };
    await warmUp('new notifications', notifyUrl, warmupBodies);
    const quittancePhase = (name: string, url: string, list: readonly Buffer[], expectedStatus: number) => {
      log(`bench: ${name}…`);
      return load({
        name,
        urls: [url],
        connections,
        bodies: list,
        bound: { amount: n },
        expectedStatus,
        children: [quittance],
      });
    };
    const fresh = await quittancePhase('quittance: new notifications', notifyUrl, bodies, 200);
    const duplicates = await quittancePhase('quittance: duplicates', notifyUrl, bodies, 200);
    const forgeries = await quittancePhase('quittance: forged', notifyUrl, forged, 401);
    // The Mollie payments as they stand before any webhook names them (WAL: a reader beside the writer).
    const mollieRowsBefore = molliePaymentRows(databaseFile);
    // Its own warm-up: this path runs code (Mollie's verifyNotification, the job insert) the Lyra
    // phases never JIT-compiled.
    await warmUp('Mollie webhooks', mollieNotifyUrl, webhookWarmup);
    const deferred = await quittancePhase(
      'quittance: deferred (Mollie webhooks)',
      mollieNotifyUrl,
      webhookBodies,
      200,
    );
    await quittance.stop();

    // Correctness, read straight from the file the server wrote.
    const { checks, sqliteVersion } = verifyDatabase(databaseFile, {
      requests: 2 * warmup + fresh.sent + duplicates.sent + forgeries.sent + deferred.sent,
      settled: warmup + n,
      payments: warmup + n,
      duplicates: n,
      forged: n,
      deferred: warmup + deferred.sent,
      mollieRowsBefore,
    });
    const httpChecks: Check[] = [fresh, duplicates, forgeries, deferred].map((p) => ({
      what: `${p.name}: every request answered ${p.expectedStatus}`,
      expected: `${fmt(n)} × ${p.expectedStatus}`,
      actual: Object.entries(p.statusCounts)
        .map(([status, count]) => `${fmt(count)} × ${status}`)
        .concat(p.errors > 0 ? [`${p.errors} errors`] : [])
        .join(', '),
      ok: p.unexpected === 0 && p.completed === p.sent && p.sent === n,
    }));
    const pragmaChecks: Check[] = [
      ['journal_mode', 'wal'],
      ['synchronous', 'FULL'],
    ].map(([name = '', want = '']) => ({
      what: `store connection: ${name}`,
      expected: want,
      actual: quittance.pragmas[name] ?? '?',
      ok: quittance.pragmas[name] === want,
    }));
    const allChecks = [...httpChecks, ...pragmaChecks, ...checks];
    const correct = allChecks.every((c) => c.ok);

    // 5. The disk, same directory, nothing else of ours running.
    log('bench: fsync rate, SQLite commit rate…');
    const fsync = fsyncRate(tempDir, 2);
    const sqliteCommits = sqliteCommitRate(tempDir, Math.round(bodySize.mean), 2);
    const fileSystem = fileSystemOf(tempDir);

    const cpus = os.cpus();
    const machine = {
      cpu: `${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length}`,
      memory: `${fmt(os.totalmem() / 1024 ** 3, 1)} GiB`,
      os: `${os.type()} ${os.release()} (${os.arch()})`,
      node: process.version,
      sqlite: sqliteVersion,
      fileSystem,
      load: os
        .loadavg()
        .map((l) => fmt(l, 2))
        .join(' / '),
    };
    const phases = [baseline, fresh, duplicates, forgeries, deferred];
    const table = resultTable(phases, baseline);
    const cpu = cpuTable(phases);
    const diskLines = [
      `- fsync rate of the database's disk: **${fmt(fsync.perSecond)} fsyncs/s** (4 KiB write + fsync of one file, ${fmt(fsync.count)} in 2 s; ${fileSystem}).`,
      `- SQLite commit rate there, better-sqlite3 alone (WAL, synchronous=FULL, one ${fmt(bodySize.mean)}-byte row per transaction): **${fmt(sqliteCommits.perSecond)} commits/s**.`,
      `- quittance, new notifications: **${fmt(fresh.rps)} commits/s** (one transaction per notification) = ${fmt((100 * fresh.rps) / fsync.perSecond, 1)}% of the fsync rate, ${fmt((100 * fresh.rps) / sqliteCommits.perSecond, 1)}% of the bare SQLite commit rate.`,
      `- quittance, deferred Mollie webhooks: **${fmt(deferred.rps)} commits/s** = ${fmt((100 * deferred.rps) / sqliteCommits.perSecond, 1)}% of the bare SQLite commit rate.`,
    ];
    const checkLines = allChecks.map(
      (c) => `- ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: expected ${c.expected}, got ${c.actual}`,
    );
    const elapsed = (performance.now() - benchStarted) / 1000;

    console.log(`\n${table}\n\n${cpu}\n\n${diskLines.join('\n')}\n`);
    console.log(`correctness: ${correct ? 'OK' : 'FAILED'}\n${checkLines.join('\n')}\n`);
    console.log(
      `machine: ${machine.cpu}, ${machine.memory}, ${machine.os}, node ${machine.node}, SQLite ${machine.sqlite}, load average ${machine.load}; bench took ${fmt(elapsed, 1)} s`,
    );

    if (options.cpuProfDir) {
      const profile = findMainThreadProfile(join(options.cpuProfDir, 'quittance'));
      if (profile) {
        const timed = [fresh, duplicates, forgeries, deferred];
        const buckets = new Map(
          timed.map((p) => [p, breakdown(profile, p.window.from, p.window.to)] as const),
        );
        console.log(
          `\nCPU profile of the quittance server (${profile}):\n\n${bucketTable(timed, buckets)}\n`,
        );
      } else {
        log(`bench: no main-thread profile found in ${join(options.cpuProfDir, 'quittance')}`);
      }
      log(
        `bench: CPU profiles in ${options.cpuProfDir}; BENCHMARKS.md left unchanged (profiling skews the figures)`,
      );
    } else {
      const markdown = benchmarksMarkdown({
        date: startedAt,
        machine,
        options,
        bodySize,
        webhookSize,
        table,
        cpu,
        diskLines,
        checkLines,
        correct,
        phases: { baseline, fresh, duplicates, forgeries, deferred },
        fsyncPerSecond: fsync.perSecond,
        sqliteCommitsPerSecond: sqliteCommits.perSecond,
        elapsed,
      });
      writeFileSync(join(ROOT, 'BENCHMARKS.md'), markdown + keptSections(join(ROOT, 'BENCHMARKS.md')));
      log('bench: wrote BENCHMARKS.md');
    }
    return correct ? 0 : 1;
  } finally {
    for (const child of children) await child.stop().catch(() => {});
    rmSync(tempDir, { recursive: true, force: true });
  }
}

function benchmarksMarkdown(r: {
  date: Date;
  machine: Record<'cpu' | 'memory' | 'os' | 'node' | 'sqlite' | 'fileSystem' | 'load', string>;
  options: Options;
  bodySize: { min: number; max: number; mean: number };
  webhookSize: { min: number; max: number; mean: number };
  table: string;
  cpu: string;
  diskLines: readonly string[];
  checkLines: readonly string[];
  correct: boolean;
  phases: Record<'baseline' | 'fresh' | 'duplicates' | 'forgeries' | 'deferred', PhaseResult>;
  fsyncPerSecond: number;
  sqliteCommitsPerSecond: number;
  elapsed: number;
}): string {
  const { options: o, phases: p, machine: m } = r;
  const cores = os.cpus().length;
  const serverShare = p.fresh.cpu.server ?? Number.NaN;
  const ofCeiling = p.fresh.rps / r.sqliteCommitsPerSecond;
  const others = Math.max(...[p.fresh, p.duplicates, p.forgeries, p.deferred].map((x) => x.cpu.others ?? 0));
  const serverMs = (x: PhaseResult) => fmt(x.cpu.serverMsPerRequest ?? Number.NaN, 2);
  const bound =
    ofCeiling > 0.7
      ? `that is ${fmt(ofCeiling * 100)}% of what SQLite alone commits per second on this disk with the same settings, so here ingest is bound by the commit (the fsync), not by the CPU`
      : serverShare > 0.8
        ? `that is only ${fmt(ofCeiling * 100)}% of what SQLite alone commits per second on this disk with the same settings, while the server process uses ${fmt(serverShare * 100)}% of a core (its main thread plus V8's helper threads): here ingest is bound by the CPU work per request on the one Node thread (HTTP stack, Kysely, statement preparation, SQLite, verification; each commit's fsync is part of it but not the limit). \`npm run bench -- --cpu-prof-dir DIR\` prints where that time goes`
        : `that is ${fmt(ofCeiling * 100)}% of what SQLite alone commits per second on this disk, with the server process ${fmt(serverShare * 100)}% busy: neither the disk nor the CPU alone explains it (contention from other processes?); \`npm run bench -- --cpu-prof-dir DIR\` prints where the time goes`;
  const contention =
    others > 0.15
      ? `\n- **Other processes used up to ${fmt(others * 100)}% of a core during the quittance phases** (see the CPU table): on a ${cores}-core machine that takes from the server or the load generator, so these figures are lower than on a quiet machine.`
      : '';
  return `# Benchmarks

Generated by \`npm run bench\` (bench/ingest.ts) on ${r.date.toISOString()}; the run took ${fmt(r.elapsed, 1)} s.
Re-run it to refresh this file. The figures describe this machine on that day, nothing more.

## Machine

- CPU: ${m.cpu}
- Memory: ${m.memory}
- OS: ${m.os}
- Node ${m.node}, SQLite ${m.sqlite} (better-sqlite3)
- Database directory: ${m.fileSystem}
- Load average at the end of the run: ${m.load}

## Method

One run, one machine, everything on 127.0.0.1. Load comes from autocannon 9 (programmatic API) with
${o.connections} keep-alive connections, no pipelining, in the bench process; each server runs in a child
process of its own (bench/server.ts), so on a ${cores}-core machine the load generator and the server get about
a core each. Latencies are per request, client side (autocannon's hrtime per response), every status included.

Bodies: one Lyra IPN per payment, \`application/x-www-form-urlencoded\`, the payment form's \`vads_*\` fields
echoed back plus the result fields (\`vads_trans_status=AUTHORISED\`, \`vads_result=00\`, a 32-hex
\`vads_trans_uuid\`, \`vads_url_check_src=PAY\`, \`vads_operation_type=DEBIT\`, card fields), signed with
HMAC-SHA-256 over every \`vads_\` field: ${fmt(r.bodySize.min)}–${fmt(r.bodySize.max)} bytes (mean ${fmt(r.bodySize.mean)}). Deferred phase: one Mollie
webhook per Mollie payment, \`id=tr_…\` and nothing else, \`application/x-www-form-urlencoded\`, unsigned:
${sizeRange(r.webhookSize)}.

1. **Baseline**: a bare \`node:http\` server that reads the body and answers 200 "OK"; the same bodies, cycled for
   ${o.baselineSeconds} s (after 1 s of warm-up).
2. **quittance, new notifications**: quittance as \`serve\` runs it (createStore on a fresh SQLite file in a temp
   directory: WAL, synchronous=FULL, read back from the connection; startEngine; createApp; listen), one Lyra
   account in test mode. ${fmt(o.warmup + o.payments)} payments created beforehand with \`createPayment\`; ${fmt(o.warmup)} of
   them are notified first as an untimed warm-up, then ${fmt(o.payments)} notifications, each sent exactly once
   (autocannon \`amount\`; \`setupRequest\` hands out the next body). Each is the full ingest path in one committed
   transaction: inbox insert, signature check, settle, signal, payment update (created → authorized), effect job.
3. **quittance, duplicates**: the same ${fmt(o.payments)} bodies again: inbox insert + signal journalled as
   \`duplicate\`; the payment is unchanged and no job is added.
4. **quittance, forged**: ${fmt(o.payments)} bodies signed with another key: inbox insert with the verdict
   \`rejected\` (SIGNATURE_MISMATCH), answered 401, which is expected and not counted as unexpected.
5. **quittance, deferred (Mollie webhooks)**: the same server also has a Mollie account in test mode.
   ${fmt(o.warmup + o.payments)} Mollie payments were created beforehand with \`createPayment\`, whose \`initPayment\` POSTs
   \`/v2/payments\` to the Mollie simulator (src/simulator/mollie, in the server process, closed once they exist)
   and stores the \`tr_…\` id it answers: every webhook names a payment that exists in quittance and at
   "Mollie", as a real one would, through the same code a shop's checkout runs (rather than rows inserted
   through the repositories with made-up ids). ${fmt(o.warmup)} webhooks first as an untimed warm-up (this path's code is
   not JIT-compiled by the Lyra phases), then ${fmt(o.payments)}, each sent exactly once. Each is the full ingest path
   for an unsigned notification, in one committed transaction: inbox insert, the body read (\`id=tr_…\`),
   the entry kept \`pending\`, one \`verify-notification\` job enqueued, answered 200. **No job worker runs
   in the bench**, so the fetch-backs (\`GET /v2/payments/{id}\`, then the settlement) never happen here and
   the jobs stay queued: this measures the ingest half only, the part the gateway waits for.
6. **Disk**: 4 KiB write + fsync of one file in a loop for 2 s, then better-sqlite3 alone committing one row per
   transaction for 2 s with the store's settings, both in the database's directory.

"unexpected" counts connection errors plus any answer other than the phase's expected status. CPU shares are
CPU time over the phase divided by its wall time (100% = one core busy throughout): the server process (all
threads), the bench process (autocannon), and everything else on the machine (from \`os.cpus()\`).
Afterwards the SQLite file is opened read-only and checked; the bench exits non-zero if any check fails.

## Results

${r.table}

${r.cpu}

${r.diskLines.join('\n')}

Correctness: **${r.correct ? 'all checks passed' : 'FAILED'}**

${r.checkLines.join('\n')}

## What it means

- New notifications: **${fmt(p.fresh.rps)}/s**, p99 ${ms(p.fresh.p99)} ms at ${o.connections} connections: ${pct(p.fresh.rps / p.baseline.rps)} of the
  baseline's throughput and ${ratio(p.fresh.p99 / p.baseline.p99)} its p99; ${bound}.
- The latencies are mostly waiting in line: with ${o.connections} requests always in flight and one writer, a request
  waits for the others (${o.connections} / ${fmt(p.fresh.rps)} per s ≈ ${ms((1000 * o.connections) / p.fresh.rps)} ms, next to the p50 of ${ms(p.fresh.p50)} ms); a lone
  notification costs about the server's ${fmt(p.fresh.cpu.serverMsPerRequest ?? Number.NaN, 1)} ms of work per request.
- SQLite has one writer and quittance commits before it answers, so notifications are ingested one after the
  other whatever the number of connections: more connections raise latency (queueing), not throughput.
  Duplicates (${fmt(p.duplicates.rps)}/s) and forgeries (${fmt(p.forgeries.rps)}/s) also cost a commit each, since every
  request is stored before it is judged: a flood of forged requests is bounded by the same rate, and each one
  is a row in the inbox.
- Deferred (unsigned) Mollie webhooks: **${fmt(p.deferred.rps)}/s**, p99 ${ms(p.deferred.p99)} ms, ${ratio(p.deferred.rps / p.fresh.rps)} the rate of new signed
  Lyra notifications in the same run (${serverMs(p.deferred)} against ${serverMs(p.fresh)} ms of server CPU per request): still one commit
  each (inbox insert, job insert, verdict), but no signature, no settlement, no payment or event written, and a
  body of a few bytes. It ran last, on a database already holding the other phases' rows, so if anything the
  comparison is against it. That is only the half the gateway waits for: each webhook left a
  \`verify-notification\` job (a call to Mollie and then a settlement) that the worker, not running here, would
  still have to do.
- The baseline shows what the machine and loopback give a Node server that does nothing; the ratios are the
  price of the HTTP framework, the durable write and the checks, not a target.
- For scale: Lyra gives each notification call 35 s and retries a failed one at most 4 times; a shop sees
  notifications at the rate of its orders. The headroom matters for bursts (a Back Office batch resend, a
  backlog after an outage), and there the p99 stays far under the 35 s timeout.
- Limits: a ${cores}-core machine shared by the load generator and the server; loopback only (no TLS, no proxy, no real
  network); a fresh, small database (a few thousand rows, indexes in memory); one Lyra account (and one Mollie
  account for the deferred phase). This disk
  acknowledges a 4 KiB fsync in about ${fmt(1000 / r.fsyncPerSecond, 2)} ms and SQLite commits in about ${fmt(1000 / r.sqliteCommitsPerSecond, 2)} ms; on a slower
  disk (network volume, consumer SSD without a write cache) ingest falls towards the commit rate. PostgreSQL
  (concurrent writers, group commit) is not measured here.${contention}
`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);

/**
 * Sections other runs own (the chaos run's, written by hand from `npm run chaos`) start at the
 * marker line and are carried over when the ingest figures are rewritten.
 */
function keptSections(file: string): string {
  const marker = '<!-- kept: sections below are not generated by bench/ingest.ts -->';
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const at = text.indexOf(marker);
  return at === -1 ? '' : `\n${text.slice(at)}`;
}
