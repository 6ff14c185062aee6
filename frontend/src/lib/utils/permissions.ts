import {
  DEFAULT_PORTAL_PERMISSIONS,
  PERMISSION_KEYS,
  type PermissionKey,
  type Permissions,
  type PermissionsPatch,
} from '@connecthub/backend/contract';

/** The four main features, shown first; the other nine are portal modules. */
export const MAIN_PERMISSIONS: readonly PermissionKey[] = [
  'chat',
  'documents',
  'serviceForms',
  'fiscalStatus',
];
export const MODULE_PERMISSIONS: readonly PermissionKey[] = PERMISSION_KEYS.filter(
  (k) => !MAIN_PERMISSIONS.includes(k),
);

export const PERMISSION_HINTS: Partial<Record<PermissionKey, string>> = {
  chat: 'Conversa direta com o escritório pelo portal',
  documents: 'Guias, documentos e comprovantes enviados pelo escritório',
  serviceForms: 'Abrir e acompanhar ordens de serviço',
  fiscalStatus: 'Acompanhar a situação fiscal da empresa',
  onlineStatus: 'Mostra ao cliente se há alguém do escritório online',
};

/** What a freshly integrated client gets unless staff choose otherwise (the server's own default). */
export const DEFAULT_PERMISSIONS: Permissions = DEFAULT_PORTAL_PERMISSIONS;

export function countEnabled(p: Permissions): number {
  return PERMISSION_KEYS.filter((k) => p[k]).length;
}

export type TriState = 'keep' | 'on' | 'off';
export type TriStateMap = Record<PermissionKey, TriState>;

export function allKeep(): TriStateMap {
  return Object.fromEntries(PERMISSION_KEYS.map((k) => [k, 'keep'])) as TriStateMap;
}

export function triStateToPatch(map: TriStateMap): PermissionsPatch {
  const patch: PermissionsPatch = {};
  for (const k of PERMISSION_KEYS) {
    if (map[k] !== 'keep') patch[k] = map[k] === 'on';
  }
  return patch;
}
