import {
  CATEGORY_LABELS,
  type Document,
  type DocumentCategory,
  GUIA_TYPE_LABELS,
  type GuiaType,
  type MessageDocument,
  type Permissions,
  STATUS_LABELS,
} from '@connecthub/backend/contract';
import { formatCompetence, formatDate, formatMoneyCents, plural, TIME_ZONE } from './format';

/**
 * pt-BR wording of guias and documents, shared by the portal lists, the chat card and the
 * staff screens. Pure functions: dates are calendar days of the firm (America/Sao_Paulo).
 */

/** What every document view needs: the chat message's `document` or a full Document. */
export type DocumentLike = MessageDocument | Document;

export const formatBRL = formatMoneyCents;
export { formatCompetence };

/** "YYYY-MM-DD" → "31/12/2026"; null → "—". */
export function formatDueDate(ymd: string | null | undefined): string {
  return formatDate(ymd ?? null);
}

const todayFmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today in São Paulo as "YYYY-MM-DD". */
export function todayYmd(now: number | Date = Date.now()): string {
  return todayFmt.format(now);
}

/** Whole calendar days from `from` to `to` (both "YYYY-MM-DD"). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A guia still to be paid (pending or overdue), with a date. */
export function isOpenGuia(d: Pick<DocumentLike, 'category' | 'status'>): boolean {
  return d.category === 'guia' && (d.status === 'pending' || d.status === 'overdue');
}

/** The last day the guia can be paid: "pagar até" when printed, else the due date. */
export function lastPayDay(d: Pick<DocumentLike, 'dueDate'> & { payUntil?: string | null }): string | null {
  return d.payUntil ?? d.dueDate ?? null;
}

export type DueState = 'overdue' | 'soon' | 'ok';
/** Days before the due date from which a guia shows as "vence em breve". */
export const SOON_DAYS = 5;

/**
 * Where an open guia stands against its last day ("pagar até", else the due date): overdue
 * (past it, or the server says so), soon (within SOON_DAYS days), ok. Null for paid/replaced guias and other documents.
 */
export function dueState(
  d: Pick<DocumentLike, 'category' | 'status' | 'dueDate'> & { payUntil?: string | null },
  now: number | Date = Date.now(),
): DueState | null {
  if (!isOpenGuia(d)) return null;
  if (d.status === 'overdue') return 'overdue';
  // A reissued guia is paid until its "pagar até", past the printed due date.
  const last = lastPayDay(d);
  if (!last) return 'ok';
  const days = daysBetween(todayYmd(now), last);
  if (days < 0) return 'overdue';
  if (days <= SOON_DAYS) return 'soon';
  return 'ok';
}

/** "vence hoje", "vence amanhã", "vence em 3 dias", "venceu há 2 dias". */
export function dueRelative(dueDate: string | null, now: number | Date = Date.now()): string {
  if (!dueDate) return '';
  const days = daysBetween(todayYmd(now), dueDate);
  if (days === 0) return 'vence hoje';
  if (days === 1) return 'vence amanhã';
  if (days === -1) return 'venceu ontem';
  if (days > 1) return `vence em ${countLabel(days, 'dia', 'dias')}`;
  return `venceu há ${countLabel(-days, 'dia', 'dias')}`;
}

/**
 * "1 guia pendente" / "2 guias pendentes" (pt-BR, see `plural`; zero reads as plural).
 * `zero`, when given, replaces the count 0 ("Nenhuma guia pendente").
 */
export function countLabel(n: number, one: string, other: string, zero?: string): string {
  if (n === 0 && zero !== undefined) return zero;
  return plural(n, one, other);
}

/** The type of a guia ("DAS – Simples Nacional") or the category of anything else ("Certidão"). */
export function documentKindLabel(d: Pick<DocumentLike, 'category' | 'type'>): string {
  if (d.category === 'guia') return d.type ? GUIA_TYPE_LABELS[d.type] : CATEGORY_LABELS.guia;
  return CATEGORY_LABELS[d.category];
}

export function statusLabel(d: Pick<DocumentLike, 'status'>): string | null {
  return d.status ? STATUS_LABELS[d.status] : null;
}

/** The pill colour of a guia: red overdue, amber soon, blue pending, green paid, grey replaced. */
export function statusTone(
  d: Pick<DocumentLike, 'category' | 'status' | 'dueDate'> & { payUntil?: string | null },
  now: number | Date = Date.now(),
): 'red' | 'amber' | 'blue' | 'green' | 'plain' {
  if (d.status === 'paid') return 'green';
  if (d.status === 'replaced' || !d.status) return 'plain';
  const s = dueState(d, now);
  if (s === 'overdue') return 'red';
  if (s === 'soon') return 'amber';
  return 'blue';
}

/** Open guias, the most urgent first (by due date; undated last). */
export function pendingGuias<T extends DocumentLike>(docs: readonly T[]): T[] {
  return docs.filter(isOpenGuia).sort((a, b) => {
    const da = a.dueDate ?? '9999-12-31';
    const db = b.dueDate ?? '9999-12-31';
    return da === db ? a.title.localeCompare(b.title, 'pt-BR') : da < db ? -1 : 1;
  });
}

