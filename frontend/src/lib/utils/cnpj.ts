import { normalizeCnpj, parseCnpj } from '@connecthub/backend/contract';

/**
 * Masks a CNPJ while it is typed, in both formats (numeric and the alphanumeric one):
 * "12abc3" → "12.ABC.3". Keeps at most 14 significant characters.
 */
export function maskCnpjInput(raw: string): string {
  const n = normalizeCnpj(raw)
    .replace(/[^0-9A-Z]/g, '')
    .slice(0, 14);
  let out = '';
  for (let i = 0; i < n.length; i++) {
    if (i === 2 || i === 5) out += '.';
    else if (i === 8) out += '/';
    else if (i === 12) out += '-';
    out += n[i];
  }
  return out;
}

export type CnpjCheck =
  | { state: 'empty' }
  | { state: 'incomplete' }
  | { state: 'invalid'; message: string }
  | { state: 'valid'; normalized: string };

export function checkCnpj(value: string): CnpjCheck {
  const n = normalizeCnpj(value).replace(/[^0-9A-Z]/g, '');
  if (n.length === 0) return { state: 'empty' };
  if (n.length < 14) return { state: 'incomplete' };
  if (!/^[0-9]{2}$/.test(n.slice(12))) {
    return { state: 'invalid', message: 'Os dois últimos caracteres do CNPJ são números.' };
  }
  const parsed = parseCnpj(n);
  if (!parsed) return { state: 'invalid', message: 'CNPJ inválido: confira os dígitos.' };
  return { state: 'valid', normalized: parsed };
}
