/**
 * The files in deploy/ are checked as far as this machine allows:
 * - docker-compose.yml is parsed (yaml) and its services, healthchecks, environment and the proxy's
 *   address are checked against quittance.json.example and the Caddyfile; `docker compose config`
 *   (or docker-compose 1.29's) runs when either is installed (skipped loudly otherwise);
 * - quittance.json.example loads through the real config loader with the secrets compose passes;
 * - quittance.service is parsed for the keys that matter and verified by `systemd-analyze verify`
 *   when it is installed (skipped loudly otherwise);
 * - the Dockerfile and .dockerignore are checked for their key lines (no image is built here).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfigFile } from '../../src/config/load.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEPLOY = join(ROOT, 'deploy');
const read = (name: string) => readFileSync(join(DEPLOY, name), 'utf8');

/** Printed when a check cannot run here, so a skipped check never passes for a run one. */
function loudSkip(what: string, why: string): string {
  const line = `!!! SKIPPED: ${what}: ${why}`;
  console.warn(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}\n`);
  return `${what}: ${why}`;
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string; interval?: string; retries?: number };
  volumes?: string[];
  ports?: string[];
  stop_grace_period?: string;
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, { ipam?: { config?: { subnet?: string }[] } }>;
}

// Merge keys (`<<: *quittance`) are YAML 1.1; compose reads them, so the parser must too.
const compose = parse(read('docker-compose.yml'), { merge: true }) as Compose;
const example = JSON.parse(read('quittance.json.example')) as {
  listen: { host: string; port: number };
  trustedProxies: string[];
};
const caddyfile = read('Caddyfile');
const QUITTANCE_SERVICES = ['quittance-1', 'quittance-2'];

function service(name: string): ComposeService {
  const found = compose.services[name];
  assert.ok(found, `docker-compose.yml has no service "${name}"`);
  return found;
}

function healthcheckCommand(s: ComposeService): string {
  const test = s.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** Seconds in a compose or systemd duration such as 35s, 1m30s. */
function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) {
    total += Number(n) * (UNIT_SECONDS[unit ?? ''] ?? Number.NaN);
  }
  return total;
}

/** The env names `{ "env": NAME }` refers to anywhere in a config. */
function envRefs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(envRefs);
  if (typeof value !== 'object' || value === null) return [];
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]?.[0] === 'env' && typeof entries[0][1] === 'string') {
    return [entries[0][1]];
  }
  return entries.flatMap(([, v]) => envRefs(v));
}

describe('deploy/docker-compose.yml', () => {
  it('has PostgreSQL 15, two quittance instances and a proxy', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['db', 'proxy', 'quittance-1', 'quittance-2']);
    assert.match(service('db').image ?? '', /^postgres:15(\b|-)/);
    assert.match(service('proxy').image ?? '', /^caddy:2/);
  });

  it('keeps the database on a named volume and checks it is ready', () => {
    const db = service('db');
    const volume = (db.volumes ?? []).find((v) => v.endsWith(':/var/lib/postgresql/data'));
    assert.ok(volume, 'the data directory is on a volume');
    const name = volume.split(':')[0] as string;
    assert.ok(compose.volumes && name in compose.volumes, `volume "${name}" is declared`);
    assert.match(healthcheckCommand(db), /pg_isready/);
    assert.equal(db.environment?.POSTGRES_DB, 'quittance');
    assert.equal(db.environment?.POSTGRES_USER, 'quittance');
  });

  for (const name of QUITTANCE_SERVICES) {
    it(`${name}: built from deploy/Dockerfile, on PostgreSQL, after the database is healthy`, () => {
      const q = service(name);
      assert.equal(q.build?.dockerfile, 'deploy/Dockerfile');
      assert.equal(q.build?.context, '..');
      const url = q.environment?.QUITTANCE_DATABASE_URL ?? '';
      assert.match(url, /^postgres:\/\/quittance:\$\{POSTGRES_PASSWORD[^}]*\}@db:5432\/quittance$/);
      assert.equal(q.depends_on?.db?.condition, 'service_healthy');
      assert.match(healthcheckCommand(q), new RegExp(`127\\.0\\.0\\.1:${example.listen.port}/healthz`));
      assert.ok(
        (q.volumes ?? []).includes('./quittance.json:/etc/quittance/quittance.json:ro'),
        'the config is mounted read-only where the image looks for it',
      );
      assert.ok(
        seconds(q.stop_grace_period ?? '0s') > 35,
        'stop_grace_period covers --grace (25 s) and the 10 s hard stop',
      );
    });

    it(`${name}: passes every secret the example config names`, () => {
      const refs = envRefs(example);
      assert.ok(refs.length > 0);
      for (const ref of refs) {
        assert.ok(service(name).environment?.[ref], `${ref} is set in the ${name} environment`);
      }
    });
  }

  it('the proxy waits for both instances and sits at the one address quittance trusts', () => {
    const proxy = service('proxy');
    for (const name of QUITTANCE_SERVICES) {
      assert.equal(proxy.depends_on?.[name]?.condition, 'service_healthy');
    }
    const networks = proxy.networks as Record<string, { ipv4_address?: string } | null>;
    const address = networks.backend?.ipv4_address;
    assert.ok(address, 'the proxy has a fixed address');
    assert.deepEqual(example.trustedProxies, [address]);
    const subnet = compose.networks?.backend?.ipam?.config?.[0]?.subnet ?? '';
    const prefix = subnet.split('.').slice(0, 3).join('.');
    assert.ok(address.startsWith(`${prefix}.`), `${address} lies in ${subnet}`);
    assert.ok(
      (proxy.ports ?? []).some((p) => p.endsWith(':443')),
      'HTTPS is published',
    );
  });

  it('the Caddyfile balances over both instances, checks readiness and passes the client address', () => {
    const upstreams = /reverse_proxy\s+([^{\n]+)\{/.exec(caddyfile)?.[1]?.trim().split(/\s+/) ?? [];
    assert.deepEqual(
      upstreams.sort(),
      QUITTANCE_SERVICES.map((n) => `${n}:${example.listen.port}`),
    );
    assert.match(caddyfile, /^\s*health_uri \/readyz$/m);
    assert.match(caddyfile, /^\s*lb_policy round_robin$/m);
    // Caddy sets X-Forwarded-For itself; a `header_up -X-Forwarded-For` would hide the client.
    assert.doesNotMatch(caddyfile, /header_up\s+-X-Forwarded-For/i);
    const proxyVolumes = service('proxy').volumes ?? [];
    assert.ok(proxyVolumes.includes('./Caddyfile:/etc/caddy/Caddyfile:ro'));
  });

  it('`docker compose config` (or the standalone docker-compose) accepts it', (t) => {
    // The compose plugin (v2) when present, else Debian's standalone docker-compose 1.29: both
    // validate the file against the Compose schema without a daemon.
    const plugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;
    const standalone = !plugin && spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
    if (!plugin && !standalone) {
      t.skip(
        loudSkip('docker compose config', 'neither the docker compose plugin nor docker-compose is here'),
      );
      return;
    }
    const env = {
      ...process.env,
      POSTGRES_PASSWORD: 'test-password',
      QUITTANCE_API_KEY: 'test-api-key',
      PAYZEN_TEST_KEY: 'test-key',
      PAYZEN_TEST_REST_PASSWORD: 'test-rest',
      SHOP_WEBHOOK_SECRET: 'whsec_dGVzdA==',
    };
    const file = join(DEPLOY, 'docker-compose.yml');
    const run = plugin
      ? spawnSync('docker', ['compose', '-f', file, 'config', '--quiet'], { encoding: 'utf8', env })
      : spawnSync('docker-compose', ['-f', file, 'config', '--quiet'], { encoding: 'utf8', env });
    assert.equal(run.status, 0, run.stderr);
  });
});

// ---------------------------------------------------------------------------------------------
// quittance.json.example

describe('deploy/quittance.json.example', () => {
  it('loads through the config loader with the secrets from the environment', () => {
    const env = Object.fromEntries(
      envRefs(example).map((ref) => [
        ref,
        ref === 'SHOP_WEBHOOK_SECRET' ? 'whsec_dGVzdHNlY3JldA==' : 'x'.repeat(32),
      ]),
    );
    const config = loadConfigFile(join(DEPLOY, 'quittance.json.example'), env);
    assert.equal(config.listen.host, '0.0.0.0', 'inside a container, listen on every interface');
    assert.ok(config.accounts.size > 0);
  });
});

// ---------------------------------------------------------------------------------------------
// quittance.service

type Unit = Map<string, Map<string, string[]>>;

function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = new Map();
      unit.set(header[1] as string, section);
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(section && eq > 0, `not a unit line: ${line}`);
    const key = line.slice(0, eq).trim();
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return unit;
}

describe('deploy/quittance.service', () => {
  const text = read('quittance.service');
  const unit = parseUnit(text);
  const service = unit.get('Service') ?? new Map<string, string[]>();
  const value = (key: string) => service.get(key)?.at(-1);

  it('runs `serve` as the quittance user, with secrets from an EnvironmentFile', () => {
    assert.ok(unit.has('Unit') && unit.has('Install'));
    assert.equal(value('Type'), 'simple');
    assert.equal(value('User'), 'quittance');
    assert.match(value('EnvironmentFile') ?? '', /^-?\/etc\/quittance\//);
    assert.match(
      value('ExecStart') ?? '',
      /dist\/cli\/main\.js serve --config \/etc\/quittance\/quittance\.json$/,
    );
    assert.equal(unit.get('Install')?.get('WantedBy')?.[0], 'multi-user.target');
  });

  it('restarts on failure and waits for the graceful shutdown before killing', () => {
    assert.equal(value('Restart'), 'on-failure');
    assert.equal(value('KillSignal') ?? 'SIGTERM', 'SIGTERM');
    assert.ok(
      seconds(value('TimeoutStopSec') ?? '0s') > 35,
      'TimeoutStopSec covers --grace (25 s) and the 10 s hard stop',
    );
  });

  it('is hardened, with only the SQLite directory writable', () => {
    for (const [key, expected] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['PrivateTmp', 'yes'],
      ['ProtectHome', 'yes'],
      ['PrivateDevices', 'yes'],
    ] as const) {
      assert.equal(value(key), expected, key);
    }
    assert.equal(value('ReadWritePaths'), '/var/lib/quittance');
    assert.equal(value('CapabilityBoundingSet'), '');
    // Node's JIT writes executable memory: this would kill it at start-up.
    assert.notEqual(value('MemoryDenyWriteExecute'), 'yes');
  });

  it('`systemd-analyze verify` finds nothing to say', (t) => {
    const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      t.skip(loudSkip('systemd-analyze verify', 'systemd-analyze is not installed here'));
      return;
    }
    // verify checks that ExecStart's program exists: point it at this machine's node. It exits 0 on
    // unknown keys and unparseable values (it only prints them), so any output is a failure too.
    const dir = mkdtempSync(join(tmpdir(), 'quittance-unit-'));
    try {
      const file = join(dir, 'quittance.service');
      writeFileSync(file, text.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
      const run = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(`${run.stdout}${run.stderr}`.trim(), '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Dockerfile and .dockerignore

describe('deploy/Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const runs = instructions.filter((l) => l.startsWith('RUN ')).join('\n');

  it('builds on node:20-bookworm-slim in two stages and ships without dev dependencies', () => {
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    assert.equal(froms.length, 2);
    for (const from of froms) assert.match(from, /^FROM node:20-bookworm-slim AS \w+$/);
    assert.match(runs, /\bnpm ci\b/);
    assert.match(runs, /\bnpm run build\b/);
    assert.match(runs, /\bnpm prune --omit=dev\b/);
    assert.ok(
      instructions.some((l) => /^COPY --from=build \/app\/node_modules /.test(l)),
      'the pruned node_modules is what ships',
    );
  });

  it('runs as a non-root user, checks /healthz and starts `serve` with the mounted config', () => {
    const user = instructions.filter((l) => l.startsWith('USER ')).at(-1);
    assert.ok(user, 'a USER is set');
    assert.doesNotMatch(user, /^USER (root|0)(:|$)/);
    const healthcheck = instructions.find((l) => l.startsWith('HEALTHCHECK '));
    assert.match(healthcheck ?? '', new RegExp(`127\\.0\\.0\\.1:${example.listen.port}/healthz`));
    assert.ok(instructions.includes(`EXPOSE ${example.listen.port}`));
    const cmd = instructions.filter((l) => l.startsWith('CMD ')).at(-1) ?? '';
    assert.deepEqual(JSON.parse(cmd.slice(4)), [
      'node',
      'dist/cli/main.js',
      'serve',
      '--config',
      '/etc/quittance/quittance.json',
    ]);
  });

  it('.dockerignore leaves out local state and secrets but keeps what the build copies', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const entry of ['node_modules', 'dist', '.git', '.env', '*.db', 'quittance.json']) {
      assert.ok(ignored.includes(entry), `${entry} is ignored`);
    }
    const copied = instructions
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    assert.ok(copied.length > 0);
    for (const path of copied) {
      assert.ok(!ignored.includes(path), `${path} is copied by the Dockerfile and must not be ignored`);
    }
  });
});
