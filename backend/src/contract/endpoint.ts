import type { z } from 'zod';
import type { ErrorCode, PermissionKey } from './common.js';

/**
 * Who may call an endpoint. The api's guard enforces it, the OpenAPI document states it,
 * and nothing else repeats it.
 */
export type Access =
  | { kind: 'anyone' }
  | { kind: 'staff' }
  | { kind: 'admin' }
  /** A client session; `permission` must be granted. */
  | { kind: 'client'; permission?: PermissionKey }
  /** Staff, or a client holding `permission`. */
  | { kind: 'staffOrClient'; permission?: PermissionKey }
  /** Any session; a read-only (impersonated) one may call it even when it writes (logout). */
  | { kind: 'anySession' };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One HTTP endpoint, defined once: the api registers, authorizes and validates the route
 * from it, the OpenAPI document is built from it, and the frontend calls it by it.
 * `path` is under `/api` and names its parameters `:id`-style, each with a schema in `params`.
 */
export interface EndpointDef<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HttpMethod;
  path: string;
  summary: string;
  access: Access;
  /** Path parameters; one that fails its schema names nothing: 404 `<resource> not found`. */
  params?: P;
  /** What the path's parameters name, for that 404 message (`Resource` unless given). */
  resource?: string;
  query?: Q;
  /** A JSON body. */
  body?: B;
  /** A multipart body, read by the handler as a stream (its fields are described here). */
  multipart?: { fields: Record<string, string> };
  /** The JSON response; absent for 204 and for file downloads (`file: true`). */
  response?: R;
  /** The response is a file stream (Content-Disposition: attachment). */
  file?: boolean;
  /** Success status (200 unless given). */
  status?: 200 | 201 | 202 | 204;
  /** Error codes this endpoint can answer besides the ones every endpoint can. */
  errors?: readonly ErrorCode[];
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type In<S> = S extends z.ZodType ? z.input<S> : undefined;
/* eslint-disable @typescript-eslint/no-explicit-any -- only the matched slot matters */
type ParamsOf<E> = E extends EndpointDef<infer P, any, any, any> ? P : never;
type QueryOf<E> = E extends EndpointDef<any, infer Q, any, any> ? Q : never;
type BodyOf<E> = E extends EndpointDef<any, any, infer B, any> ? B : never;
type ResponseOf<E> = E extends EndpointDef<any, any, any, infer R> ? R : never;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** What a handler receives, parsed. */
export interface EndpointInput<E extends EndpointDef> {
  params: Out<ParamsOf<E>>;
  query: Out<QueryOf<E>>;
  body: Out<BodyOf<E>>;
}

/** What a caller sends (before defaults and coercion). */
export type EndpointRequest<E extends EndpointDef> = ([ParamsOf<E>] extends [z.ZodType]
  ? { params: In<ParamsOf<E>> }
  : { params?: undefined }) &
  ([QueryOf<E>] extends [z.ZodType] ? { query?: In<QueryOf<E>> } : { query?: undefined }) &
  ([BodyOf<E>] extends [z.ZodType] ? { body: In<BodyOf<E>> } : { body?: undefined });

/** What the endpoint answers on success. */
export type EndpointResponse<E extends EndpointDef> = Out<ResponseOf<E>>;

/** Keeps the literal types of a definition (so inputs and outputs can be inferred from it). */
export const endpoint = <
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(
  def: EndpointDef<P, Q, B, R>,
): EndpointDef<P, Q, B, R> => def;

/** `/clients/:id/portal` with `{id: 'x'}` → `/clients/x/portal`. */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}
