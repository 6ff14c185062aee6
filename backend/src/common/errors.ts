import { ErrorCode } from '../contract/index.js';

/** A failure the caller can act on; the error filter maps it to the contract's shape. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what = 'Resource') => new AppError(404, ErrorCode.NotFound, `${what} not found`);
export const unauthenticated = () => new AppError(401, ErrorCode.Unauthenticated, 'Authentication required');
export const forbidden = (message = 'Not allowed') => new AppError(403, ErrorCode.Forbidden, message);
export const validationFailed = (message: string, details?: unknown) =>
  new AppError(400, ErrorCode.ValidationFailed, message, details);
