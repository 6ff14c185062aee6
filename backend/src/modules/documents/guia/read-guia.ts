/**
 * Reads Brazilian tax payment slips ("guias") from the text items of a PDF.
 *
 * Layouts are recognised by their printed labels only. Extraction order is not
 * reading order, so every value is found by geometry: the label's own item
 * (after "Label:"), else the nearest item that parses as the expected kind of
 * value, either to the right of the label on the same line or below it in the
 * same column. Nothing is guessed: a value that is not found is null.
 *
 * Checks that turn a reading into `review` (reasons in pt-BR, joined by "; "):
 * the FEBRABAN check digits of the linha digitável, its value field against
 * the printed total, the "Composição" total (and the box sums of the numbered
 * DARF and of the GPS) against the printed total, the CNPJ check digits, a
 * missing CNPJ (or CNPJ root, for the GFD), a missing total, and a missing
 * linha digitável on the layouts that always print one (DAS, DAS-MEI, DARF of
 * Sicalc/DCTFWeb). The numbered DARF and the GPS may come without a barcode
 * (hand-filled forms): there it is optional but validated when present.
 */
import { formatCnpj, isValidCnpj, normalizeCnpj } from '../../../contract/cnpj.js';
import { parseLinhaDigitavel } from './febraban.js';
import { extractPdfText, PdfReadError, type TextItem } from './pdf-text.js';

export type GuiaType = 'das' | 'das-mei' | 'darf' | 'gps' | 'fgts';

export interface GuiaFields {
  type: GuiaType;
  /** Normalized 14 characters (uppercase, no punctuation), numeric or alphanumeric. */
  cnpj: string | null;
  /** First 8 characters; set for every guia that carries a CNPJ or only a root. */
  cnpjRoot: string | null;
  companyName: string | null;
  /** "YYYY-MM" */
  competence: string | null;
  /** "Data de Vencimento", YYYY-MM-DD */
  dueDate: string | null;
  /** "Pagar este documento até", YYYY-MM-DD (differs from dueDate on reissued late guias). */
  payUntil: string | null;
  amountCents: number | null;
  documentNumber: string | null;
  /** 44 digits; null for PIX-only guias (GFD). */
  barcode: string | null;
  /** 48 digits. */
  linhaDigitavel: string | null;
  /** Pays by PIX (GFD). */
  pix: boolean;
}

export type GuiaReading =
  | { kind: 'guia'; fields: GuiaFields }
  | { kind: 'review'; reason: string; fields: Partial<GuiaFields> }
  | { kind: 'unrecognized'; reason: string };

export const REASON_NO_TEXT = 'PDF sem texto (digitalizado ou só imagem)';
export const REASON_UNKNOWN_LAYOUT = 'Layout não reconhecido';

// ---------------------------------------------------------------------------
// Value parsers (pure, exported for tests)

