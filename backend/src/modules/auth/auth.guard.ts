import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ErrorCode } from '../../contract/index.js';
import { AppError, forbidden, unauthenticated } from '../../common/errors.js';
import { AUTH_RULE, type AuthRule, type AuthedRequest } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { SESSION_COOKIE } from './session-cookie.js';

export function tokenFromRequest(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
  // cookie-parser turns `j:`-prefixed values into JSON (objects, numbers): only a string is a token.
  const cookie = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof cookie === 'string' && cookie ? cookie : undefined;
}

/** Global guard: resolves the session, then applies the route's rule. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    // Socket events authenticate in the realtime module (handshake, then per event).
    if (ctx.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AuthRule | undefined>(AUTH_RULE, [
      ctx.getHandler(),
      ctx.getClass(),
    ]) ?? { staff: 'any' };
    if (rule.public) return true;

    const req = ctx.switchToHttp().getRequest<Request & AuthedRequest>();
    const token = tokenFromRequest(req);
    if (!token) throw unauthenticated();
    const principal = await this.auth.authenticate(token);

    if (principal.kind === 'staff') {
      if (!rule.staff) throw forbidden('This endpoint is for clients');
      if (rule.staff === 'admin' && principal.role !== 'admin') throw forbidden('Admins only');
    } else {
      if (!rule.client) throw forbidden('This endpoint is for staff');
      const needed = rule.client.permission;
      if (needed && !principal.permissions[needed]) {
        throw new AppError(403, ErrorCode.PermissionDenied, `Permission "${needed}" is not granted`);
      }
      if (principal.impersonator && req.method !== 'GET' && !rule.readOnlyAllowed) {
        throw new AppError(403, ErrorCode.ReadOnlySession, 'Impersonated sessions are read-only');
      }
    }
    req.principal = principal;
    return true;
  }
}
