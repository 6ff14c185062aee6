import type { ErrorCode } from './common.js';

/**
 * The pt-BR sentence the UI shows for each error code (a screen may say it more precisely).
 * A Record over the whole vocabulary: a new code without its sentence does not compile.
 */
export const errorMessages: Record<ErrorCode, string> = {
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
  HTTP_ERROR: 'O servidor recusou a solicitação. Tente novamente.',
  INTERNAL: 'Erro interno no servidor. Tente novamente.',
};
