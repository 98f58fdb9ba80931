import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import type { z } from 'zod';
import { QuittanceError } from '../core/errors.js';
import type { AnyGatewayAdapter } from '../gateways/gateway.js';
import { findAdapter, gatewayIds } from '../gateways/registry.js';
import { type AccountConfig, type Config, configSchema } from './schema.js';

export interface ResolvedAccount {
  readonly id: string;
  readonly gateway: string;
  readonly mode: 'test' | 'live';
  readonly credentials: unknown;
  readonly adapter: AnyGatewayAdapter;
  /** null: any source address is accepted. */
  readonly allowlist: BlockList | null;
  readonly allowRefundedForRepurchase: boolean;
  readonly shop: Omit<AccountConfig['shop'], 'webhookSecret'> & { readonly webhookSecret?: string };
}

export interface ResolvedConfig extends Omit<Config, 'apiKeys' | 'accounts'> {
  readonly apiKeys: readonly string[];
  readonly accounts: ReadonlyMap<string, ResolvedAccount>;
  readonly trustedProxyList: BlockList;
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfigFile(path: string, env: Env = process.env): ResolvedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new QuittanceError('CONFIG_INVALID', `cannot read config file ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new QuittanceError(
      'CONFIG_INVALID',
      `config file ${path} is not valid JSON: ${(e as Error).message}`,
    );
  }
  const config = resolveConfig(json, env);
  // Deployments name the database in the environment (it holds a password); it wins over the file.
  const database = env.QUITTANCE_DATABASE_URL;
  return database ? { ...config, database } : config;
}

/** Validates a config object, resolves `{ "env": … }` secrets and each account's credentials. */
export function resolveConfig(input: unknown, env: Env = process.env): ResolvedConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw configError(parsed.error);
  const config = parsed.data;
  const apiKeys = config.apiKeys.map((secret, i) => resolveSecret(secret, `apiKeys[${i}]`, env));
  const accounts = new Map<string, ResolvedAccount>();
  config.accounts.forEach((account, i) => {
    accounts.set(account.id, resolveAccount(account, `accounts[${i}]`, env));
  });
  return {
    ...config,
    apiKeys,
    accounts,
    trustedProxyList: blockList(config.trustedProxies, 'trustedProxies'),
  };
}

function resolveAccount(account: AccountConfig, where: string, env: Env): ResolvedAccount {
  const adapter = findAdapter(account.gateway);
  if (!adapter) {
    throw new QuittanceError(
      'CONFIG_INVALID',
      `${where}.gateway: unknown gateway "${account.gateway}" (known: ${gatewayIds().join(', ')})`,
    );
  }
  const raw = Object.fromEntries(
    Object.entries(account.credentials).map(([k, v]) => [
      k,
      isEnvRef(v) ? resolveSecret(v, `${where}.credentials.${k}`, env) : v,
    ]),
  );
  const credentials = adapter.credentialsSchema.safeParse(raw);
  if (!credentials.success) throw configError(credentials.error, `${where}.credentials`);
  const problem = adapter.accountProblem?.({
    id: account.id,
    gateway: account.gateway,
    mode: account.mode,
    credentials: credentials.data,
  });
  if (problem !== undefined) throw new QuittanceError('CONFIG_INVALID', `${where}: ${problem}`);
  const allowed = account.allowedIps === true ? adapter.sourceIps : account.allowedIps;
  return {
    id: account.id,
    gateway: account.gateway,
    mode: account.mode,
    credentials: credentials.data,
    adapter,
    allowlist: allowed ? blockList(allowed, `${where}.allowedIps`) : null,
    allowRefundedForRepurchase: account.allowRefundedForRepurchase,
    shop: resolveShop(account.shop, `${where}.shop`, env),
  };
}

function resolveShop(shop: AccountConfig['shop'], where: string, env: Env): ResolvedAccount['shop'] {
  const { webhookSecret, ...rest } = shop;
  if (webhookSecret === undefined) return rest;
  const secret = resolveSecret(webhookSecret, `${where}.webhookSecret`, env);
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret)) {
    throw new QuittanceError('CONFIG_INVALID', `${where}.webhookSecret: must be whsec_ followed by base64`);
  }
  return { ...rest, webhookSecret: secret };
}

function isEnvRef(v: unknown): v is { env: string } {
  return typeof v === 'object' && v !== null && typeof (v as { env?: unknown }).env === 'string';
}

function resolveSecret(secret: string | { env: string }, where: string, env: Env): string {
  if (typeof secret === 'string') return secret;
  const value = env[secret.env];
  if (value === undefined || value === '') {
    throw new QuittanceError('CONFIG_INVALID', `${where}: environment variable ${secret.env} is not set`);
  }
  return value;
}

/** Addresses and CIDR ranges, IPv4 or IPv6. */
export function blockList(entries: readonly string[], where: string): BlockList {
  const list = new BlockList();
  entries.forEach((entry, i) => {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    if (family === 0)
      throw new QuittanceError(
        'CONFIG_INVALID',
        `${where}[${i}]: "${entry}" is not an IP address or CIDR range`,
      );
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
    } else {
      const bits = Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
        throw new QuittanceError('CONFIG_INVALID', `${where}[${i}]: "${entry}" has an invalid prefix length`);
      }
      list.addSubnet(address, bits, type);
    }
  });
  return list;
}

function configError(error: z.ZodError, prefix?: string): QuittanceError {
  const lines = error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    const field = `${prefix ?? ''}${path}`.replace(/^\./, '') || '(root)';
    return `${field}: ${issue.message}`;
  });
  return new QuittanceError('CONFIG_INVALID', `invalid configuration:\n  ${lines.join('\n  ')}`, {
    issues: lines,
  });
}
