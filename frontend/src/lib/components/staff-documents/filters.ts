import {
  DOCUMENT_CATEGORIES,
  DOCUMENT_STATUSES,
  type DocumentCategory,
  type DocumentStatus,
} from '@connecthub/backend/contract';
import { resolve } from '$app/paths';
import { competenceOf } from './labels';

export const PAGE_SIZE = 50;

export interface DocumentFilters {
  clientId: string | null;
  category: DocumentCategory | null;
  status: DocumentStatus | null;
  competence: string | null;
  unopened: boolean;
  page: number;
}

function oneOf<T extends string>(list: readonly T[], v: string | null): T | null {
  return (list as readonly string[]).includes(v ?? '') ? (v as T) : null;
}

/** The filters live in the address: a filtered list can be shared, reloaded and gone Back to. */
export function parseFilters(url: URL): DocumentFilters {
  const q = url.searchParams;
  const clientId = q.get('clientId');
  const competence = q.get('competence');
  return {
    clientId: clientId && /^[0-9a-f]{24}$/.test(clientId) ? clientId : null,
    category: oneOf(DOCUMENT_CATEGORIES, q.get('category')),
    status: oneOf(DOCUMENT_STATUSES, q.get('status')),
    competence: competence && /^\d{4}-\d{2}$/.test(competence) ? competence : null,
    unopened: q.get('unopened') === 'true',
    page: Math.max(1, Math.floor(Number(q.get('page'))) || 1),
  };
}

/** The address of the list with these filters (page back to 1 unless given). */
export function filtersHref(f: Partial<DocumentFilters>): string {
  const q = new URLSearchParams();
  if (f.clientId) q.set('clientId', f.clientId);
  if (f.category) q.set('category', f.category);
  if (f.status) q.set('status', f.status);
  if (f.competence) q.set('competence', f.competence);
  if (f.unopened) q.set('unopened', 'true');
  if (f.page && f.page > 1) q.set('page', String(f.page));
  const qs = q.toString();
  return qs ? `${resolve('/documentos')}?${qs}` : resolve('/documentos');
}

/** "Quem não abriu as guias deste mês?": guias of last month's competência (due this month), unopened. */
export function unopenedThisMonth(clientId: string | null = null): Partial<DocumentFilters> {
  return { clientId, category: 'guia', competence: competenceOf(-1), unopened: true };
}
