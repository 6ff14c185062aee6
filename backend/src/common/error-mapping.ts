import { randomUUID } from 'node:crypto';
import { HttpException, type Logger } from '@nestjs/common';
import { type AckError, ErrorCode, type ErrorBody } from '../contract/index.js';
import { isUnavailable, unavailable } from '../infra/unavailable.js';
import { AppError } from './errors.js';

const HTTP_CODES: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  413: ErrorCode.PayloadTooLarge,
};

/**
 * The one mapping of a failure to the contract's error, for the HTTP filter and socket acks
 * alike: domain errors as they are, framework and body-parser errors by status, an outage of
 * Redis or the database as UNAVAILABLE (a warning, no stack: retry the same request), and
 * anything else as a 500 INTERNAL whose `errorId` is in the logged stack.
 */
export function toErrorBody(err: unknown, logger: Logger): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, details: err.details } },
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    // Nest's own exceptions: unmatched routes, body-parser limits and syntax errors.
    return {
      status,
      body: { error: { code: HTTP_CODES[status] ?? ErrorCode.HttpError, message: err.message } },
    };
  }
  const bodyParserStatus = (err as { status?: number; type?: string }).status;
  if ((err as { type?: string }).type && bodyParserStatus && bodyParserStatus < 500) {
    return {
      status: bodyParserStatus,
      body: {
        error: {
          code: HTTP_CODES[bodyParserStatus] ?? ErrorCode.ValidationFailed,
          message: (err as Error).message,
        },
      },
    };
  }
  if (isUnavailable(err)) {
    const { status, code, message } = unavailable();
    logger.warn(`${code}: ${(err as Error).message}`);
    return { status, body: { error: { code, message } } };
  }
  const errorId = randomUUID();
  logger.error(`errorId=${errorId} ${(err as Error)?.stack ?? String(err)}`);
  return {
    status: 500,
    body: { error: { code: ErrorCode.Internal, message: 'Internal error', errorId } },
  };
}

/** The same mapping as a socket ack: `{ok: false, error: {code, message, errorId?}}`. */
export function ackFailure(err: unknown, logger: Logger): AckError {
  const { code, message, errorId } = toErrorBody(err, logger).body.error;
  return { ok: false, error: errorId ? { code, message, errorId } : { code, message } };
}
