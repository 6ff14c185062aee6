import {
  PERMISSION_KEYS,
  PERMISSION_LABELS,
  type AuditAction,
  type AuditEntry,
  type PermissionKey,
} from '@connecthub/backend/contract';
import { formatDateTime } from './format';

export const AUDIT_LABELS: Record<AuditAction, string> = {
  'client.created': 'Cliente cadastrado',
  'client.updated': 'Dados do cliente alterados',
  'client.imported': 'Cliente importado por CSV',
  'client.portal.enabled': 'Acesso ao portal ativado',
  'client.portal.disabled': 'Acesso ao portal desativado',
  'client.permissions.changed': 'Permissões alteradas',
  'client.password.viewed': 'Senha do portal visualizada',
  'client.password.reset': 'Nova senha gerada',
  'client.password.changed': 'Senha alterada pelo cliente',
  'client.blocked': 'Acesso bloqueado',
  'client.unblocked': 'Acesso desbloqueado',
  'client.impersonated': 'Área do cliente acessada pela equipe',
  'client.login.locked': 'Login travado por tentativas erradas',
  'client.login.unlocked': 'Tentativas de login desbloqueadas',
  'staff.created': 'Pessoa adicionada à equipe',
  'staff.updated': 'Dados da equipe alterados',
  'staff.password.reset': 'Senha da equipe redefinida',
  'staff.removed': 'Pessoa removida da equipe',
};

export type AuditTone = 'neutral' | 'good' | 'warn' | 'bad';

export function auditTone(action: AuditAction): AuditTone {
  switch (action) {
    case 'client.portal.enabled':
    case 'client.unblocked':
    case 'client.login.unlocked':
    case 'client.created':
    case 'client.imported':
      return 'good';
    case 'client.password.viewed':
    case 'client.password.reset':
    case 'client.impersonated':
      return 'warn';
    case 'client.blocked':
    case 'client.login.locked':
    case 'client.portal.disabled':
    case 'staff.removed':
      return 'bad';
    default:
      return 'neutral';
  }
}

function isPermissionKey(k: string): k is PermissionKey {
  return (PERMISSION_KEYS as readonly string[]).includes(k);
}

/**
 * A short human summary of an entry's details, for the keys we know how to read
 * (permission changes, renamed fields). Unknown shapes give nothing rather than raw JSON.
 */
export function auditDetails(entry: AuditEntry): string[] {
  const d = entry.details ?? {};
  const lines: string[] = [];
  const perms = (d.permissions ?? d.changes ?? null) as Record<string, unknown> | null;
  if (perms && typeof perms === 'object') {
    for (const [k, v] of Object.entries(perms)) {
      if (!isPermissionKey(k)) continue;
      if (typeof v === 'boolean') lines.push(`${PERMISSION_LABELS[k]}: ${v ? 'ativada' : 'desativada'}`);
      else if (v && typeof v === 'object' && 'to' in v) {
        lines.push(`${PERMISSION_LABELS[k]}: ${(v as { to: unknown }).to ? 'ativada' : 'desativada'}`);
      }
    }
  }
  if (typeof d.name === 'string') lines.push(`Nome: ${d.name}`);
  if (typeof d.reason === 'string') lines.push(`Motivo: ${d.reason}`);
  if (typeof d.lockedUntil === 'string') lines.push(`Travado até ${formatDateTime(d.lockedUntil)}`);
  return lines;
}
