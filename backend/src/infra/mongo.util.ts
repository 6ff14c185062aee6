import type { Model, Types } from 'mongoose';

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

// Stored search fields (clients' searchKey) are written with the search module's folding.
export { searchKey } from '../common/search.js';

/**
 * A tenant-scoped lookup by id. FerretDB v1 (our dev/CI server) uses an index
 * only when the filter is exactly {_id} and scans the collection for anything
 * more (measured: 11 ms vs 66 ms at 3,000 documents), so the firm is checked on
 * the document instead of in the filter; the result is the same on MongoDB.
 */
export async function findByIdInFirm<T extends { firmId: Types.ObjectId }>(
  model: Model<T>,
  id: string | Types.ObjectId,
  firmId: string,
): Promise<T | null> {
  const doc = await model.findById(id).lean<T>().exec();
  return doc && String(doc.firmId) === firmId ? doc : null;
}
