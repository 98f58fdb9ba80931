#!/usr/bin/env node
// The npm registry mirror this project is built against serves only the Linux builds of packages that
// ship one binary package per platform (Biome). `npm install` then leaves the other platforms out of
// package-lock.json, and `npm ci` refuses the lock as "out of sync". This adds the missing entries,
// marked optional and for their own os/cpu, so npm ci skips them here and installs them elsewhere.
// Run after any `npm install` that rewrites the lock: node scripts/lock-foreign-optionals.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const PLATFORM = /cli-(android|darwin|linux|win32)-(arm64|x64)(-musl)?$/;
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const m = PLATFORM.exec(name);
    if (lock.packages[key] || !m) continue;
    lock.packages[key] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [m[1]],
      cpu: [m[2]],
      ...(m[3] ? { libc: ['musl'] } : {}),
      license: entry.license,
      engines: entry.engines,
    };
    added++;
    void path;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} foreign-platform optional entries`);
