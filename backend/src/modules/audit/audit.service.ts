import { Injectable } from '@nestjs/common';
import type { AuditAction, AuditEntry, AuditListResponse } from '../../contract/index.js';
import type { Principal } from '../auth/principal.js';
import { AuditRepository } from './audit.repository.js';
import type { AuditDoc } from './audit.schema.js';

export function toAuditEntryDto(doc: AuditDoc): AuditEntry {
  return {
    id: String(doc._id),
    action: doc.action,
    actor: doc.actor,
    target: doc.target,
    details: doc.details ?? {},
    createdAt: doc.createdAt.toISOString(),
  };
}

export function actorOf(p: Principal): AuditDoc['actor'] {
  if (p.kind === 'staff') return { kind: 'staff', id: p.staffId, name: p.name };
  if (p.impersonator) return { kind: 'staff', id: p.impersonator.staffId, name: p.impersonator.name };
  return { kind: 'client', id: p.clientId, name: p.name };
}

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  record(
    firmId: string,
    actor: AuditDoc['actor'],
    action: AuditAction,
    target: AuditDoc['target'],
    details: Record<string, unknown> = {},
  ): Promise<void> {
    return this.audit.insert(firmId, { actor, action, target, details });
  }

  /** One write for the entries of a bulk change, all by the same actor. */
  recordMany(
    firmId: string,
    actor: AuditDoc['actor'],
    entries: { action: AuditAction; target: AuditDoc['target']; details?: Record<string, unknown> }[],
  ): Promise<void> {
    return this.audit.insertMany(
      firmId,
      entries.map((e) => ({ actor, action: e.action, target: e.target, details: e.details ?? {} })),
    );
  }

  async listForTarget(firmId: string, targetId: string): Promise<AuditListResponse> {
    const docs = await this.audit.listForTarget(firmId, targetId, 200);
    return { items: docs.map(toAuditEntryDto) };
  }
}
