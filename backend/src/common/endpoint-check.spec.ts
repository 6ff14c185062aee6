import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allEndpoints, endpoint } from '../contract/index.js';
import { checkEndpoints } from './endpoint-check.js';
import { parseInput } from './endpoint.decorator.js';

const a = endpoint({ method: 'GET', path: '/a', summary: 'a', access: { kind: 'anyone' } });
const b = endpoint({ method: 'POST', path: '/b', summary: 'b', access: { kind: 'staff' } });
const table = [
  { name: 'x.a', def: a },
  { name: 'x.b', def: b },
];

describe('checkEndpoints', () => {
  it('passes when every route has its definition, mapped once', () => {
    expect(() =>
      checkEndpoints(
        [
          { name: 'C.a', def: a },
          { name: 'C.b', def: b },
        ],
        table,
      ),
    ).not.toThrow();
  });

  it('fails for a table entry that is not mapped, or mapped twice', () => {
    expect(() => checkEndpoints([{ name: 'C.a', def: a }], table)).toThrow(
      /api\.x\.b \(POST \/b\) is mapped 0 times/,
    );
    expect(() =>
      checkEndpoints(
        [
          { name: 'C.a', def: a },
          { name: 'D.a', def: a },
          { name: 'C.b', def: b },
        ],
        table,
      ),
    ).toThrow(/api\.x\.a \(GET \/a\) is mapped 2 times/);
  });

  it('fails for a mapped route without a definition, or with one outside the table', () => {
    const extra = endpoint({ method: 'GET', path: '/c', summary: 'c', access: { kind: 'anyone' } });
    const both = [
      { name: 'C.a', def: a },
      { name: 'C.b', def: b },
    ];
    expect(() => checkEndpoints([...both, { name: 'C.raw', def: undefined }], table)).toThrow(
      /C\.raw is mapped without @Endpoint/,
    );
    expect(() => checkEndpoints([...both, { name: 'C.c', def: extra }], table)).toThrow(/C\.c maps GET \/c/);
  });

  it('the contract table has no two entries on the same method and path', () => {
    const keys = allEndpoints().map(({ def }) => `${def.method} ${def.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('parseInput', () => {
  const def = endpoint({
    method: 'PUT',
    path: '/things/:id',
    summary: 't',
    access: { kind: 'staff' },
    params: z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) }),
    resource: 'Thing',
    body: z.object({ n: z.number() }),
  });

  it('answers 400 VALIDATION_FAILED for a bad body, before looking at the path', () => {
    expect(() => parseInput(def, { params: { id: 'x' }, query: {}, body: { n: 'no' } })).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/^n: /),
      }),
    );
  });

  it('answers 404 "<resource> not found" for a malformed path parameter', () => {
    expect(() => parseInput(def, { params: { id: 'x' }, query: {}, body: { n: 1 } })).toThrow(
      expect.objectContaining({ status: 404, code: 'NOT_FOUND', message: 'Thing not found' }),
    );
  });
});
