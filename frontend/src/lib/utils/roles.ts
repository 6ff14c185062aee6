import type { StaffRole } from '@connecthub/backend/contract';

export const ROLE_LABELS: Record<StaffRole, string> = {
  admin: 'Administrador',
  accountant: 'Contador',
};
