import { type FormField, formatCnpj, formatCpf, formatPhone } from '@connecthub/backend/contract';
import { formatDate, formatMoneyCents } from './format';

/** Serviços: how orders and answers read in pt-BR, and the form builder's key rules. */

/** "OS nº 12" */
export const orderNumber = (n: number): string => `OS nº ${n}`;

/** "5 dias úteis", "1 dia útil", or "Sem prazo". */
export function slaLabel(days: number | null): string {
  if (!days) return 'Sem prazo';
  return days === 1 ? '1 dia útil' : `${days} dias úteis`;
}

/** One answer as people read it; files are handled by the caller (they are links). */
export function formatAnswer(field: FormField, value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  switch (field.type) {
    case 'money':
      return typeof value === 'number' ? formatMoneyCents(value) : String(value);
    case 'date':
      return typeof value === 'string' ? formatDate(value) : String(value);
    case 'yesno':
      return value === true ? 'Sim' : value === false ? 'Não' : String(value);
    case 'cnpj':
      return typeof value === 'string' ? formatCnpj(value) : String(value);
    case 'cpf':
      return typeof value === 'string' ? formatCpf(value) : String(value);
    case 'phone':
      return typeof value === 'string' ? formatPhone(value) : String(value);
    case 'number':
      return typeof value === 'number' ? value.toLocaleString('pt-BR') : String(value);
    default:
      return String(value);
  }
}

/**
 * A field key from its label: "Data de início" → "data_de_inicio" (lowercase ASCII, accents
 * dropped, anything else _, starts with a letter, at most 40), different from `taken`.
 */
export function keyFromLabel(label: string, taken: Iterable<string> = []): string {
  let base = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  if (!base) base = 'campo';
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) {
    const suffix = `_${i}`;
    const candidate = base.slice(0, 40 - suffix.length).replace(/_+$/, '') + suffix;
    if (!used.has(candidate)) return candidate;
  }
}

export interface Issue {
  path: string;
  message: string;
}

/** The `details` of a VALIDATION_FAILED as `{path: "a.b.0", message}` (paths joined with dots). */
export function issuesOf(details: unknown): Issue[] {
  if (!Array.isArray(details)) return [];
  const out: Issue[] = [];
  for (const d of details) {
    if (!d || typeof d !== 'object') continue;
    const { path, message } = d as { path?: unknown; message?: unknown };
    const p = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '';
    out.push({ path: p, message: typeof message === 'string' ? message : 'Valor inválido' });
  }
  return out;
}

/** Errors by answer key from issues whose path is `answers.<key>`. */
export function answerErrors(issues: Issue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const m = /^answers\.(.+)$/.exec(i.path);
    if (m && !out[m[1]]) out[m[1]] = i.message;
  }
  return out;
}
