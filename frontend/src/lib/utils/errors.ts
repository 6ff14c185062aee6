import { type ErrorCode, errorMessages } from '@connecthub/backend/contract';
import { ClientErrorCode, isApiError } from '$lib/api/client';
import { plural } from './format';

type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/**
 * The contract's sentence for every server code, plus the client's own codes: both Records
 * over the whole vocabulary, so a code without its sentence is a type error.
 */
const CLIENT_MESSAGES: Record<ClientErrorCode, string> = {
  NETWORK_ERROR: 'Sem conexão com o servidor. Verifique sua internet e tente novamente.',
  API_UNAVAILABLE: 'O servidor está indisponível no momento. Tente novamente em instantes.',
  BAD_RESPONSE: 'O servidor respondeu de forma inesperada. Tente novamente.',
};
const MESSAGES: Record<ErrorCode | ClientErrorCode, string> = { ...CLIENT_MESSAGES, ...errorMessages };
const messageOf = (code: string): string | undefined =>
  Object.hasOwn(MESSAGES, code) ? MESSAGES[code as keyof typeof MESSAGES] : undefined;

/** A pt-BR sentence for any error; `overrides` lets a screen say it more precisely. */
export function errorMessage(e: unknown, overrides: Record<string, string> = {}): string {
  if (isApiError(e)) return codeMessage(e.code, overrides);
  return 'Algo deu errado. Tente novamente.';
}

/** The same sentences for a bare error code (socket acks carry `{code, message}`, not an ApiError). */
export function codeMessage(code: string, overrides: Record<string, string> = {}): string {
  return overrides[code] ?? messageOf(code) ?? 'Algo deu errado. Tente novamente.';
}

/** "Muitas tentativas. Tente novamente em N minutos." from a 429's Retry-After. */
export function tooManyAttemptsMessage(retryAfterSeconds: number | null): string {
  if (retryAfterSeconds === null) return MESSAGES.TOO_MANY_ATTEMPTS;
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Muitas tentativas. Tente novamente em ${plural(minutes, 'minuto', 'minutos')}.`;
}
