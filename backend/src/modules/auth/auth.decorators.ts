import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal.js';

export interface AuthedRequest {
  principal?: Principal;
}

/** The session the guard resolved (routes whose access is `anyone` have none). */
export const Caller = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal =>
    ctx.switchToHttp().getRequest<AuthedRequest>().principal as Principal,
);
