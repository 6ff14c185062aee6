import { Logger, NotFoundException } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { ackFailure, toErrorBody } from './error-mapping.js';
import { AppError } from './errors.js';

const quiet = () => {
  const logger = new Logger('test');
  const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  return { logger, error };
};

describe('one error mapping for HTTP and socket acks', () => {
  it('keeps a domain error as it is', () => {
    const err = new AppError(404, 'NOT_FOUND', 'Conversation not found');
    const { logger } = quiet();
    expect(toErrorBody(err, logger)).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'Conversation not found', details: undefined } },
    });
    expect(ackFailure(err, logger)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Conversation not found' },
    });
  });

  it('maps a framework error by status', () => {
    const { logger } = quiet();
    expect(toErrorBody(new NotFoundException('Cannot GET /api/x'), logger).body.error.code).toBe('NOT_FOUND');
  });

  it('answers an outage UNAVAILABLE, and anything else INTERNAL with the logged errorId', () => {
    const { logger, error } = quiet();
    const outage = Object.assign(new Error('x'), { name: 'MongoNetworkError' });
    expect(ackFailure(outage, logger).error.code).toBe('UNAVAILABLE');
    const ack = ackFailure(new Error('boom'), logger);
    expect(ack.error).toEqual({ code: 'INTERNAL', message: 'Internal error', errorId: expect.any(String) });
    expect(error).toHaveBeenCalledWith(expect.stringContaining(`errorId=${ack.error.errorId}`));
    const http = toErrorBody(new Error('boom'), logger);
    expect(http.status).toBe(500);
    expect(http.body.error).toEqual({
      code: 'INTERNAL',
      message: 'Internal error',
      errorId: expect.any(String),
    });
  });
});
