import type { Permissions } from '@connecthub/backend/contract';
import type { IconName } from '$lib/components/Icon.svelte';
import { canSeeDocuments } from '$lib/utils/documents';

/** The portal's tabs, each its own route: /@{slug}/app/{key}. */
export const PORTAL_TABS = ['inicio', 'processos', 'servicos', 'chat'] as const;
export type PortalTab = (typeof PORTAL_TABS)[number];

export interface TabDef {
  key: PortalTab;
  label: string;
  icon: IconName;
}

const DEFS: readonly TabDef[] = [
  { key: 'inicio', label: 'Início', icon: 'home' },
  { key: 'processos', label: 'Processos', icon: 'folder' },
  { key: 'servicos', label: 'Serviços', icon: 'briefcase' },
  { key: 'chat', label: 'Chat', icon: 'message' },
];

/** Whether the client's permissions open this tab (the server enforces the same on each call). */
export function tabAllowed(p: Permissions, tab: PortalTab): boolean {
  switch (tab) {
    case 'inicio':
      return true;
    case 'processos':
      return canSeeDocuments(p) || p.sendGuides;
    case 'servicos':
      return p.serviceForms;
    case 'chat':
      return p.chat;
  }
}

export function visibleTabs(p: Permissions): TabDef[] {
  return DEFS.filter((t) => tabAllowed(p, t.key));
}

/** The tab a route id belongs to ("/@[slug]/app/processos" → "processos"). */
export function tabOfRoute(routeId: string | null): PortalTab | null {
  const m = /\/app\/([a-z]+)/.exec(routeId ?? '');
  return m && (PORTAL_TABS as readonly string[]).includes(m[1]) ? (m[1] as PortalTab) : null;
}
