import { isApiError } from '$lib/api/client';

const MESSAGES: Record<string, string> = {
  NETWORK_ERROR: 'Sem conexão com o servidor. Verifique sua internet e tente novamente.',
  API_UNAVAILABLE: 'O servidor está indisponível no momento. Tente novamente em instantes.',
  BAD_RESPONSE: 'O servidor respondeu de forma inesperada. Tente novamente.',
  VALIDATION_FAILED: 'Alguns dados estão inválidos. Confira os campos.',
  INVALID_CNPJ: 'CNPJ inválido: confira os dígitos.',
  UNAUTHENTICATED: 'Sua sessão expirou. Entre novamente.',
  INVALID_CREDENTIALS: 'E-mail ou senha incorretos.',
  ACCESS_BLOCKED: 'O acesso está bloqueado. Fale com o escritório.',
  TOO_MANY_ATTEMPTS: 'Muitas tentativas. Aguarde alguns minutos e tente novamente.',
  PERMISSION_DENIED: 'Você não tem permissão para ver este conteúdo.',
  READ_ONLY_SESSION: 'Sessão somente leitura: esta ação não está disponível.',
  FORBIDDEN: 'Você não tem permissão para esta ação.',
  NOT_FOUND: 'Não encontrado.',
  SLUG_TAKEN: 'Este endereço já está em uso por outro escritório. Escolha outro.',
  EMAIL_TAKEN: 'Já existe uma pessoa da equipe com este e-mail.',
  DUPLICATE_CNPJ: 'Já existe um cliente com este CNPJ.',
  CONFLICT: 'Conflito com dados existentes.',
  PASSWORD_SET_BY_CLIENT:
    'O cliente definiu a própria senha, que não pode ser exibida. Gere uma nova senha se ele precisar.',
  PAYLOAD_TOO_LARGE: 'O arquivo é grande demais.',
  UNSUPPORTED_FILE:
    'Tipo de arquivo não aceito. Envie PDF, imagem (PNG, JPG, GIF, WEBP), Word, Excel ou XML.',
  UNAVAILABLE: 'O servidor está com instabilidade momentânea. Tente novamente em instantes.',
  RATE_LIMITED: 'Muitas ações em pouco tempo. Aguarde um instante e tente novamente.',
  OVERLOADED: 'O servidor está sobrecarregado. Tente novamente em instantes.',
  INTERNAL: 'Erro interno no servidor. Tente novamente.',
};

/** A pt-BR sentence for any error; `overrides` lets a screen say it more precisely. */
export function errorMessage(e: unknown, overrides: Record<string, string> = {}): string {
  if (isApiError(e)) return codeMessage(e.code, overrides);
  return 'Algo deu errado. Tente novamente.';
}

/** The same sentences for a bare error code (socket acks carry `{code, message}`, not an ApiError). */
export function codeMessage(code: string, overrides: Record<string, string> = {}): string {
  return overrides[code] ?? MESSAGES[code] ?? 'Algo deu errado. Tente novamente.';
}

/** "Muitas tentativas. Tente novamente em N minutos." from a 429's Retry-After. */
export function tooManyAttemptsMessage(retryAfterSeconds: number | null): string {
  if (retryAfterSeconds === null) return MESSAGES.TOO_MANY_ATTEMPTS;
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Muitas tentativas. Tente novamente em ${minutes} ${minutes === 1 ? 'minuto' : 'minutos'}.`;
}
