import {
  CLOSED_STATUSES,
  type FormField,
  formatCpf,
  formatPhone,
  parseCnpj,
  SERVICE_ORDER_STATUS_LABELS,
  type ServiceOrder,
  type ServiceOrderStatus,
} from '@connecthub/backend/contract';
import { maskCnpjInput } from './cnpj';
import { formatDate, formatMoneyCents, plural } from './format';

export const statusLabel = (s: ServiceOrderStatus): string => SERVICE_ORDER_STATUS_LABELS[s];

export const isClosed = (s: ServiceOrderStatus): boolean => CLOSED_STATUSES.includes(s);

/** "Prazo: 5 dias úteis" (a form's SLA, as the portal offers it), or null when the firm promises none. */
export function slaPrazo(days: number | null): string | null {
  if (days === null) return null;
  return `Prazo: ${plural(days, 'dia útil', 'dias úteis')}`;
}

/** Orders needing the client first (aguardando cliente), then the others still open, then closed; newest first within each. */
export function sortForClient(items: readonly ServiceOrder[]): ServiceOrder[] {
  const rank = (o: ServiceOrder) => (o.status === 'waiting_client' ? 0 : isClosed(o.status) ? 2 : 1);
  return [...items].sort((a, b) => rank(a) - rank(b) || (a.createdAt < b.createdAt ? 1 : -1));
}

/**
 * Reais as a person types them → integer cents: "1.234,56" → 123456, "1234.5" → 123450,
 * "R$ 10" → 1000. Null when it isn't an amount (the caller keeps the text, and the shared
 * validator says why).
 */
export function parseMoneyInput(input: string): number | null {
  let s = input.replace(/R\$|\s/g, '');
  if (s === '' || !/^\d[\d.,]*$/.test(s)) return null;
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  const grouped = (int: string) => !int.includes('.') || /^\d{1,3}(\.\d{3})+$/.test(int);
  if (lastComma >= 0) {
    // pt-BR: dots group thousands, one comma marks the decimals.
    const int = s.slice(0, lastComma);
    if (int.includes(',') || !grouped(int)) return null;
    s = int.replace(/\./g, '') + '.' + s.slice(lastComma + 1);
  } else if (lastDot >= 0 && s.length - lastDot - 1 !== 3) {
    // "1234.5" or "10.00": a decimal point typed the English way ("1.234" stays thousands).
    const int = s.slice(0, lastDot);
    if (int.includes('.')) return null;
    s = int + '.' + s.slice(lastDot + 1);
  } else {
    if (!grouped(s)) return null;
    s = s.replace(/\./g, '');
  }
  if (!/^\d+(\.\d{0,2})?$/.test(s)) return null;
  const [int, dec = ''] = s.split('.');
  return Number(int) * 100 + Number(dec.padEnd(2, '0'));
}

/** Cents → what the money input shows: 123456 → "1.234,56". */
export function formatMoneyInput(cents: number): string {
  return (cents / 100).toLocaleString('pt-BR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** How an input shows a stored answer (a resumed draft keeps CNPJ/CPF/phone as digits). */
export function answerToText(field: FormField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field.type === 'money' && typeof value === 'number') return formatMoneyInput(value);
  if (typeof value === 'number') return String(value).replace('.', ',');
  if (typeof value !== 'string') return '';
  if (field.type === 'cpf' && /^\d{11}$/.test(value)) return formatCpf(value);
  if (field.type === 'phone' && /^\d{10,11}$/.test(value)) return formatPhone(value);
  if (field.type === 'cnpj') return maskCnpjInput(value);
  return value;
}

/** One answer as the order page shows it; files are listed apart (they are links). */
export function formatAnswer(field: FormField, value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  switch (field.type) {
    case 'money':
      return typeof value === 'number' ? formatMoneyCents(value) : String(value);
    case 'number':
      return typeof value === 'number' ? value.toLocaleString('pt-BR') : String(value);
    case 'date':
      return typeof value === 'string' ? formatDate(value) : String(value);
    case 'yesno':
      return value === true ? 'Sim' : value === false ? 'Não' : String(value);
    case 'cpf':
      return typeof value === 'string' ? formatCpf(value) : String(value);
    case 'phone':
      return typeof value === 'string' ? formatPhone(value) : String(value);
    case 'cnpj': {
      const s = String(value);
      return parseCnpj(s) ? maskCnpjInput(s) : s;
    }
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/** Answers worth sending: empty inputs are left out (the validator treats them as unanswered). */
export function compactAnswers(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) continue;
    out[k] = v;
  }
  return out;
}

/**
 * `details` of a 400 VALIDATION_FAILED (or the `issues` of the contract's `checkAnswers`) →
 * messages by field key (`answers.<key>`), the first for each.
 */
export function answerErrors(details: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { path, message } of rawIssues(details)) {
    const m = /^answers\.([a-z][a-z0-9_]*)$/.exec(path);
    if (m && typeof message === 'string' && !out[m[1]]) out[m[1]] = message;
  }
  return out;
}

/** Ids of the elements a field's input gets (label `for`, error `aria-describedby`, focus on submit). */
export const fieldInputId = (key: string) => `svc-input-${key}`;
export const fieldErrorId = (key: string) => `svc-error-${key}`;
export const fieldHelpId = (key: string) => `svc-help-${key}`;

// ---- staff app ----

/** What a file answer or a reply may attach (the server's list). */
export const SERVICE_FILE_ACCEPT = '.pdf,image/*,.doc,.docx,.xls,.xlsx,.xml';
/** Why an upload for a form or a reply was refused. */
export const SERVICE_UPLOAD_ERRORS = {
  UNSUPPORTED_FILE: 'Tipo de arquivo não aceito. Envie PDF, imagem, Word, Excel ou XML.',
  PAYLOAD_TOO_LARGE: 'Arquivo grande demais.',
};

/** "OS nº 12" */
export const orderNumber = (n: number): string => `OS nº ${n}`;

/** "5 dias úteis", "1 dia útil", or "Sem prazo". */
export function slaLabel(days: number | null): string {
  if (!days) return 'Sem prazo';
  return days === 1 ? '1 dia útil' : `${days} dias úteis`;
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
  return rawIssues(details).map(({ path, message }) => ({
    path,
    message: typeof message === 'string' ? message : 'Valor inválido',
  }));
}

/** Each object of `details` with its path joined with dots (an Issue's path is already a string). */
function rawIssues(details: unknown): { path: string; message: unknown }[] {
  if (!Array.isArray(details)) return [];
  const out: { path: string; message: unknown }[] = [];
  for (const d of details) {
    if (!d || typeof d !== 'object') continue;
    const { path, message } = d as { path?: unknown; message?: unknown };
    out.push({ path: Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '', message });
  }
  return out;
}
