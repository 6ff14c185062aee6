import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { validationFailed } from './errors.js';

/** Validates a body, query or param against a contract schema; the parsed value goes on. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (!result.success) {
      const first = result.error.issues[0];
      const where = first.path.length ? `${first.path.join('.')}: ` : '';
      throw validationFailed(
        `${where}${first.message}`,
        result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    return result.data;
  }
}
