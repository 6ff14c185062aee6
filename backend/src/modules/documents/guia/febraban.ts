/**
 * FEBRABAN "arrecadação" (convênio / tributos) barcodes and their 48-digit
 * "linha digitável". Pure functions.
 *
 * Barcode layout (44 digits, 1-based positions):
 *   1      product, always '8' (arrecadação)
 *   2      segment (1 prefeituras, 2 saneamento, 3 energia/gás, 4 telecom,
 *          5 órgãos governamentais — DAS/DARF/GPS —, 6 demais, 7 multas, 9 banco)
 *   3      value indicator: 6 = valor efetivo, mod 10 · 7 = referência, mod 10
 *                           8 = valor efetivo, mod 11 · 9 = referência, mod 11
 *   4      general check digit (DAC) over the other 43 digits
 *   5–15   value in cents (11 digits) when the indicator is 6 or 8
 *   16–44  company/agency identification and free field
 *
 * Linha digitável: the 44 digits cut in 4 blocks of 11, each followed by its
 * own check digit computed with the same modulo as the general DAC.
 *
 * Módulo 10: weights 2,1,2,1… from the rightmost digit; the DIGITS of each
 * product are added (14 → 1+4); DAC = (10 − sum mod 10) mod 10.
 *
 * Módulo 11 (arrecadação, FEBRABAN "Layout Padrão de Arrecadação/Recebimento
 * com Utilização do Código de Barras", anexo do módulo 11): weights 2..9
 * cycling from the rightmost digit; r = sum mod 11; DAC = 11 − r, except
 * r = 0 or r = 1 → DAC 0 and r = 10 → DAC 1 (which 11 − r already gives).
 * This differs from the boleto (ficha de compensação) rule, where 0, 10 and 11
 * become 1 — do not reuse that one here. Checked against published GPS linhas
 * (segment 5, indicator 8), including one whose general DAC is 0.
 */

export type Modulo = 10 | 11;

export type LinhaResult =
  { ok: true; barcode: string; linha: string; valueCents: number | null } | { ok: false; reason: string };

/** Keeps only the ASCII digits of s. */
export function digitsOnly(s: string): string {
  return s.replace(/[^0-9]/g, '');
}

export function mod10(digits: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    const p = (digits.charCodeAt(i) - 48) * weight;
    sum += p > 9 ? Math.floor(p / 10) + (p % 10) : p;
    weight = weight === 2 ? 1 : 2;
  }
  return (10 - (sum % 10)) % 10;
}

export function mod11(digits: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    sum += (digits.charCodeAt(i) - 48) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const r = sum % 11;
  if (r === 0 || r === 1) return 0;
  if (r === 10) return 1;
  return 11 - r;
}

/** Which modulo the value indicator (3rd digit) selects; null when it is not 6–9. */
export function moduloFor(indicator: string): Modulo | null {
  if (indicator === '6' || indicator === '7') return 10;
  if (indicator === '8' || indicator === '9') return 11;
  return null;
}

function dv(digits: string, m: Modulo): number {
  return m === 10 ? mod10(digits) : mod11(digits);
}

/** The general DAC a 44-digit barcode should carry at position 4. */
export function barcodeDac(barcode44: string): number {
  const m = moduloFor(barcode44[2]);
  if (barcode44.length !== 44 || !m) throw new Error('Código de barras de arrecadação inválido');
  return dv(barcode44.slice(0, 3) + barcode44.slice(4), m);
}

/** Value in cents carried by the barcode (indicator 6 or 8), else null. */
export function barcodeValueCents(barcode44: string): number | null {
  if (barcode44[2] !== '6' && barcode44[2] !== '8') return null;
  return Number(barcode44.slice(4, 15));
}

/** 44-digit barcode → 48-digit linha digitável (digits only). */
export function linhaFromBarcode(barcode44: string): string {
  const b = digitsOnly(barcode44);
  const m = moduloFor(b[2]);
  if (b.length !== 44 || b[0] !== '8' || !m) throw new Error('Código de barras de arrecadação inválido');
  let out = '';
  for (let i = 0; i < 4; i++) {
    const block = b.slice(i * 11, i * 11 + 11);
    out += block + String(dv(block, m));
  }
  return out;
}

/** 48 digits → "85810000012-3 34560328262-1 …" as printed on the guias. */
export function formatLinha(linha48: string): string {
  const d = digitsOnly(linha48);
  const parts: string[] = [];
  for (let i = 0; i < 4; i++) parts.push(`${d.slice(i * 12, i * 12 + 11)}-${d[i * 12 + 11]}`);
  return parts.join(' ');
}

/**
 * Validates a linha digitável of arrecadação (spaces, dots and dashes allowed)
 * and returns its barcode. Reasons are pt-BR, ready for a review screen.
 */
export function parseLinhaDigitavel(input: string): LinhaResult {
  if (/[^0-9\s.-]/.test(input)) return { ok: false, reason: 'Linha digitável contém caracteres inválidos' };
  const d = digitsOnly(input);
  if (d.length !== 48) return { ok: false, reason: `Linha digitável deve ter 48 dígitos (tem ${d.length})` };
  if (d[0] !== '8') return { ok: false, reason: 'Linha digitável não é de arrecadação (não começa com 8)' };
  const m = moduloFor(d[2]);
  if (!m) return { ok: false, reason: `Identificador de valor inválido na linha digitável (${d[2]})` };
  let barcode = '';
  for (let i = 0; i < 4; i++) {
    const block = d.slice(i * 12, i * 12 + 11);
    if (String(dv(block, m)) !== d[i * 12 + 11]) {
      return { ok: false, reason: `Dígito verificador do bloco ${i + 1} não confere` };
    }
    barcode += block;
  }
  if (String(barcodeDac(barcode)) !== barcode[3]) {
    return { ok: false, reason: 'Dígito verificador geral do código de barras não confere' };
  }
  return { ok: true, barcode, linha: d, valueCents: barcodeValueCents(barcode) };
}

/** Validates a 44-digit barcode's general DAC (no block digits to check). */
export function isValidBarcode(barcode44: string): boolean {
  const b = digitsOnly(barcode44);
  if (b.length !== 44 || b[0] !== '8' || !moduloFor(b[2])) return false;
  return String(barcodeDac(b)) === b[3];
}

export interface MakeBarcodeInput {
  /** Segment digit, 1–9 (5 = órgãos governamentais). */
  segment: number;
  /** 6/7 → módulo 10, 8/9 → módulo 11. */
  valueIndicator: 6 | 7 | 8 | 9;
  /** Written to positions 5–15 (for indicators 7/9 those digits are a reference, not a value). */
  valueCents: number;
  /** The remaining 29 digits (positions 16–44); shorter input is right-padded with zeros. */
  rest: string;
}

/** Builds a 44-digit arrecadação barcode with a correct general DAC. */
export function makeBarcode({ segment, valueIndicator, valueCents, rest }: MakeBarcodeInput): string {
  if (!Number.isInteger(segment) || segment < 1 || segment > 9) throw new Error('segment must be 1–9');
  if (!Number.isInteger(valueCents) || valueCents < 0 || valueCents > 99_999_999_999) {
    throw new Error('valueCents must be an integer with at most 11 digits');
  }
  const r = digitsOnly(rest);
  if (r.length !== rest.length || r.length > 29) throw new Error('rest must be at most 29 digits');
  const body = `8${segment}${valueIndicator}` + String(valueCents).padStart(11, '0') + r.padEnd(29, '0');
  const dac = dv(body, moduloFor(String(valueIndicator))!);
  return body.slice(0, 3) + String(dac) + body.slice(3);
}