/** "1.234,56" / "R$ 1.234,56" / "1234,56" → 123456; anything else → null. */
export function parseMoney(s: string): number | null {
  const m = /^(?:R\$\s*)?(\d{1,3}(?:\.\d{3})+|\d+),(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const cents = Number(m[1].replace(/\./g, '')) * 100 + Number(m[2]);
  return Number.isSafeInteger(cents) ? cents : null;
}

/** 123456 → "R$ 1.234,56" */
export function formatMoney(cents: number): string {
  const neg = cents < 0;
  const abs = Math.abs(cents);
  const int = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${neg ? '-' : ''}R$ ${int},${String(abs % 100).padStart(2, '0')}`;
}

function validDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** "20/12/2026" → "2026-12-20"; invalid dates → null. */
export function parseDate(s: string): string | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s.trim());
  if (!m || !validDate(+m[3], +m[2], +m[1])) return null;
  return `${m[3]}-${m[2]}-${m[1]}`;
}

const MONTHS = [
  'JANEIRO',
  'FEVEREIRO',
  'MARCO',
  'ABRIL',
  'MAIO',
  'JUNHO',
  'JULHO',
  'AGOSTO',
  'SETEMBRO',
  'OUTUBRO',
  'NOVEMBRO',
  'DEZEMBRO',
];

/** "Novembro/2026", "11/2026" and (period dates) "30/11/2026" → "2026-11". */
export function parseCompetence(s: string): string | null {
  const t = fold(s.trim());
  let m = /^([A-Z]+)\s*\/\s*(\d{4})$/.exec(t);
  if (m) {
    const i = MONTHS.indexOf(m[1]);
    return i < 0 ? null : `${m[2]}-${String(i + 1).padStart(2, '0')}`;
  }
  m = /^(\d{2})\/(\d{4})$/.exec(t);
  if (m) return +m[1] >= 1 && +m[1] <= 12 ? `${m[2]}-${m[1]}` : null;
  const d = parseDate(t);
  return d ? d.slice(0, 7) : null;
}

const CNPJ_PRINTED = /^[0-9A-Z]{2}\.?[0-9A-Z]{3}\.?[0-9A-Z]{3}\/?[0-9A-Z]{4}-?[0-9]{2}$/;
const ROOT_PRINTED = /^[0-9A-Z]{2}\.?[0-9A-Z]{3}\.?[0-9A-Z]{3}$/;

/** A printed CNPJ (valid or not) normalized to 14 characters, else null. */
function cnpjShape(s: string): string | null {
  const t = s.trim().toUpperCase();
  if (!CNPJ_PRINTED.test(t)) return null;
  const n = normalizeCnpj(t);
  // Alphanumeric CNPJs may have no digit before the check digits (IN RFB 2.229/2024): a word-like
  // string counts when printed with the CNPJ's punctuation or when its check digits hold.
  return /[0-9]/.test(n.slice(0, 12)) || /[./-]/.test(t) || isValidCnpj(n) ? n : null;
}

function rootShape(s: string): string | null {
  const t = s.trim().toUpperCase();
  // An all-letter root counts only when printed as a CNPJ root is ("AB.CDE.FGH").
  return ROOT_PRINTED.test(t) && (/[0-9]/.test(t) || /\./.test(t)) ? normalizeCnpj(t) : null;
}

function documentNumberShape(s: string): string | null {
  const t = s.trim();
  return /^[0-9][0-9.\-/ ]{6,40}[0-9]$/.test(t) && t.replace(/\D/g, '').length >= 8
    ? t.replace(/\s+/g, '')
    : null;
}

// ---------------------------------------------------------------------------
// Geometry

interface Item {
  str: string;
  /** Uppercased, accents stripped, same length as str (so indexes line up). */
  n: string;
  x: number;
  y: number;
  w: number;
  h: number;
  page: number;
  i: number;
}

/** Uppercase without accents, one output character per input character. */
function fold(s: string): string {
  let out = '';
  for (const ch of s) {
    const base = ch.normalize('NFD')[0].toUpperCase();
    out += base.length === ch.length ? base : ch;
  }
  return out;
}

function prepare(items: readonly TextItem[]): Item[] {
  const out: Item[] = [];
  for (const t of items) {
    if (typeof t?.str !== 'string' || !t.str.trim()) continue;
    if (![t.x, t.y, t.page].every(Number.isFinite)) continue;
    const h = t.height && t.height > 0 ? t.height : 10;
    const w = t.width && t.width > 0 ? t.width : t.str.length * h * 0.5;
    out.push({ str: t.str, n: fold(t.str), x: t.x, y: t.y, w, h, page: t.page, i: out.length });
  }
  return out;
}

interface Line {
  page: number;
  y: number;
  items: Item[];
  text: string;
}

/** Groups items whose baselines are within a few points into lines, left to right. */
function lines(items: Item[]): Line[] {
  const sorted = [...items].sort((a, b) => a.page - b.page || a.y - b.y || a.x - b.x);
  const out: Line[] = [];
  for (const it of sorted) {
    const last = out[out.length - 1];
    if (last && last.page === it.page && Math.abs(it.y - last.y) <= Math.max(2.5, it.h * 0.3))
      last.items.push(it);
    else out.push({ page: it.page, y: it.y, items: [it], text: '' });
  }
  for (const l of out) {
    l.items.sort((a, b) => a.x - b.x);
    l.text = l.items.map((i) => i.n).join(' ');
  }
  return out;
}

function findLabels(items: Item[], res: readonly RegExp[]): { item: Item; rest: string }[] {
  const found: { item: Item; rest: string }[] = [];
  for (const re of res) {
    for (const it of items) {
      const m = re.exec(it.n.trimStart());
      if (!m) continue;
      const lead = it.n.length - it.n.trimStart().length;
      found.push({ item: it, rest: it.str.slice(lead + m[0].length).replace(/^\s*:?\s*/, '') });
    }
    if (found.length) break; // earlier patterns win
  }
  return found.sort((a, b) => a.item.page - b.item.page || a.item.y - b.item.y || a.item.x - b.item.x);
}

interface Near<T> {
  value: T;
  item: Item;
}

/**
 * The value of the first label matching one of `res`: its own remainder, else
 * the nearest accepted item to the right (same line) or below (same column).
 */
function valueNear<T>(
  items: Item[],
  res: readonly RegExp[],
  accept: (s: string, it: Item) => T | null,
  opts: { exclude?: Set<number>; maxRight?: number; maxBelow?: number } = {},
): Near<T> | null {
  const { exclude, maxRight = 320, maxBelow = 40 } = opts;
  for (const { item: L, rest } of findLabels(items, res)) {
    if (rest) {
      const v = accept(rest, L);
      if (v !== null) return { value: v, item: L };
    }
    let best: { score: number; value: T; item: Item } | null = null;
    for (const c of items) {
      if (c === L || c.page !== L.page || exclude?.has(c.i)) continue;
      let score: number;
      const dy = c.y - L.y;
      const dxRight = c.x - (L.x + L.w);
      if (Math.abs(dy) <= Math.max(3, Math.min(L.h, c.h) * 0.5) && dxRight >= -2 && dxRight <= maxRight) {
        score = Math.max(0, dxRight);
      } else if (dy > 1 && dy <= maxBelow && c.x < L.x + L.w + 10 && c.x + c.w > L.x - 10) {
        score = dy + 0.5 * Math.abs(c.x - L.x);
      } else continue;
      if (best && score >= best.score) continue;
      const v = accept(c.str, c);
      if (v !== null) best = { score, value: v, item: c };
    }
    if (best) return { value: best.value, item: best.item };
  }
  return null;
}

// ---------------------------------------------------------------------------
// Layouts

type Layout = 'das' | 'das-mei' | 'darf-dctfweb' | 'darf-old' | 'gps' | 'gfd';

function detect(full: string): Layout | null {
  const arrec = /DOCUMENTO DE ARRECADACAO/.test(full);
  if (arrec && /SIMPLES NACIONAL/.test(full)) {
    return /MICROEMPREENDEDOR INDIVIDUAL|\bDAS[\s-]*MEI\b|\bSIMEI\b|\bPGMEI\b/.test(full) ? 'das-mei' : 'das';
  }
  if (/GUIA DA PREVIDENCIA SOCIAL/.test(full)) return 'gps';
  if (/FGTS DIGITAL|\bGFD\b/.test(full)) return 'gfd';
  if (arrec && /RECEITAS FEDERAIS/.test(full)) {
    const boxes = [/\b01\s*-?\s*NOME\b/, /\b02\s*-?\s*PERIODO DE APURACAO/, /\b10\s*-?\s*VALOR TOTAL/].filter(
      (r) => r.test(full),
    ).length;
    return boxes >= 2 ? 'darf-old' : 'darf-dctfweb';
  }
  return null;
}

const TYPE: Record<Layout, GuiaType> = {
  das: 'das',
  'das-mei': 'das-mei',
  'darf-dctfweb': 'darf',
  'darf-old': 'darf',
  gps: 'gps',
  gfd: 'fgts',
};

const L = {
  // DAS / DAS-MEI / DARF (Sicalc, DCTFWeb)
  cnpj: [/^CNPJ(?![/\w])\s*:?/],
  razao: [/^(?:NOME\s*(?:\/|OU)\s*)?RAZAO SOCIAL(?:\s*\/\s*NOME)?(?![\w/])\s*:?/, /^NOME EMPRESARIAL\s*:?/],
  periodo: [/^PERIODO DE APURACAO\s*:?/],
  vencimento: [/^DATA DE VENCIMENTO\s*:?/],
  pagarAte: [/^PAGAR ESTE DOCUMENTO ATE\s*:?/],
  valorTotal: [/^VALOR TOTAL DO DOCUMENTO\s*:?/],
  numero: [/^NUMERO DO DOCUMENTO\s*:?/],
  // numbered DARF
  d01: [/^(?:01\s*-?\s*)?NOME\s*\/\s*TELEFONE/],
  d02: [/^(?:02\s*-?\s*)?PERIODO DE APURACAO/],
  d03: [/^(?:03\s*-?\s*)?NUMERO DO CPF OU CNPJ/],
  d06: [/^(?:06\s*-?\s*)?DATA DE VENCIMENTO/],
  d07: [/^(?:07\s*-?\s*)?VALOR DO PRINCIPAL/],
  d08: [/^(?:08\s*-?\s*)?VALOR DA MULTA/],
  d09: [/^(?:09\s*-?\s*)?VALOR DOS JUROS(?:\s*E\/OU ENCARGOS(?:\s*DL\s*-?\s*1\.025\/69)?)?/],
  d10: [/^(?:10\s*-?\s*)?VALOR TOTAL(?!\s*DO)/],
  // GPS
  g1: [/^(?:1\s*-\s*)?NOME OU RAZAO SOCIAL(?:\s*\/\s*FONE\s*\/\s*ENDERECO)?/],
  g2: [/^(?:2\s*-\s*)?VENCIMENTO(?:\s*\(USO EXCLUSIVO DO INSS\))?/],
  g4: [/^(?:4\s*-\s*)?COMPETENCIA/],
  g5: [/^(?:5\s*-\s*)?IDENTIFICADOR/],
  g6: [/^(?:6\s*-\s*)?VALOR DO INSS/],
  g9: [/^(?:9\s*-\s*)?VALOR DE OUTRAS ENTIDADES/],
  g10: [/^(?:10\s*-\s*)?ATM\s*\/\s*MULTA E JUROS/],
  g11: [/^(?:11\s*-\s*)?TOTAL(?=\s|:|$)/],
  // GFD
  raiz: [/^CNPJ\s*\/\s*CEI\s*\/\s*CPF\s*RAIZ\s*:?/, /^CNPJ RAIZ\s*:?/, /^INSCRICAO(?:\s+RAIZ)?\s*:?(?=\s|$)/],
  competencia: [/^COMPETENCIA\s*:?/],
  fgtsVenc: [/^DATA DE VENCIMENTO\s*:?/, /^VENCIMENTO\s*:?/],
  pagarAteGfd: [/^PAGAR ATE\s*:?/],
  valorRecolher: [/^VALOR A RECOLHER\s*:?/, /^TOTAL A RECOLHER\s*:?/],
  identificador: [/^IDENTIFICADOR(?: DA GUIA)?\s*:?/],
} as const;

const ALL_LABELS: RegExp[] = Object.values(L).flat();

const text = (s: string) => {
  const t = s.trim().replace(/\s+/g, ' ');
  return t && /\p{L}/u.test(t) ? t : null;
};
const money = (s: string) => parseMoney(s);
const date = (s: string) => parseDate(s);
const competence = (s: string) => parseCompetence(s);
const cnpjish = (s: string) => cnpjShape(s);

/** Drops a trailing phone ("EMPRESA LTDA / (11) 3333-4444") from a name box. */
function stripPhone(name: string): string {
  return name.replace(/\s*[/-]?\s*(?:TEL(?:EFONE)?\.?:?\s*)?\(?\d{2}\)?\s*\d{4,5}-?\d{4}\s*$/i, '').trim();
}

interface Draft {
  fields: GuiaFields;
  problems: string[];
}

function compositionTotal(items: Item[], all: Line[]): number | null {
  const header = items.find((i) => /^COMPOSICAO DO DOCUMENTO DE ARRECADACAO/.test(i.n.trim()));
  if (!header) return null;
  for (const line of all) {
    if (line.page !== header.page || line.y <= header.y) continue;
    const idx = line.items.findIndex((i) => /^TOTA(?:IS|L)\s*:?$/.test(i.n.trim()));
    if (idx < 0) continue;
    const values = line.items
      .slice(idx + 1)
      .map((i) => parseMoney(i.str))
      .filter((v): v is number => v !== null);
    if (values.length) return values[values.length - 1]; // the "Total" column is the rightmost
  }
  return null;
}

function findLinha(
  all: Line[],
):
  | { ok: true; barcode: string; linha: string; valueCents: number | null }
  | { ok: false; reason: string }
  | null {
  const re =
    /(?<!\d)(8\d{10})[\s.-]*(\d)[\s.-]*(\d{11})[\s.-]*(\d)[\s.-]*(\d{11})[\s.-]*(\d)[\s.-]*(\d{11})[\s.-]*(\d)(?!\d)/g;
  const candidates: string[] = [];
  for (const l of all) for (const m of l.text.matchAll(re)) candidates.push(m.slice(1).join(''));
  if (!candidates.length) {
    // A linha broken over two printed lines.
    const joined = all.map((l) => l.text).join(' ');
    for (const m of joined.matchAll(re)) candidates.push(m.slice(1).join(''));
  }
  if (!candidates.length) return null;
  let firstFailure: { ok: false; reason: string } | null = null;
  for (const c of candidates) {
    const r = parseLinhaDigitavel(c);
    if (r.ok) return r;
    firstFailure ??= r;
  }
  return firstFailure;
}

function setCnpj(d: Draft, printed: string | null, label = 'CNPJ') {
  if (!printed) {
    d.problems.push(`${label} não encontrado`);
    return;
  }
  if (isValidCnpj(printed)) {
    d.fields.cnpj = printed;
    d.fields.cnpjRoot = printed.slice(0, 8);
  } else {
    d.problems.push(`CNPJ ${formatCnpj(printed)} com dígito verificador inválido`);
  }
}

function readLayout(layout: Layout, items: Item[], all: Line[]): Draft {
  const f: GuiaFields = {
    type: TYPE[layout],
    cnpj: null,
    cnpjRoot: null,
    companyName: null,
    competence: null,
    dueDate: null,
    payUntil: null,
    amountCents: null,
    documentNumber: null,
    barcode: null,
    linhaDigitavel: null,
    pix: false,
  };
  const d: Draft = { fields: f, problems: [] };
  const labelIdx = new Set(items.filter((i) => ALL_LABELS.some((re) => re.test(i.n.trim()))).map((i) => i.i));
  const free = { exclude: labelIdx };
  // Free text that is not itself a CNPJ, a root, a date or an amount.
  const name = (s: string) =>
    cnpjShape(s) || rootShape(s) || parseDate(s) || parseMoney(s) !== null ? null : text(s);

  let barcodeRequired = true;
  if (layout === 'das' || layout === 'das-mei' || layout === 'darf-dctfweb') {
    setCnpj(d, valueNear(items, L.cnpj, cnpjish)?.value ?? null);
    f.companyName = valueNear(items, L.razao, name, free)?.value ?? null;
    f.competence = valueNear(items, L.periodo, competence)?.value ?? null;
    f.dueDate = valueNear(items, L.vencimento, date)?.value ?? null;
    f.payUntil = valueNear(items, L.pagarAte, date)?.value ?? null;
    f.amountCents = valueNear(items, L.valorTotal, money)?.value ?? null;
    f.documentNumber = valueNear(items, L.numero, documentNumberShape)?.value ?? null;
    const comp = compositionTotal(items, all);
    if (comp !== null && f.amountCents !== null && comp !== f.amountCents) {
      d.problems.push(
        `Total da composição (${formatMoney(comp)}) difere do total impresso (${formatMoney(f.amountCents)})`,
      );
    }
  } else if (layout === 'darf-old') {
    barcodeRequired = false;
    const n = valueNear(items, L.d01, name, free)?.value ?? null;
    f.companyName = n ? stripPhone(n) || null : null;
    f.competence = valueNear(items, L.d02, competence)?.value ?? null;
    setCnpj(d, valueNear(items, L.d03, cnpjish)?.value ?? null);
    f.dueDate = valueNear(items, L.d06, date)?.value ?? null;
    f.amountCents = valueNear(items, L.d10, money)?.value ?? null;
    const parts = [L.d07, L.d08, L.d09].map((re) => valueNear(items, re, money)?.value ?? null);
    const sum = parts.reduce<number>((a, b) => a + (b ?? 0), 0);
    if (parts[0] !== null && f.amountCents !== null && sum !== f.amountCents) {
      d.problems.push(
        `Soma de principal, multa e juros (${formatMoney(sum)}) difere do valor total (${formatMoney(f.amountCents)})`,
      );
    }
  } else if (layout === 'gps') {
    barcodeRequired = false;
    f.companyName = valueNear(items, L.g1, name, free)?.value ?? null;
    f.dueDate = valueNear(items, L.g2, date)?.value ?? null;
    f.competence = valueNear(items, L.g4, competence)?.value ?? null;
    setCnpj(d, valueNear(items, L.g5, cnpjish)?.value ?? null);
    f.amountCents = valueNear(items, L.g11, money)?.value ?? null;
    const parts = [L.g6, L.g9, L.g10].map((re) => valueNear(items, re, money)?.value ?? null);
    const sum = parts.reduce<number>((a, b) => a + (b ?? 0), 0);
    if (parts[0] !== null && f.amountCents !== null && sum !== f.amountCents) {
      d.problems.push(
        `Soma dos campos 6, 9 e 10 (${formatMoney(sum)}) difere do total do campo 11 (${formatMoney(f.amountCents)})`,
      );
    }
  } else {
    // GFD: root only, PIX only.
    barcodeRequired = false;
    const root = valueNear(items, L.raiz, (s) => rootShape(s) ?? cnpjShape(s));
    if (!root) d.problems.push('Raiz do CNPJ não encontrada');
    else if (root.value.length === 14) setCnpj(d, root.value);
    else f.cnpjRoot = root.value;
    f.companyName = valueNear(items, L.razao, name, free)?.value ?? null;
    f.competence = valueNear(items, L.competencia, competence)?.value ?? null;
    f.dueDate = valueNear(items, L.fgtsVenc, date)?.value ?? null;
    f.payUntil = valueNear(items, L.pagarAteGfd, date)?.value ?? null;
    f.amountCents = valueNear(items, L.valorRecolher, money)?.value ?? null;
    f.documentNumber =
      valueNear(items, L.identificador, (s) => (/^[0-9][0-9.\-/]{6,40}$/.test(s.trim()) ? s.trim() : null))
        ?.value ?? null;
    const full = all.map((l) => l.text).join('\n');
    f.pix = /PAGUE COM (?:O )?PIX|PIX COPIA E COLA|000201\S*BR\.GOV\.BCB\.PIX/.test(full);
  }

  if (f.amountCents === null) d.problems.push('Valor total não encontrado');

  if (layout !== 'gfd') {
    const linha = findLinha(all);
    if (!linha) {
      if (barcodeRequired) d.problems.push('Linha digitável não encontrada');
    } else if (!linha.ok) {
      d.problems.push(linha.reason);
    } else {
      f.barcode = linha.barcode;
      f.linhaDigitavel = linha.linha;
      if (linha.valueCents !== null && f.amountCents !== null && linha.valueCents !== f.amountCents) {
        d.problems.push(
          `Valor do código de barras (${formatMoney(linha.valueCents)}) difere do total impresso (${formatMoney(f.amountCents)})`,
        );
      }
    }
  }
  return d;
}

/** Reads a guia from extracted text items (any order). */
export function readGuia(textItems: readonly TextItem[]): GuiaReading {
  const items = prepare(textItems);
  if (!items.length) return { kind: 'unrecognized', reason: REASON_NO_TEXT };
  const all = lines(items);
  const layout = detect(all.map((l) => l.text).join('\n'));
  if (!layout) return { kind: 'unrecognized', reason: REASON_UNKNOWN_LAYOUT };
  const { fields, problems } = readLayout(layout, items, all);
  if (problems.length) return { kind: 'review', reason: problems.join('; '), fields };
  return { kind: 'guia', fields };
}

/**
 * Extracts the text of a PDF and reads it as a guia.
 *
 * Choice: "Arquivo não é um PDF" is NOT folded into `unrecognized`: the
 * {@link PdfReadError} is rethrown so the caller marks the item `failed` (the
 * upload is simply the wrong kind of file). Every other read failure
 * (password, corrupt, timeout, too big) is a PDF we could not read, so it
 * becomes `unrecognized` with the error's pt-BR reason.
 */
export async function readGuiaPdf(data: Uint8Array): Promise<GuiaReading> {
  let items: TextItem[];
  try {
    items = await extractPdfText(data);
  } catch (e) {
    if (e instanceof PdfReadError && e.reason !== 'Arquivo não é um PDF') {
      return { kind: 'unrecognized', reason: e.reason };
    }
    throw e;
  }
  return readGuia(items);
}
