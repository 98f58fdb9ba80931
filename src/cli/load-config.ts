import { loadConfigFile, type ResolvedConfig, resolveConfig } from '../config/load.js';

/** --config, else $QUITTANCE_CONFIG, else defaults (no account, no API key). */
export function loadCliConfig(options: { config?: string | undefined; db?: string | undefined }): {
  config: ResolvedConfig;
  source: string;
} {
  const path = options.config ?? process.env.QUITTANCE_CONFIG;
  const base = path ? loadConfigFile(path) : resolveConfig({});
  const database = options.db ?? process.env.QUITTANCE_DATABASE_URL ?? base.database;
  return { config: { ...base, database }, source: path ?? '(defaults)' };
}
