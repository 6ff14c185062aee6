import { Injectable } from '@nestjs/common';
import { type ChangeOwnPasswordRequest, ErrorCode, type MeResponse } from '../../contract/index.js';
import { AppError, unauthenticated } from '../../common/errors.js';
import { verifyPassword } from '../../common/secrets.js';
import { AuditService, actorOf } from '../audit/audit.service.js';
import type { ClientPrincipal } from '../auth/principal.js';
import { ClientsService } from '../clients/clients.service.js';
import { FirmsService } from '../firms/firms.service.js';
import { SessionsService } from '../sessions/sessions.service.js';

@Injectable()
export class PortalService {
  constructor(
    private readonly clients: ClientsService,
    private readonly firms: FirmsService,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
  ) {}

  async me(caller: ClientPrincipal): Promise<MeResponse> {
    const [client, firm] = await Promise.all([
      this.clients.findById(caller.firmId, caller.clientId),
      this.firms.findById(caller.firmId),
    ]);
    if (!client || !firm) throw unauthenticated();
    return {
      client: { id: String(client._id), cnpj: client.cnpj, name: client.name },
      firm: { name: firm.name, slug: firm.slug },
      permissions: client.permissions,
      conversationId: client.conversationId ? String(client.conversationId) : null,
      impersonation: caller.impersonator ? { staffName: caller.impersonator.name } : null,
    };
  }

  async changePassword(caller: ClientPrincipal, input: ChangeOwnPasswordRequest): Promise<void> {
    const client = await this.clients.findById(caller.firmId, caller.clientId);
    if (!client?.portal.passwordHash) throw unauthenticated();
    if (!(await verifyPassword(client.portal.passwordHash, input.currentPassword))) {
      throw new AppError(400, ErrorCode.InvalidCredentials, 'A senha atual não confere');
    }
    await this.clients.setOwnPassword(caller.firmId, caller.clientId, input.newPassword);
    await this.audit.record(caller.firmId, actorOf(caller), 'client.password.changed', {
      kind: 'client',
      id: caller.clientId,
    });
    // Whoever held the old password is out; this session stays.
    await this.sessions.endOtherSessions(caller);
  }
}
