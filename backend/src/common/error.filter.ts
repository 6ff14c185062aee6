import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { toErrorBody } from './error-mapping.js';
import { AppError } from './errors.js';

/** Maps every error to `{error:{code,message}}` (see toErrorBody); unknown ones become 500 with a logged errorId. */
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
