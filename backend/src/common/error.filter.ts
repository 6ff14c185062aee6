import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ErrorCode, type ErrorBody } from '../contract/index.js';
import { isUnavailable, unavailable } from '../infra/unavailable.js';
import { AppError } from './errors.js';

const HTTP_CODES: Record<number, string> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  413: ErrorCode.PayloadTooLarge,
};

/** Maps every error to `{error:{code,message}}`; unknown ones become 500 with a logged errorId. */
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
      body: { error: { code: HTTP_CODES[status] ?? `HTTP_${status}`, message: err.message } },
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
    // An outage, not a bug: a warning without a stack, and an answer that says to retry.
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

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = toErrorBody(err, this.logger);
    if (err instanceof AppError) res.set(err.headers);
    res.status(status).json(body);
  }
}
