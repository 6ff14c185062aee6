import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allEndpoints } from '../../src/contract/index.js';
import { EndpointCheck } from '../../src/common/endpoint-check.js';
import { openApiPath } from '../../src/openapi.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every `METHOD /path` Express routes, in OpenAPI's `{param}` form; Swagger's own pages aside. */
function expressRoutes(t: TestApp): string[] {
  const express = t.app.getHttpAdapter().getInstance() as {
    router?: { stack: Layer[] };
    _router?: { stack: Layer[] };
  };
  const stack = (express.router ?? express._router)?.stack ?? [];
  return stack
    .filter((l) => l.route && !l.route.path.startsWith('/api/docs'))
    .flatMap((l) =>
      Object.keys(l.route!.methods)
        .filter((m) => m !== '_all')
        .map((m) => `${m.toUpperCase()} ${l.route!.path.replace(/:(\w+)/g, '{$1}')}`),
    )
    .sort();
}

describe('endpoints: one table for routes and docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('endpoints');
  });
  afterAll(async () => {
    await t.close();
  });

  it('documents exactly the routes Nest maps', async () => {
    const res = await t.http().get('/api/docs/openapi.json').expect(200);
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const routes = expressRoutes(t);
    expect(routes.length).toBeGreaterThan(30);
    expect(documented).toEqual(routes);
    expect(documented).toEqual(
      allEndpoints()
        .map(({ def }) => `${def.method} ${openApiPath(def.path)}`)
        .sort(),
    );
  });

  it('checked at boot that every mapped handler is a table entry, each once', () => {
    const mapped = t.app.get(EndpointCheck).mappedHandlers();
    expect(mapped.map((m) => m.def)).toEqual(expect.arrayContaining(allEndpoints().map((e) => e.def)));
    expect(mapped).toHaveLength(allEndpoints().length);
  });

  it('states who may call each endpoint and its error codes', async () => {
    const res = await t.http().get('/api/docs/openapi.json').expect(200);
    const op = res.body.paths['/api/clients/{id}/portal/password'].get;
    expect(op.description).toBe('Who: staff');
    expect(op.responses['409'].description).toContain('PASSWORD_SET_BY_CLIENT');
    expect(res.body.paths['/api/me/service-orders'].get.description).toBe(
      'Who: client (client needs `serviceForms`)',
    );
    // Multipart endpoints name their parts.
    expect(JSON.stringify(res.body.paths['/api/documents/batches'].post)).toContain('multipart/form-data');
  });
});
