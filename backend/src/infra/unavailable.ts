import { ErrorCode } from '../contract/index.js';
import { AppError } from '../common/errors.js';

/** How long a request waits for Redis or the database to come back before it is told to retry. */
export const DEPENDENCY_WAIT_MS = 5_000;

// mongoose/driver: no server selectable in time, a connection lost mid-operation, an operation
// buffered while disconnected for too long; ioredis: retries per request exhausted, a closed
// connection.
const UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MaxRetriesPerRequestError',
]);
const UNAVAILABLE_MESSAGES =
  /buffering timed out|Connection is closed|connection .* closed|ECONNREFUSED|ECONNRESET/i;

/**
 * A request failed because Redis or the database is unreachable for now, not because of
 * the request: it gets 503 UNAVAILABLE (an ack saying so on sockets) instead of a 500,
 * and the client can retry it unchanged (sends are idempotent by clientMessageId).
 */
export function isUnavailable(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | undefined;
  if (!e || typeof e !== 'object') return false;
  return UNAVAILABLE_NAMES.has(e.name ?? '') || UNAVAILABLE_MESSAGES.test(e.message ?? '');
}

export const unavailable = () =>
  new AppError(503, ErrorCode.Unavailable, 'A backing service is unavailable; try again shortly');
