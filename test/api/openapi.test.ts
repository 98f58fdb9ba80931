import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { type TestEngine, testEngine } from '../../src/engine/testkit.js';
import { createApi } from '../../src/http/api/app.js';
import { createApp } from '../../src/http/app.js';

describe('GET /openapi.json', () => {
  let t: TestEngine;
  let doc: {
    openapi: string;
    info: { version: string };
    paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  };
  before(async () => {
    t = await testEngine();
    const res = await createApp(t.engine).request('/openapi.json');
    assert.equal(res.status, 200);
    doc = (await res.json()) as typeof doc;
  });
  after(() => t.close());

  it('is a valid OpenAPI 3.1 document with bearer security and the error component', async () => {
    const result = await new Validator().validate(structuredClone(doc) as never);
    assert.equal(result.valid, true, JSON.stringify(result.errors));
    assert.equal(doc.openapi, '3.1.0');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    assert.equal(doc.info.version, pkg.version, "info.version is the package's version");
    assert.deepEqual(doc.components.securitySchemes.bearer, {
      type: 'http',
      scheme: 'bearer',
      description: (doc.components.securitySchemes.bearer as { description: string }).description,
    });
    assert.ok(doc.components.schemas.Error, 'the error shape is a component');
  });

  it('documents every route registered on the /api app, each with a summary and a 401', () => {
    const { api } = createApi(t.engine, 'test');
    const registered = api.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} /api${r.path.replace(/:([^/]+)/g, '{$1}')}`);
    assert.ok(registered.length >= 18, `${registered.length} routes`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    );
    assert.deepEqual([...new Set(registered)].sort(), [...documented].sort());
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(op.summary, `${method} ${path} has a summary`);
        assert.ok(op.responses['401'], `${method} ${path} documents 401`);
      }
    }
  });
});
