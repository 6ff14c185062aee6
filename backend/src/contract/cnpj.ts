/**
 * CNPJ in both formats: the numeric one and the alphanumeric one issued since
 * July 2026 (IN RFB 2.229/2024): 12 characters A–Z/0–9, then 2 numeric check
 * digits, each computed mod 11 over (ASCII code − 48) of every character.
 * Pure functions: imported by the backend and the frontend alike.
 */

const BODY = /^[0-9A-Z]{12}[0-9]{2}$/;
const W1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const W2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

/** Strips the usual punctuation (. / - and spaces) and uppercases. */
export function normalizeCnpj(input: string): string {
  return input.replace(/[.\-/\s]/g, '').toUpperCase();
}

function checkDigit(chars: string, weights: number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (chars.charCodeAt(i) - 48) * weights[i];
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}

/** True for a normalized, well-formed CNPJ whose check digits match. */
export function isValidCnpj(normalized: string): boolean {
  if (!BODY.test(normalized)) return false;
  // All-same-digit numbers pass the arithmetic but are not real registrations.
  if (/^(\d)\1{13}$/.test(normalized)) return false;
  const d1 = checkDigit(normalized, W1);
  const d2 = checkDigit(normalized, W2);
  return normalized[12] === String(d1) && normalized[13] === String(d2);
}

/** Normalizes and validates; returns null when the input is not a valid CNPJ. */
export function parseCnpj(input: string): string | null {
  const n = normalizeCnpj(input);
  return isValidCnpj(n) ? n : null;
}

/** 12ABC34501DE35 → 12.ABC.345/01DE-35 */
export function formatCnpj(normalized: string): string {
  const n = normalizeCnpj(normalized);
  if (n.length !== 14) return normalized;
  return `${n.slice(0, 2)}.${n.slice(2, 5)}.${n.slice(5, 8)}/${n.slice(8, 12)}-${n.slice(12)}`;
}

/** Appends the two check digits to a 12-character base (used by factories and the seed). */
export function completeCnpj(base12: string): string {
  const b = normalizeCnpj(base12);
  if (!/^[0-9A-Z]{12}$/.test(b)) throw new Error('CNPJ base must be 12 characters A-Z/0-9');
  const d1 = checkDigit(b, W1);
  const d2 = checkDigit(b + String(d1), W2);
  return `${b}${d1}${d2}`;
}
