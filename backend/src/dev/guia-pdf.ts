/**
 * PDFs of Brazilian tax guias, generated on the fly with pdfkit (a dev dependency): the test
 * suite's fixtures, the demo data (`npm run seed`) and the benchmark use them. Not for production.
 *
 * Each layout prints the labels the real guia prints, in a table-like page
 * with several font sizes, labels above or left of their values. All drawing
 * operations are SHUFFLED (deterministic seed) before being written, so the
 * content-stream order — and so the text-extraction order — is not the
 * visual order.
 */
import { createDeflate, deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';

import { completeCnpj, formatCnpj } from '../contract/cnpj.js';
import {
  digitsOnly,
  formatLinha,
  linhaFromBarcode,
  makeBarcode,
} from '../modules/documents/guia/febraban.js';

export type GuiaLayout = 'das' | 'darf-dctfweb' | 'das-mei' | 'darf-old' | 'gps' | 'gfd';

export interface GuiaSpec {
  layout: GuiaLayout;
  /** 14 characters, with or without punctuation (default: a valid numeric CNPJ). */
  cnpj?: string;
  /** GFD only: the 8-character root (default: the first 8 of `cnpj`). */
  cnpjRoot?: string;
  companyName?: string;
  /** YYYY-MM */
  competence?: string;
  /** YYYY-MM-DD */
  dueDate?: string;
  /** YYYY-MM-DD (default: dueDate) */
  payUntil?: string;
  amountCents?: number;
  documentNumber?: string;
  /** Corrupts the check digit of one block of the printed linha (or the general DAC). */
  breakCheckDigit?: 1 | 2 | 3 | 4 | 'general';
  /** Value written in the barcode, to make it disagree with the printed total. */
  barcodeValueCents?: number;
  /** Total of the "Composição" table (DAS/DARF), to make it disagree with the printed total. */
  compositionTotalCents?: number;
  /** Numbered DARF and GPS: print the linha digitável and bars (default true). */
  withBarcode?: boolean;
  /** GFD: label printed before the root (default 'raiz'). */
  gfdRootLabel?: 'raiz' | 'inscricao';
  /** Shuffle seed (default 7). */
  seed?: number;
}

export const DEFAULT_CNPJ = completeCnpj('112223330001'); // 11222333000181
export const ALNUM_CNPJ = completeCnpj('12ABC34501DE'); // 12ABC34501DE35

/** The values a spec resolves to (what the reader is expected to return). */
export function resolveSpec(spec: GuiaSpec) {
  const cnpj = (spec.cnpj ?? DEFAULT_CNPJ).replace(/[.\-/\s]/g, '').toUpperCase();
  const dueDate = spec.dueDate ?? '2026-12-22';
  return {
    cnpj,
    cnpjRoot: spec.cnpjRoot ?? cnpj.slice(0, 8),
    companyName:
      spec.companyName ??
      (spec.layout === 'das-mei' ? 'MARIA JOSÉ DA CONCEIÇÃO 12345678901' : 'PADARIA SÃO JOÃO LTDA'),
    competence: spec.competence ?? '2026-11',
    dueDate,
    payUntil: spec.payUntil ?? dueDate,
    amountCents: spec.amountCents ?? (spec.layout === 'das-mei' ? 8_210 : 123_456),
    documentNumber:
      spec.documentNumber ??
      (spec.layout === 'gfd'
        ? '0126112223330000145'
        : spec.layout === 'darf-dctfweb'
          ? '07.17.26334.7654321-0'
          : '07.20.26334.1234567-8'),
  };
}

// ---------------------------------------------------------------------------
// Drawing operations, shuffled before being written

type Op =
  | { t: 'text'; s: string; x: number; y: number; size: number; bold?: boolean; right?: boolean }
  | { t: 'rect'; x: number; y: number; w: number; h: number }
  | { t: 'fill'; x: number; y: number; w: number; h: number };

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(arr: T[], seed: number): T[] {
  const rnd = mulberry32(seed);
  const a = [...arr];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function render(ops: Op[], seed: number, opts: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 0,
      info: { Title: 'Guia', Producer: 'test fixtures', CreationDate: new Date(Date.UTC(2026, 10, 30)) },
      ...opts,
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.lineWidth(0.6);
    for (const op of shuffle(ops, seed)) {
      if (op.t === 'text') {
        doc.font(op.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(op.size);
        const x = op.right ? op.x - doc.widthOfString(op.s) : op.x;
        doc.text(op.s, x, op.y, { lineBreak: false });
      } else if (op.t === 'rect') {
        doc.rect(op.x, op.y, op.w, op.h).stroke();
      } else {
        doc.rect(op.x, op.y, op.w, op.h).fill('black');
      }
    }
    doc.end();
  });
}

const txt = (s: string, x: number, y: number, size: number, bold = false): Op => ({
  t: 'text',
  s,
  x,
  y,
  size,
  bold,
});
const rtxt = (s: string, x: number, y: number, size: number, bold = false): Op => ({
  t: 'text',
  s,
  x,
  y,
  size,
  bold,
  right: true,
});
const rect = (x: number, y: number, w: number, h: number): Op => ({ t: 'rect', x, y, w, h });

// ---------------------------------------------------------------------------
// Formatting

export function brMoney(cents: number): string {
  const int = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${int},${String(cents % 100).padStart(2, '0')}`;
}

const brDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const MONTHS = [
  'Janeiro',
  'Fevereiro',
  'Março',
  'Abril',
  'Maio',
  'Junho',
  'Julho',
  'Agosto',
  'Setembro',
  'Outubro',
  'Novembro',
  'Dezembro',
];
const monthName = (ym: string) => `${MONTHS[Number(ym.slice(5, 7)) - 1]}/${ym.slice(0, 4)}`;
const mmYyyy = (ym: string) => `${ym.slice(5, 7)}/${ym.slice(0, 4)}`;
const lastDay = (ym: string) => {
  const d = new Date(Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(5, 7)), 0)).getUTCDate();
  return `${String(d).padStart(2, '0')}/${mmYyyy(ym)}`;
};

// ---------------------------------------------------------------------------
// Barcode / linha digitável

function seededDigits(n: number, seed: number): string {
  const rnd = mulberry32(seed);
  let s = '';
  for (let i = 0; i < n; i++) s += String(Math.floor(rnd() * 10));
  return s;
}

/** A formatted 48-digit linha of arrecadação (segment 5, mod 11) with valid check digits. */
export function validLinha(valueCents: number, seed = 1): string {
  return formatLinha(
    linhaFromBarcode(
      makeBarcode({ segment: 5, valueIndicator: 8, valueCents, rest: seededDigits(29, seed) }),
    ),
  );
}

/** The barcode and printed linha of a spec, with the requested corruption. */
export function specBarcode(spec: GuiaSpec, indicator: 6 | 8 = 8): { barcode: string; linha: string } {
  const r = resolveSpec(spec);
  const rest = ('0328' + digitsOnly(r.documentNumber) + seededDigits(29, spec.seed ?? 7)).slice(0, 29);
  let barcode = makeBarcode({
    segment: 5,
    valueIndicator: indicator,
    valueCents: spec.barcodeValueCents ?? r.amountCents,
    rest,
  });
  if (spec.breakCheckDigit === 'general') {
    barcode = barcode.slice(0, 3) + String((Number(barcode[3]) + 1) % 10) + barcode.slice(4);
  }
  let linha = linhaFromBarcode(barcode);
  if (typeof spec.breakCheckDigit === 'number') {
    const i = spec.breakCheckDigit * 12 - 1;
    linha = linha.slice(0, i) + String((Number(linha[i]) + 1) % 10) + linha.slice(i + 1);
  }
  return { barcode, linha };
}

const ITF = ['nnwwn', 'wnnnw', 'nwnnw', 'wwnnn', 'nnwnw', 'wnwnn', 'nwwnn', 'nnnww', 'wnnwn', 'nwnwn'];

/** Interleaved 2 of 5 bars of a 44-digit barcode, as filled rectangles. */
function bars(barcode: string, x0: number, y: number, h: number): Op[] {
  const n = 0.75;
  const w = 2.1;
  const ops: Op[] = [];
  let x = x0;
  const bar = (width: number) => {
    ops.push({ t: 'fill', x, y, w: width, h });
    x += width;
  };
  const space = (width: number) => (x += width);
  bar(n);
  space(n);
  bar(n);
  space(n);
  for (let i = 0; i < barcode.length; i += 2) {
    const a = ITF[Number(barcode[i])];
    const b = ITF[Number(barcode[i + 1])];
    for (let k = 0; k < 5; k++) {
      bar(a[k] === 'w' ? w : n);
      space(b[k] === 'w' ? w : n);
    }
  }
  bar(w);
  space(n);
  bar(n);
  return ops;
}

/** The linha as 4 separately placed groups, and the bars under it. */
function linhaOps(spec: GuiaSpec, y: number, indicator: 6 | 8 = 8): Op[] {
  const { barcode, linha } = specBarcode(spec, indicator);
  const groups = formatLinha(linha).split(' ');
  return [...groups.map((g, i) => txt(g, 35 + i * 130, y, 11, true)), ...bars(barcode, 35, y + 18, 40)];
}

// ---------------------------------------------------------------------------
// Layouts

function splitCents(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const out = Array.from({ length: parts }, () => base);
  out[0] += total - base * parts;
  return out;
}

function arrecadacaoOps(spec: GuiaSpec): Op[] {
  const r = resolveSpec(spec);
  const ops: Op[] = [rect(30, 30, 535, 50), txt('Receita Federal', 40, 48, 8, true)];
  if (spec.layout === 'darf-dctfweb') {
    ops.push(
      txt('Documento de Arrecadação', 130, 38, 13, true),
      txt('de Receitas Federais', 130, 54, 13, true),
    );
  } else {
    ops.push(txt('Documento de Arrecadação do Simples Nacional', 130, 40, 13, true));
    if (spec.layout === 'das-mei') ops.push(txt('Microempreendedor Individual - DAS MEI', 130, 60, 9));
  }
  const period = spec.layout === 'darf-dctfweb' ? mmYyyy(r.competence) : monthName(r.competence);
  ops.push(
    rect(30, 85, 535, 32),
    txt('CNPJ', 35, 89, 7),
    txt(formatCnpj(r.cnpj), 35, 101, 10, true),
    txt('Razão Social', 180, 89, 7),
    txt(r.companyName, 180, 101, 10, true),
    rect(30, 117, 535, 32),
    txt('Período de Apuração', 35, 121, 7),
    txt(period, 35, 133, 10, true),
    txt('Data de Vencimento', 180, 121, 7),
    txt(brDate(r.dueDate), 180, 133, 10, true),
    txt('Número do Documento', 340, 121, 7),
    txt(r.documentNumber, 340, 133, 10, true),
    rect(30, 149, 535, 32),
    txt('Observações', 35, 153, 7),
    txt(
      spec.layout === 'darf-dctfweb' ? 'DCTFWeb - Declaração Original' : 'Documento gerado pelo PGDAS-D',
      35,
      165,
      8,
    ),
    txt('Pagar este documento até', 340, 153, 7),
    txt(brDate(r.payUntil), 340, 165, 10, true),
    txt('Valor Total do Documento', 460, 153, 7),
    txt(brMoney(r.amountCents), 460, 165, 11, true),
    txt('Composição do Documento de Arrecadação', 35, 195, 9, true),
    txt('Código', 35, 212, 7, true),
    txt('Denominação', 80, 212, 7, true),
    rtxt('Principal', 380, 212, 7, true),
    rtxt('Multa', 440, 212, 7, true),
    rtxt('Juros', 500, 212, 7, true),
    rtxt('Total', 560, 212, 7, true),
  );
  const rows: [string, string][] =
    spec.layout === 'das-mei'
      ? [
          ['1006', 'INSS - SIMEI'],
          ['1010', 'ISS - SIMEI'],
        ]
      : spec.layout === 'darf-dctfweb'
        ? [
            ['1082-01', 'CP SEGURADOS - EMPREGADOS/AVULSOS'],
            ['1138-01', 'CP PATRONAL - EMPREGADOS/AVULSOS'],
            ['1646-01', 'CP DESCONTADA - CONTRIBUINTE INDIVIDUAL'],
          ]
        : [
            ['1001', 'IRPJ - SIMPLES NACIONAL'],
            ['1002', 'CSLL - SIMPLES NACIONAL'],
            ['1004', 'COFINS - SIMPLES NACIONAL'],
            ['1005', 'PIS - SIMPLES NACIONAL'],
            ['1006', 'INSS - SIMPLES NACIONAL'],
            ['1010', 'ISS - SIMPLES NACIONAL'],
          ];
  const comp = spec.compositionTotalCents ?? r.amountCents;
  const parts = splitCents(comp, rows.length);
  let y = 226;
  rows.forEach(([code, name], i) => {
    ops.push(
      txt(code, 35, y, 8),
      txt(name, 80, y, 8),
      rtxt(brMoney(parts[i]), 380, y, 8),
      rtxt('0,00', 440, y, 8),
      rtxt('0,00', 500, y, 8),
      rtxt(brMoney(parts[i]), 560, y, 8),
    );
    y += 12;
  });
  ops.push(
    txt('Totais', 80, y + 4, 8, true),
    rtxt(brMoney(comp), 380, y + 4, 8, true),
    rtxt('0,00', 440, y + 4, 8, true),
    rtxt('0,00', 500, y + 4, 8, true),
    rtxt(brMoney(comp), 560, y + 4, 8, true),
    ...linhaOps(spec, y + 40),
    txt('AUTENTICAÇÃO MECÂNICA', 420, y + 110, 6),
  );
  return ops;
}

function darfOldOps(spec: GuiaSpec): Op[] {
  const r = resolveSpec(spec);
  const multa = 0;
  const juros = 0;
  const rows: [string, string][] = [
    ['02 PERÍODO DE APURAÇÃO', lastDay(r.competence)],
    ['03 NÚMERO DO CPF OU CNPJ', formatCnpj(r.cnpj)],
    ['04 CÓDIGO DA RECEITA', '5952'],
    ['05 NÚMERO DE REFERÊNCIA', ''],
    ['06 DATA DE VENCIMENTO', brDate(r.dueDate)],
    ['07 VALOR DO PRINCIPAL', brMoney(r.amountCents - multa - juros)],
    ['08 VALOR DA MULTA', brMoney(multa)],
    ['09 VALOR DOS JUROS E/OU ENCARGOS DL - 1.025/69', brMoney(juros)],
    ['10 VALOR TOTAL', brMoney(r.amountCents)],
  ];
  const ops: Op[] = [
    txt('MINISTÉRIO DA FAZENDA', 80, 40, 9, true),
    txt('SECRETARIA DA RECEITA FEDERAL DO BRASIL', 80, 52, 8),
    txt('Documento de Arrecadação de Receitas Federais', 80, 64, 8),
    txt('DARF', 80, 78, 16, true),
    rect(30, 100, 270, 60),
    txt('01 NOME / TELEFONE', 35, 104, 6.5),
    txt(r.companyName, 35, 118, 9, true),
    txt('(11) 3333-4444', 35, 130, 9),
    txt('ATENÇÃO', 35, 172, 8, true),
    txt('É vedado o recolhimento de tributos administrados pela Secretaria da Receita Federal', 35, 184, 6.5),
    txt('do Brasil (RFB) cujo valor total seja inferior a R$ 10,00. O tributo assim apurado', 35, 193, 6.5),
    txt('deverá ser adicionado ao tributo de mesmo código de períodos subsequentes, até', 35, 202, 6.5),
    txt('que o total seja igual ou superior a R$ 10,00.', 35, 211, 6.5),
  ];
  let y = 100;
  for (const [label, value] of rows) {
    ops.push(rect(300, y, 265, 22), txt(label, 305, y + 8, 6.5));
    if (value) ops.push(rtxt(value, 560, y + 6, 9, true));
    y += 22;
  }
  ops.push(
    rect(300, y, 265, 44),
    txt('11 AUTENTICAÇÃO BANCÁRIA (Somente nas 1a e 2a vias)', 305, y + 6, 6.5),
  );
  if (spec.withBarcode !== false) ops.push(...linhaOps(spec, 420));
  return ops;
}

function gpsOps(spec: GuiaSpec): Op[] {
  const r = resolveSpec(spec);
  const inss = Math.round(r.amountCents * 0.8);
  const outras = r.amountCents - inss;
  const rows: [string, string][] = [
    ['2 - VENCIMENTO', brDate(r.dueDate)],
    ['3 - CÓDIGO DE PAGAMENTO', '2100'],
    ['4 - COMPETÊNCIA', mmYyyy(r.competence)],
    ['5 - IDENTIFICADOR', formatCnpj(r.cnpj)],
    ['6 - VALOR DO INSS', brMoney(inss)],
    ['7 -', ''],
    ['8 -', ''],
    ['9 - VALOR DE OUTRAS ENTIDADES', brMoney(outras)],
    ['10 - ATM/MULTA E JUROS', '0,00'],
    ['11 - TOTAL', brMoney(r.amountCents)],
  ];
  const ops: Op[] = [
    txt('MINISTÉRIO DA PREVIDÊNCIA SOCIAL - MPS', 80, 40, 8, true),
    txt('INSTITUTO NACIONAL DO SEGURO SOCIAL - INSS', 80, 51, 8),
    txt('GUIA DA PREVIDÊNCIA SOCIAL - GPS', 80, 64, 10, true),
    rect(30, 100, 270, 80),
    txt('1 - NOME OU RAZÃO SOCIAL / FONE / ENDEREÇO', 35, 104, 6.5),
    txt(r.companyName, 35, 118, 9, true),
    txt('RUA DAS FLORES, 123 - CENTRO', 35, 130, 8),
    txt('SÃO PAULO - SP  CEP 01000-000', 35, 141, 8),
    txt('(11) 3333-4444', 35, 152, 8),
    txt('ATENÇÃO: É vedada a utilização de GPS para recolhimento de receita de valor', 35, 200, 6.5),
    txt('inferior ao estipulado em Resolução publicada pelo INSS. A receita que resultar', 35, 209, 6.5),
    txt('valor inferior deverá ser adicionada à contribuição ou importância correspondente', 35, 218, 6.5),
    txt(
      'nos meses subsequentes, até que o total seja igual ou superior ao valor mínimo fixado.',
      35,
      227,
      6.5,
    ),
  ];
  let y = 100;
  for (const [label, value] of rows) {
    ops.push(rect(300, y, 265, 22), txt(label, 305, y + 8, 6.5));
    if (label.startsWith('2 -')) ops.push(txt('(Uso exclusivo do INSS)', 305, y + 15, 5));
    if (value) ops.push(rtxt(value, 560, y + 6, 9, true));
    y += 22;
  }
  ops.push(rect(300, y, 265, 40), txt('12 - AUTENTICAÇÃO BANCÁRIA', 305, y + 6, 6.5));
  if (spec.withBarcode !== false) ops.push(...linhaOps(spec, 420, 6));
  return ops;
}

/** CRC16-CCITT (0x1021, init 0xFFFF), the checksum of PIX "copia e cola" strings. */
function crc16(s: string): string {
  let crc = 0xffff;
  for (const b of Buffer.from(s, 'utf8')) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

const emv = (id: string, v: string) => `${id}${String(v.length).padStart(2, '0')}${v}`;

export function pixCopiaECola(seed: number): string {
  const url = `qrpix.caixa.gov.br/fgtsdigital/v2/cobv/${seededDigits(32, seed)}`;
  const body =
    emv('00', '01') +
    emv('01', '12') +
    emv('26', emv('00', 'br.gov.bcb.pix') + emv('25', url)) +
    emv('52', '0000') +
    emv('53', '986') +
    emv('58', 'BR') +
    emv('59', 'FGTS DIGITAL') +
    emv('60', 'BRASILIA') +
    emv('62', emv('05', '***')) +
    '6304';
  return body + crc16(body);
}

function gfdOps(spec: GuiaSpec): Op[] {
  const r = resolveSpec(spec);
  const root = r.cnpjRoot;
  const pix = pixCopiaECola(spec.seed ?? 7);
  const fgts = Math.round(r.amountCents * 0.9);
  return [
    txt('MINISTÉRIO DO TRABALHO E EMPREGO', 40, 40, 8, true),
    txt('Guia do FGTS Digital - GFD', 40, 54, 14, true),
    txt('Dados do Empregador', 40, 90, 9, true),
    rect(35, 100, 530, 30),
    txt('Tipo de Inscrição', 40, 104, 7),
    txt('CNPJ', 40, 116, 9, true),
    txt(spec.gfdRootLabel === 'inscricao' ? 'Inscrição' : 'CNPJ/CEI/CPF Raiz', 150, 104, 7),
    txt(`${root.slice(0, 2)}.${root.slice(2, 5)}.${root.slice(5, 8)}`, 150, 116, 9, true),
    txt('Razão Social', 260, 104, 7),
    txt(r.companyName, 260, 116, 9, true),
    txt('Dados da Guia', 40, 145, 9, true),
    rect(35, 155, 530, 30),
    txt('Identificador', 40, 159, 7),
    txt(r.documentNumber, 40, 171, 9, true),
    txt('Competência', 180, 159, 7),
    txt(mmYyyy(r.competence), 180, 171, 9, true),
    txt('Data de Vencimento', 260, 159, 7),
    txt(brDate(r.dueDate), 260, 171, 9, true),
    txt('Pagar até', 360, 159, 7),
    txt(brDate(r.payUntil), 360, 171, 9, true),
    txt('Valor a recolher', 460, 159, 7),
    txt(`R$ ${brMoney(r.amountCents)}`, 460, 171, 9, true),
    txt('Resumo', 40, 205, 9, true),
    txt('Descrição', 40, 220, 7, true),
    rtxt('Valor', 560, 220, 7, true),
    txt('FGTS Mensal', 40, 232, 8),
    rtxt(brMoney(fgts), 560, 232, 8),
    txt('Multa e Juros', 40, 244, 8),
    rtxt(brMoney(r.amountCents - fgts), 560, 244, 8),
    txt('Total a Recolher', 40, 258, 8, true),
    rtxt(brMoney(r.amountCents), 560, 258, 8, true),
    txt('Pague com PIX', 40, 290, 11, true),
    ...qr(40, 310, spec.seed ?? 7),
    txt('PIX Copia e Cola', 160, 310, 8, true),
    txt(pix.slice(0, 70), 160, 322, 7),
    txt(pix.slice(70), 160, 331, 7),
  ];
}

/** A QR-looking block of squares (not a decodable QR code). */
function qr(x: number, y: number, seed: number): Op[] {
  const rnd = mulberry32(seed);
  const ops: Op[] = [];
  for (let i = 0; i < 25; i++)
    for (let j = 0; j < 25; j++)
      if (rnd() < 0.5) ops.push({ t: 'fill', x: x + i * 4, y: y + j * 4, w: 4, h: 4 });
  return ops;
}

/** A guia PDF for the spec (defaults give a valid guia). */
export async function makeGuiaPdf(spec: GuiaSpec): Promise<Buffer> {
  const ops =
    spec.layout === 'darf-old'
      ? darfOldOps(spec)
      : spec.layout === 'gps'
        ? gpsOps(spec)
        : spec.layout === 'gfd'
          ? gfdOps(spec)
          : arrecadacaoOps(spec);
  return render(ops, spec.seed ?? 7);
}

// ---------------------------------------------------------------------------
// Other inputs

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A small 8-bit grayscale PNG that looks like a scanned page with lines of text. */
export function scanPng(width = 240, height = 320): Buffer {
  const rnd = mulberry32(3);
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    const textLine = y % 12 < 5 && y > 20 && y < height - 20;
    for (let x = 0; x < width; x++) {
      const ink = textLine && x > 16 && x < width - 16 && rnd() < 0.45;
      raw[y * (width + 1) + 1 + x] = ink ? 30 : 245;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A page with only an image on it (no text at all), like a scanned guia. */
export function makeScannedPdf(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 0 });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.image(scanPng(), 0, 0, { width: 595 });
    doc.end();
  });
}

/** A PNG, as a user uploading the wrong file would send it. */
export function notAPdf(): Buffer {
  return scanPng(16, 16);
}

/** A valid DAS whose opening needs a user password. */
export async function makeEncryptedPdf(): Promise<Buffer> {
  return render(arrecadacaoOps({ layout: 'das' }), 7, {
    userPassword: 'segredo',
    ownerPassword: 'dono',
    pdfVersion: '1.7',
  });
}

/** A text PDF that is not a guia: a service contract mentioning a CNPJ, values and a due day. */
export async function makeContractPdf(): Promise<Buffer> {
  const lines = [
    ['CONTRATO DE PRESTAÇÃO DE SERVIÇOS CONTÁBEIS', 13, true],
    [`CONTRATANTE: PADARIA SÃO JOÃO LTDA, inscrita no CNPJ sob nº ${formatCnpj(DEFAULT_CNPJ)},`, 9, false],
    ['com sede na Rua das Flores, 123, São Paulo - SP.', 9, false],
    ['CLÁUSULA PRIMEIRA - DO OBJETO', 10, true],
    ['Prestação de serviços de contabilidade, apuração do Simples Nacional e folha de pagamento.', 9, false],
    ['CLÁUSULA SEGUNDA - DO VALOR', 10, true],
    ['Valor mensal: R$ 1.200,00. Data de Vencimento: todo dia 10 de cada mês.', 9, false],
    ['São Paulo, 30/11/2026.', 9, false],
  ] as const;
  return render(
    lines.map(([s, size, bold], i) => txt(s, 50, 60 + i * 24, size, bold)),
    11,
  );
}

/** `pages` pages, each printing "Página N de M" (to test the page limit). */
export function makeMultiPagePdf(pages: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    for (let p = 1; p <= pages; p++) {
      doc.addPage();
      doc.font('Helvetica').fontSize(12).text(`Página ${p} de ${pages}`, 50, 50, { lineBreak: false });
    }
    doc.end();
  });
}

/**
 * A one-page PDF whose Flate content stream inflates to `inflatedMb` MiB of
 * whitespace (a "decompression bomb": a few hundred KiB on disk).
 */
export async function makeDecompressionBombPdf(inflatedMb: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  deflate.write(Buffer.from('BT /F1 12 Tf 72 720 Td (Bomba) Tj ET\n', 'latin1'));
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  for (let i = 0; i < inflatedMb; i++) {
    if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  const stream = Buffer.concat(out);
  const objs: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    ),
    Buffer.concat([
      Buffer.from(`<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`),
      stream,
      Buffer.from('\nendstream'),
    ]),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  const offsets: number[] = [];
  let pos = parts[0].length;
  objs.forEach((body, i) => {
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    offsets.push(pos);
    parts.push(b);
    pos += b.length;
  });
  const xref =
    `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${pos}\n%%EOF\n`;
  parts.push(Buffer.from(xref));
  return Buffer.concat(parts);
}
