/**
 * The import rule between layers (DESIGN.md, "Layout"), checked on every .ts/.tsx file under src/.
 * Test files (*.test.ts, *.test.tsx) are exempt from every rule here.
 *
 * Every import is read from the TypeScript syntax tree (so comments and strings never count):
 * `import … from`, `import type … from`, `export … from`, side-effect `import '…'`, `import('…')`,
 * `import x = require('…')`, `require('…')` and type-level `import('…').T`.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

// ---------------------------------------------------------------------------------------------
// The rule

const INNER = ['core', 'gateways', 'store', 'jobs', 'engine'] as const;
const SUPPORT = ['config', 'observability'] as const;
const OUTER = ['http', 'cli', 'dashboard', 'doctor', 'simulator'] as const;
/** Files directly in src/ (a library entry point, say) sit outside like the tools. */
const ROOT_LAYER = '(src)';
/** A file of ours outside src/ (package.json, test helpers...). */
const OUTSIDE = '(outside src)';

type Layer = (typeof INNER)[number] | (typeof SUPPORT)[number] | (typeof OUTER)[number] | typeof ROOT_LAYER;
const LAYERS: readonly Layer[] = [...INNER, ...SUPPORT, ...OUTER, ROOT_LAYER];
const EVERYTHING: readonly string[] = [...LAYERS, OUTSIDE];

/** What each layer may import of ours (itself included). */
const MAY_IMPORT: Readonly<Record<Layer, readonly string[]>> = {
  core: ['core'],
  gateways: ['core', 'gateways'],
  store: ['core', 'store'],
  // The queue writes its rows in the caller's transaction, so it needs the store's table types;
  // DESIGN.md said jobs imports only core, ARCHITECTURE.md records this change.
  jobs: ['core', 'store', 'jobs'],
  engine: ['core', 'gateways', 'store', 'jobs', 'engine', 'config', 'observability'],
  // Not spelled out by DESIGN.md: config reads the adapters' credential schemas (gateways), both
  // may use core; neither may reach engine or the outer layers.
  config: ['core', 'gateways', 'config', 'observability'],
  observability: ['core', 'config', 'observability'],
  http: EVERYTHING,
  cli: EVERYTHING,
  dashboard: EVERYTHING,
  doctor: EVERYTHING,
  // The simulator is a fake gateway: it must speak the protocols on its own, so that a bug in an
  // adapter is not mirrored by the fake. It may borrow the signing code only (see below).
  simulator: EVERYTHING.filter((l) => l !== 'gateways'),
  [ROOT_LAYER]: EVERYTHING,
};

/**
 * src/simulator may import src/gateways/<protocol>/signature.ts or seal.ts (it signs as the gateway does) and
 * the protocol-neutral helpers of gateways/_shared (the form codec, tested on its own).
 */
