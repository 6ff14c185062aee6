import { idParamSchema } from '../contract/index.js';
import { notFound } from './errors.js';

/** Ids in URLs: anything that is not an ObjectId can't name a resource, so 404 (not 400). */
export function parseId(id: string, what: string): string {
  if (!idParamSchema.safeParse(id).success) throw notFound(what);
  return id;
}