// ---------- linha digitável ----------

/**
 * The digits the client pastes into the bank app: the linha the server read and checked
 * (FEBRABAN check digits, on the server); null for PIX-only guias.
 */
export function linhaDigits(d: { linhaDigitavel?: string | null }): string | null {
  const given = (d.linhaDigitavel ?? '').replace(/\D/g, '');
  return given.length === 48 ? given : null;
}

/** "85800000000-1 23450328202-8 …": 4 groups of 12 digits as printed on the guia. */
export function formatLinhaDigitavel(value: string | null | undefined): string {
  const d = (value ?? '').replace(/\D/g, '');
  if (d.length !== 48) return d;
  const groups: string[] = [];
  for (let i = 0; i < 4; i++) groups.push(`${d.slice(i * 12, i * 12 + 11)}-${d[i * 12 + 11]}`);
  return groups.join(' ');
}

// ---------- filters (Processos) ----------

export type DocumentFilter =
  | 'all'
  | 'guias'
  | 'das'
  | 'gps'
  | 'fgts'
  | 'darf'
  | 'parcelamento'
  | 'certidoes'
  | 'comprovantes'
  | 'enviados'
  | 'outros';

const GUIA_FILTER_TYPES: Partial<Record<DocumentFilter, GuiaType[]>> = {
  das: ['das', 'das-mei'],
  gps: ['gps'],
  fgts: ['fgts'],
  darf: ['darf'],
  parcelamento: ['parcelamento'],
};
const OTHER_CATEGORIES: DocumentCategory[] = ['relatorio', 'declaracao', 'contrato', 'folha', 'outros'];

export interface FilterDef {
  key: DocumentFilter;
  label: string;
  /** Empty state: what will appear under this chip. */
  empty: string;
}

export const DOCUMENT_FILTERS: readonly FilterDef[] = [
  { key: 'all', label: 'Todos', empty: 'Quando o escritório enviar guias e documentos, eles aparecem aqui.' },
  {
    key: 'guias',
    label: 'Guias',
    empty: 'Quando o escritório enviar guias para pagamento, elas aparecem aqui.',
  },
  {
    key: 'das',
    label: 'DAS',
    empty: 'Quando o escritório enviar guias do Simples Nacional, elas aparecem aqui.',
  },
  {
    key: 'gps',
    label: 'INSS/GPS',
    empty: 'Quando o escritório enviar guias do INSS (GPS), elas aparecem aqui.',
  },
  {
    key: 'fgts',
    label: 'FGTS',
    empty: 'Quando o escritório enviar guias do FGTS Digital, elas aparecem aqui.',
  },
  { key: 'darf', label: 'DARF', empty: 'Quando o escritório enviar DARFs, eles aparecem aqui.' },
  {
    key: 'parcelamento',
    label: 'Parcelamentos',
    empty: 'Quando o escritório enviar guias de parcelamento, elas aparecem aqui.',
  },
  {
    key: 'certidoes',
    label: 'Certidões',
    empty: 'Quando o escritório enviar certidões negativas, elas aparecem aqui.',
  },
  {
    key: 'comprovantes',
    label: 'Comprovantes',
    empty: 'Os comprovantes de pagamento que você anexar e os que o escritório enviar aparecem aqui.',
  },
  {
    key: 'enviados',
    label: 'Enviados por você',
    empty: 'Os arquivos que você enviar ao escritório aparecem aqui.',
  },
  {
    key: 'outros',
    label: 'Outros',
    empty: 'Relatórios, declarações, contratos e folhas de pagamento enviados pelo escritório aparecem aqui.',
  },
];

export function matchesFilter(d: Document, filter: DocumentFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'enviados') return d.origin === 'client';
  if (filter === 'guias') return d.category === 'guia';
  if (filter === 'certidoes') return d.category === 'certidao';
  if (filter === 'comprovantes') return d.category === 'comprovante';
  if (filter === 'outros') return OTHER_CATEGORIES.includes(d.category);
  const types = GUIA_FILTER_TYPES[filter] ?? [];
  return d.category === 'guia' && d.type !== null && types.includes(d.type);
}

/** Chips a client may see: DAS with `dasSimples`/`dasMei`, the rest with `documents`. */
export function visibleFilters(p: Pick<Permissions, 'documents' | 'dasSimples' | 'dasMei' | 'sendGuides'>) {
  return DOCUMENT_FILTERS.filter((f) => {
    if (f.key === 'das') return p.dasSimples || p.dasMei;
    if (f.key === 'all') return true;
    if (f.key === 'enviados') return p.documents || p.sendGuides;
    if (f.key === 'guias') return p.documents || p.dasSimples || p.dasMei;
    return p.documents;
  });
}

/** Whether the client can see any document at all (else the api answers 403 PERMISSION_DENIED). */
export function canSeeDocuments(p: Pick<Permissions, 'documents' | 'dasSimples' | 'dasMei'>): boolean {
  return p.documents || p.dasSimples || p.dasMei;
}

export function isFilter(value: string | null): value is DocumentFilter {
  return DOCUMENT_FILTERS.some((f) => f.key === value);
}