function isExempt(fromLayer: Layer, target: string): boolean {
  return (
    fromLayer === 'simulator' &&
    (/^gateways\/[^/]+\/(signature|seal)(\.[cm]?[jt]sx?)?$/.test(target) ||
      /^gateways\/_shared\//.test(target))
  );
}

/** Node builtins core may use: pure computation, no I/O, no clock, no randomness. */
const CORE_PURE_BUILTINS = new Set(['buffer', 'path', 'querystring', 'string_decoder', 'url', 'util']);

/** Calls that read the clock, randomness or the environment: forbidden in core's source. */
const CORE_IMPURE: ReadonlyArray<readonly [string, RegExp]> = [
  ['Date.now()', /\bDate\s*\.\s*now\b/],
  ['new Date()', /\bnew\s+Date\s*\(\s*\)|\bnew\s+Date\b(?!\s*\()/],
  ['Date()', /(?<!\bnew\s+)(?<![\w$.])Date\s*\(/],
  ['Math.random()', /\bMath\s*\.\s*random\b/],
  ['performance.now()', /\bperformance\s*\.\s*now\b/],
  ['crypto random', /\bcrypto\s*\.\s*(getRandomValues|randomUUID|randomBytes|randomInt)\b/],
  ['process.env / process.hrtime', /\bprocess\s*\.\s*(env|hrtime|uptime|cwd)\b/],
  ['fetch()', /(?<![\w$.])fetch\s*\(/],
  ['timers', /(?<![\w$.])(setTimeout|setInterval|setImmediate)\s*\(/],
];

// ---------------------------------------------------------------------------------------------
// Reading files

interface Import {
  /** The specifier as written, or the expression's text for a computed dynamic import. */
  readonly specifier: string;
  /** False for `import(expr)` whose argument is not a plain string. */
  readonly literal: boolean;
}

function importsOf(fileName: string, text: string): Import[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const found: Import[] = [];
  const add = (node: ts.Node | undefined) => {
    if (!node) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      found.push({ specifier: node.text, literal: true });
    } else {
      found.push({ specifier: node.getText(sf), literal: false });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isImport || isRequire) add(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Code without comments, for the purity regexes. */
function codeOf(fileName: string, text: string): string {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return ts.createPrinter({ removeComments: true }).printFile(sf);
}

const isTestFile = (path: string) => /\.test\.[cm]?tsx?$/.test(path);
const isSource = (path: string) => /\.[cm]?tsx?$/.test(path);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(path);
    return isSource(entry.name) ? [path] : [];
  });
}

/** Every non-test source file under src/, as posix paths relative to src/. */
function sourceFiles(): string[] {
  return walk(SRC)
    .map((f) => relative(SRC, f).split('\\').join('/'))
    .filter((f) => !isTestFile(f))
    .sort();
}

function layerOf(srcRelative: string): Layer | undefined {
  const parts = srcRelative.split('/');
  if (parts.length === 1) return ROOT_LAYER;
  return LAYERS.find((l) => l === parts[0]);
}

// ---------------------------------------------------------------------------------------------
// Judging one import

/**
 * Why `specifier`, imported from `file` (posix, relative to src/), breaks the rule; undefined when it
 * does not.
 */
function violation(file: string, imp: Import): string | undefined {
  const from = layerOf(file);
  if (from === undefined) return `${file} is in a folder the import rule does not know`;
  const allowed = MAY_IMPORT[from];
  const restricted = allowed !== EVERYTHING;

  if (!imp.literal) {
    return restricted ? `${from} may not import a computed specifier: it cannot be checked` : undefined;
  }
  const spec = imp.specifier;

  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = posix.normalize(
      spec.startsWith('/') ? spec : posix.join(posix.dirname(`src/${file}`), spec),
    );
    const inSrc = target.startsWith('src/') ? target.slice('src/'.length) : undefined;
    const to = inSrc === undefined ? OUTSIDE : (layerOf(inSrc) ?? `(unknown folder ${inSrc.split('/')[0]})`);
    if (allowed.includes(to)) return undefined;
    if (inSrc !== undefined && isExempt(from, inSrc)) return undefined;
    if (from === 'simulator' && to === 'gateways')
      return 'the simulator may borrow only gateways/*/signature.ts and gateways/_shared';
    return `${from} may not import ${to}; it may import ${allowed.join(', ')}`;
  }

  if (spec.startsWith('#') || spec === 'quittance' || spec.startsWith('quittance/')) {
    return restricted
      ? `${from} may not import ours through a package alias: use a relative path`
      : undefined;
  }

  if (from === 'core' && isBuiltin(spec)) {
    const name = spec.replace(/^node:/, '').split('/')[0] ?? spec;
    if (!CORE_PURE_BUILTINS.has(name)) return 'core may not use a Node builtin that does I/O';
  }
  return undefined;
}

function violationsOf(file: string, text: string): string[] {
  return importsOf(file, text).flatMap((imp) => {
    const why = violation(file, imp);
    return why === undefined ? [] : [`src/${file} → ${imp.specifier}   (${why})`];
  });
}

function impuritiesOf(file: string, text: string): string[] {
  const code = codeOf(file, text);
  return CORE_IMPURE.filter(([, re]) => re.test(code)).map(([what]) => `src/${file} → ${what}`);
}

// ---------------------------------------------------------------------------------------------
// The tree

describe('architecture: the import rule on src/', () => {
  const files = sourceFiles();

  it('finds the source files', () => {
    assert.ok(
      files.some((f) => f.startsWith('core/')),
      'no file under src/core: is the test looking at the right folder?',
    );
    assert.ok(existsSync(join(SRC, 'core', 'settle.ts')));
  });

  it('puts every source folder in a layer of the rule', () => {
    const unknown = [...new Set(files.filter((f) => layerOf(f) === undefined).map((f) => f.split('/')[0]))];
    assert.deepEqual(unknown, [], `folders under src/ the rule does not know: ${unknown.join(', ')}`);
  });

  it('has every import follow the layer rule', () => {
    const violations = files.flatMap((f) => violationsOf(f, readFileSync(join(SRC, f), 'utf8')));
    assert.equal(
      violations.length,
      0,
      `${violations.length} import(s) break the rule:\n${violations.join('\n')}`,
    );
  });

  it('keeps core pure: no clock, randomness, environment, network or timers in its source', () => {
    const impure = files
      .filter((f) => f.startsWith('core/'))
      .flatMap((f) => impuritiesOf(f, readFileSync(join(SRC, f), 'utf8')));
    assert.equal(impure.length, 0, `core reads the world:\n${impure.join('\n')}`);
  });
});

describe('architecture: the checker itself', () => {
  const check = (file: string, source: string) => violationsOf(file, source).length;

  it('reads every form of import, and ignores comments and strings', () => {
    const source = [
      "import a from './a.js';",
      "import type { B } from './b.js';",
      "import {\n  c,\n  d,\n} from './c.js';",
      "import './side-effect.js';",
      "export * from './e.js';",
      "export { f } from './f.js';",
      "const g = await import('./g.js');",
      'const h = await import(`./h.js`);',
      "type I = import('./i.js').I;",
      "import j = require('./j.js');",
      "// import k from './k.js';",
      "/* export * from './l.js'; */",
      'const m = "import n from \'./n.js\'";',
    ].join('\n');
    assert.deepEqual(
      importsOf('x.ts', source).map((i) => i.specifier),
      [
        './a.js',
        './b.js',
        './c.js',
        './side-effect.js',
        './e.js',
        './f.js',
        './g.js',
        './h.js',
        './i.js',
        './j.js',
      ],
    );
  });

  it('reads .tsx files', () => {
    const source = "import { Page } from '../engine/x.js';\nexport const P = () => <div>{'import'}</div>;";
    assert.deepEqual(
      importsOf('p.tsx', source).map((i) => i.specifier),
      ['../engine/x.js'],
    );
  });

  it('keeps core to itself and to pure builtins', () => {
    assert.equal(check('core/settle.ts', "import { x } from './money.js';"), 0);
    assert.equal(check('core/settle.ts', "import { x } from '../engine/ingest.js';"), 1);
    assert.equal(check('core/settle.ts', "import type { X } from '../store/schema.js';"), 1);
    assert.equal(check('core/settle.ts', "import x from '../../package.json';"), 1);
    for (const io of ['node:fs', 'fs', 'node:fs/promises', 'node:net', 'node:http', 'https', 'node:crypto']) {
      assert.equal(check('core/ids.ts', `import x from '${io}';`), 1, io);
    }
    assert.equal(check('core/ids.ts', "import { inspect } from 'node:util';"), 0);
  });

  it('lets gateways, store and jobs import only core and themselves', () => {
    assert.equal(check('gateways/lyra/verify.ts', "import { money } from '../../core/index.js';"), 0);
    assert.equal(
      check('gateways/lyra/verify.ts', "import { decodeForm } from '../_shared/form-codec.js';"),
      0,
    );
    assert.equal(check('gateways/lyra/signature.ts', "import { createHmac } from 'node:crypto';"), 0);
    assert.equal(check('gateways/lyra/verify.ts', "import { x } from '../../store/db.js';"), 1);
    assert.equal(check('store/db.ts', "import { x } from '../jobs/queue.js';"), 1);
    assert.equal(check('store/db.ts', "import { x } from '../config/load.js';"), 1);
    assert.equal(check('jobs/queue.ts', "import type { Database } from '../store/schema.js';"), 0);
    assert.equal(check('jobs/queue.ts', "import { logger } from '../observability/logger.js';"), 1);
    assert.equal(check('jobs/queue.ts', "const m = await import('../engine/x.js');"), 1);
    assert.equal(check('jobs/queue.ts', 'const m = await import(name);'), 1);
  });

  it('lets engine compose the inner layers but not reach out', () => {
    assert.equal(
      check(
        'engine/ingest.ts',
        [
          "import '../core/index.js';",
          "import '../gateways/registry.js';",
          "import '../store/db.js';",
          "import '../jobs/queue.js';",
          "import '../config/load.js';",
          "import '../observability/logger.js';",
        ].join('\n'),
      ),
      0,
    );
    for (const outer of OUTER) {
      assert.equal(check('engine/ingest.ts', `import x from '../${outer}/x.js';`), 1, outer);
    }
    assert.equal(check('engine/ingest.ts', "import x from '../index.js';"), 1);
  });

  it('lets the outer layers import everything, the simulator only the signing code and shared helpers of gateways', () => {
    assert.equal(check('http/app.ts', "import '../engine/engine.js';\nimport '../store/db.js';"), 0);
    assert.equal(check('cli/main.ts', "import '../http/app.js';\nimport '../simulator/lyra/index.js';"), 0);
    assert.equal(check('cli/main.ts', "import pkg from '../../package.json' with { type: 'json' };"), 0);
    assert.equal(
      check('simulator/lyra/fields.ts', "import { lyraSignature } from '../../gateways/lyra/signature.js';"),
      0,
    );
    assert.equal(
      check('simulator/lyra/fields.ts', "import { verify } from '../../gateways/lyra/verify.js';"),
      1,
    );
    assert.equal(
      check('simulator/lyra/fields.ts', "import { x } from '../../gateways/_shared/form-codec.js';"),
      0,
    );
    assert.equal(check('simulator/lyra/fields.ts', "import { engine } from '../../engine/engine.js';"), 0);
  });

  it('does not let the inner layers use config or observability', () => {
    for (const inner of ['core', 'gateways', 'store', 'jobs']) {
      assert.equal(check(`${inner}/x.ts`, "import '../config/load.js';"), 1, inner);
      assert.equal(check(`${inner}/x.ts`, "import '../observability/logger.js';"), 1, inner);
    }
  });

  it('flags an unknown folder', () => {
    assert.equal(check('utils/x.ts', "import './y.js';"), 1);
  });

  it('catches the clock and randomness in core, not in comments', () => {
    assert.equal(impuritiesOf('core/x.ts', 'const t = Date.now();').length, 1);
    assert.equal(impuritiesOf('core/x.ts', 'const t = new Date();').length, 1);
    assert.equal(impuritiesOf('core/x.ts', 'const t = new Date;').length, 1);
    assert.equal(impuritiesOf('core/x.ts', 'const t = Date();').length, 1);
    assert.equal(impuritiesOf('core/x.ts', 'const r = Math.random();').length, 1);
    assert.equal(impuritiesOf('core/x.ts', 'const d = new Date(ms);').length, 0);
    assert.equal(
      impuritiesOf('core/x.ts', '// never calls Date.now() nor Math.random()\nconst a = 1;').length,
      0,
    );
    assert.equal(impuritiesOf('core/x.ts', '/** new Date() */\nexport const b = 2;').length, 0);
  });
});
