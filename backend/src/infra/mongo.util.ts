/**
 * A unique index refused the write. MongoDB says E11000 for inserts and
 * updates; FerretDB v1 says E11000 for inserts but, for an update, an
 * InternalError (code 1) whose message carries SQLite's "UNIQUE constraint failed".
 */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: number; message?: string } | undefined;
  if (e?.code === 11000) return true;
  return e?.code === 1 && /UNIQUE constraint failed/.test(e.message ?? '');
}

/** Escapes user text for use inside a $regex. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lowercase, accents stripped: what search compares against. */
export function searchKey(...parts: string[]): string {
  return parts
    .join(' ')
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}
