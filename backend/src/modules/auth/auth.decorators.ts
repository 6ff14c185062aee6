import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { PermissionKey } from '../../contract/index.js';
import type { Principal } from './principal.js';

export const AUTH_RULE = 'connecthub:auth';

export interface AuthRule {
  public?: boolean;
  staff?: 'any' | 'admin';
  client?: { permission?: PermissionKey };
  /** A write that an impersonated (read-only) session may still do, e.g. logout. */
  readOnlyAllowed?: boolean;
}

/** Routes without a rule require a staff session: forgetting the decorator fails closed. */
export const Public = () => SetMetadata(AUTH_RULE, { public: true } satisfies AuthRule);
export const StaffOnly = () => SetMetadata(AUTH_RULE, { staff: 'any' } satisfies AuthRule);
export const AdminOnly = () => SetMetadata(AUTH_RULE, { staff: 'admin' } satisfies AuthRule);
export const ClientOnly = (permission?: PermissionKey) =>
  SetMetadata(AUTH_RULE, { client: { permission } } satisfies AuthRule);
export const StaffOrClient = (permission?: PermissionKey) =>
  SetMetadata(AUTH_RULE, { staff: 'any', client: { permission } } satisfies AuthRule);
export const AnySession = () =>
  SetMetadata(AUTH_RULE, { staff: 'any', client: {}, readOnlyAllowed: true } satisfies AuthRule);

export interface AuthedRequest {
  principal?: Principal;
}

export const Caller = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal =>
    ctx.switchToHttp().getRequest<AuthedRequest>().principal as Principal,
);
