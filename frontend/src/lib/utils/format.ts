/** pt-BR formatting, always in the firm's time zone (America/Sao_Paulo). */
export const TIME_ZONE = 'America/Sao_Paulo';

const dateFmt = new Intl.DateTimeFormat('pt-BR', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const dateTimeFmt = new Intl.DateTimeFormat('pt-BR', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const timeFmt = new Intl.DateTimeFormat('pt-BR', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
});
const moneyFmt = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });
const intFmt = new Intl.NumberFormat('pt-BR');

function toDate(value: string | number | Date): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** 31/12/2026 */
export function formatDate(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined) return '—';
  // A bare calendar date (YYYY-MM-DD) has no time zone: never shift it a day.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-');
    return `${d}/${m}/${y}`;
  }
  const d = toDate(value);
  return d ? dateFmt.format(d) : '—';
}

/** 31/12/2026 14:05 */
export function formatDateTime(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const d = toDate(value);
  return d ? dateTimeFmt.format(d).replace(',', '') : '—';
}

/** 14:05 */
export function formatTime(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const d = toDate(value);
  return d ? timeFmt.format(d) : '—';
}

/** R$ 1.234,56 (non-breaking space after R$, as Intl writes it). */
export function formatMoneyCents(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '—';
  return moneyFmt.format(cents / 100);
}

export function formatInt(n: number): string {
  return intFmt.format(n);
}

/** "2026-05" or "05/2026" → "05/2026" (competência). */
export function formatCompetence(value: string | null | undefined): string {
  if (!value) return '—';
  const iso = /^(\d{4})-(\d{2})/.exec(value);
  return iso ? `${iso[2]}/${iso[1]}` : value;
}

/** "1 não lida", "3 não lidas": one pt-BR plural for the server's texts and the UI. */
export { plural, pluralWord } from '@connecthub/backend/contract';

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = parts[0][0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1][0] ?? '') : '';
  return (first + last).toUpperCase();
}

const weekdayFmt = new Intl.DateTimeFormat('pt-BR', { timeZone: TIME_ZONE, weekday: 'short' });
const DAY_MS = 86_400_000;

/**
 * Inbox-style time of an event: "agora", "há 5 min", "14:05" (today), "ontem", "qua." (this
 * week), else 31/12/2026. Calendar days are the firm's (America/Sao_Paulo).
 */
export function formatRelative(value: string | number | Date | null | undefined, now = Date.now()): string {
  if (value === null || value === undefined) return '';
  const d = toDate(value);
  if (!d) return '';
  const diff = now - d.getTime();
  if (diff < 60_000) return 'agora';
  if (diff < 3_600_000) return `há ${Math.floor(diff / 60_000)} min`;
  const day = dateFmt.format(d);
  if (day === dateFmt.format(now)) return timeFmt.format(d);
  if (day === dateFmt.format(now - DAY_MS)) return 'ontem';
  if (diff < 6 * DAY_MS) return weekdayFmt.format(d);
  return day;
}

/** How long something has waited: "há menos de 1 min", "há 12 min", "há 3 h 12 min", "há 2 d 4 h". */
export function formatWaiting(seconds: number): string {
  const minutes = Math.floor(Math.max(0, seconds) / 60);
  if (minutes < 1) return 'há menos de 1 min';
  if (minutes < 60) return `há ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `há ${hours} h ${minutes % 60} min` : `há ${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `há ${days} d ${hours % 24} h` : `há ${days} d`;
}

/** The day separator of a conversation: "Hoje · 31/12/2026", "Ontem · 30/12/2026" or 29/12/2026. */
export function formatDayLabel(value: string | number | Date, now = Date.now()): string {
  const d = toDate(value);
  if (!d) return '—';
  const day = dateFmt.format(d);
  if (day === dateFmt.format(now)) return `Hoje · ${day}`;
  if (day === dateFmt.format(now - DAY_MS)) return `Ontem · ${day}`;
  return day;
}

/** 340 KB, 1,2 MB (binary units, as file managers show them). */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${formatInt(bytes)} B`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${formatInt(Math.round(kb))} KB`;
  const mb = kb / 1024;
  return `${mb.toLocaleString('pt-BR', { maximumFractionDigits: mb < 10 ? 1 : 0 })} MB`;
}
