import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ErrorCode } from '../../contract/index.js';
import { AppError, forbidden, unauthenticated } from '../../common/errors.js';
import { endpointOf } from '../../common/endpoint.decorator.js';
import type { AuthedRequest } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { SESSION_COOKIE } from './session-cookie.js';

export function tokenFromRequest(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
  // cookie-parser turns `j:`-prefixed values into JSON (objects, numbers): only a string is a token.
  const cookie = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof cookie === 'string' && cookie ? cookie : undefined;
}

/** Global guard: resolves the session, then applies the access rule of the route's definition. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    // Socket events authenticate in the realtime module (handshake, then per event).
    if (ctx.getType() !== 'http') return true;
    // The boot check (EndpointCheck) refuses to start with a route that has no definition.
    const access = endpointOf(ctx.getHandler())?.access;
    if (!access) throw forbidden('This route has no endpoint definition');
    if (access.kind === 'anyone') return true;

    const req = ctx.switchToHttp().getRequest<Request & AuthedRequest>();
    const token = tokenFromRequest(req);
    if (!token) throw unauthenticated();
    const principal = await this.auth.authenticate(token);

    if (principal.kind === 'staff') {
      if (access.kind === 'client') throw forbidden('This endpoint is for clients');
      if (access.kind === 'admin' && principal.role !== 'admin') throw forbidden('Admins only');
    } else {
      if (access.kind === 'staff' || access.kind === 'admin') throw forbidden('This endpoint is for staff');
      const needed = 'permission' in access ? access.permission : undefined;
      if (needed && !principal.permissions[needed]) {
        throw new AppError(403, ErrorCode.PermissionDenied, `Permission "${needed}" is not granted`);
      }
      if (principal.impersonator && req.method !== 'GET' && access.kind !== 'anySession') {
        throw new AppError(403, ErrorCode.ReadOnlySession, 'Impersonated sessions are read-only');
      }
    }
    req.principal = principal;
    return true;
  }
}
