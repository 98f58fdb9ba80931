/**
 * Where the server's time goes during one phase of the bench, from a V8 CPU profile of the server
 * process (`npm run bench -- --cpu-prof-dir DIR`). Each sample is put in the first bucket whose rule
 * matches its stack; native code called from JS (SQLite's C code, fsync included) shows up as time in
 * the calling JS function, which is how the SQLite buckets are found.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface Bucket {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

type Stack = readonly CallFrame[];

const leafIs = (stack: Stack, fn: string, urlPart: string) =>
  stack[0]?.functionName === fn && (stack[0]?.url.includes(urlPart) ?? false);
const anyUrl = (stack: Stack, pattern: RegExp) => stack.some((f) => pattern.test(f.url));

const RULES: ReadonlyArray<readonly [string, (stack: Stack) => boolean]> = [
  ['idle (waiting for requests)', (s) => s[0]?.functionName === '(idle)'],
  ['garbage collection', (s) => s[0]?.functionName === '(garbage collector)'],
  [
    'SQLite COMMIT (native: WAL write + fsync)',
    (s) =>
      leafIs(s, 'executeQuery', 'sqlite-driver') && s.some((f) => f.functionName === 'commitTransaction'),
  ],
  ['SQLite other statements (native)', (s) => leafIs(s, 'executeQuery', 'sqlite-driver')],
  [
    'better-sqlite3 prepare (a fresh statement per query)',
    (s) => s.some((f) => f.functionName === 'prepare' && f.url.includes('better-sqlite3')),
  ],
  // The innermost frame with a script: a builtin (Object.freeze…) called from Kysely counts as Kysely.
  ['Kysely (build, compile, driver)', (s) => s.find((f) => f.url !== '')?.url.includes('/kysely/') ?? false],
  [
    'gateway adapter (Lyra: form decode, HMAC, mapping; Mollie: form decode)',
    (s) => anyUrl(s, /\/src\/gateways\//),
  ],
  [
    'engine, store repos, core (ids, settle, row mapping…)',
    (s) => anyUrl(s, /\/src\/(engine|store|core|jobs)\//),
  ],
  [
    'HTTP (node:http, @hono/node-server, Hono, web Request/streams)',
    (s) => anyUrl(s, /hono|undici|webstreams|_http_|\/src\/http\//),
  ],
  ['other', () => true],
];

/** The main-thread profile (thread id 0) written in `dir` by `--cpu-prof`. */
export function findMainThreadProfile(dir: string): string | undefined {
  const file = readdirSync(dir).find((name) => /\.\d+\.0\.\d+\.cpuprofile$/.test(name));
  return file ? join(dir, file) : undefined;
}

/**
 * Buckets the samples taken between `fromMicros` and `toMicros` (process.hrtime in µs: V8 stamps its
 * samples with the same monotonic clock, in every process of the machine).
 */
export function breakdown(file: string, fromMicros: number, toMicros: number): Bucket[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const stackCache = new Map<number, Stack>();
  const stackOf = (id: number): Stack => {
    const cached = stackCache.get(id);
    if (cached) return cached;
    const stack: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const node = byId.get(at);
      if (node) stack.push(node.callFrame);
    }
    stackCache.set(id, stack);
    return stack;
  };
  const totals = new Map<string, number>();
  let total = 0;
  let time = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i] ?? 0;
    if (time < fromMicros || time > toMicros) continue;
    // A sample stands for the time until the next one.
    const weight = profile.timeDeltas[i + 1] ?? 0;
    const stack = stackOf(profile.samples[i] as number);
    const rule = RULES.find(([, matches]) => matches(stack));
    const name = rule ? rule[0] : 'other';
    totals.set(name, (totals.get(name) ?? 0) + weight);
    total += weight;
  }
  return [...totals]
    .map(([name, micros]) => ({ name, ms: micros / 1000, share: total > 0 ? micros / total : 0 }))
    .sort((a, b) => b.ms - a.ms);
}
