import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  HttpCode,
  RequestMapping,
  RequestMethod,
  SetMetadata,
} from '@nestjs/common';
import type { Request } from 'express';
import type { z } from 'zod';
import type { EndpointDef } from '../contract/index.js';
import { notFound, validationFailed } from './errors.js';

export const ENDPOINT_DEF = 'connecthub:endpoint';

/**
 * Maps a handler to its contract definition: the route (under the global `/api` prefix),
 * its success status, and the access rule the global guard enforces.
 */
export const Endpoint = (def: EndpointDef) =>
  applyDecorators(
    SetMetadata(ENDPOINT_DEF, def),
    RequestMapping({ path: def.path, method: RequestMethod[def.method] }),
    HttpCode(def.status ?? 200),
  );

/** The definition a handler was mapped with (undefined for a route mapped another way). */
export function endpointOf(handler: object): EndpointDef | undefined {
  return Reflect.getMetadata(ENDPOINT_DEF, handler) as EndpointDef | undefined;
}

function parseOrFail(schema: z.ZodType, value: unknown): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const where = first.path.length ? `${first.path.join('.')}: ` : '';
  throw validationFailed(
    `${where}${first.message}`,
    result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

/**
 * The request's query, body and path parameters, parsed with the handler's definition:
 * a malformed query or body is 400 VALIDATION_FAILED (checked first), a malformed path
 * parameter names nothing, so 404 NOT_FOUND.
 */
export function parseInput(def: EndpointDef, req: Pick<Request, 'params' | 'query' | 'body'>) {
  const query = def.query ? parseOrFail(def.query, req.query) : undefined;
  const body = def.body ? parseOrFail(def.body, req.body) : undefined;
  let params: unknown = undefined;
  if (def.params) {
    const result = def.params.safeParse(req.params);
    if (!result.success) throw notFound(def.resource);
    params = result.data;
  }
  return { params, query, body };
}

/** `EndpointInput<typeof def>` of the handler's `@Endpoint(def)`. */
export const Input = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const def = endpointOf(ctx.getHandler());
  if (!def) throw new Error(`@Input() on ${ctx.getClass().name}.${ctx.getHandler().name} without @Endpoint`);
  return parseInput(def, ctx.switchToHttp().getRequest<Request>());
});
