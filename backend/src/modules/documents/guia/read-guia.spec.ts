import { describe, expect, it } from 'vitest';
import { completeCnpj } from '../../../contract/cnpj.js';

import {
  ALNUM_CNPJ,
  DEFAULT_CNPJ,
  makeContractPdf,
  makeEncryptedPdf,
  makeGuiaPdf,
  makeScannedPdf,
  notAPdf,
  resolveSpec,
  specBarcode,
  type GuiaSpec,
} from '../../../../test/fixtures/guias.js';
import { extractPdfText, PdfReadError, type TextItem } from './pdf-text.js';
import {
  formatMoney,
  parseCompetence,
  parseDate,
  parseMoney,
  readGuia,
  readGuiaPdf,
  REASON_NO_TEXT,
  REASON_UNKNOWN_LAYOUT,
  type GuiaFields,
} from './read-guia.js';

const TYPE = {
  das: 'das',
  'das-mei': 'das-mei',
  'darf-dctfweb': 'darf',
  'darf-old': 'darf',
  gps: 'gps',
  gfd: 'fgts',
} as const;

/** What a valid guia built from `spec` must read as. */
function expected(spec: GuiaSpec): GuiaFields {
  const r = resolveSpec(spec);
  const hasBarcode = spec.layout !== 'gfd' && spec.withBarcode !== false;
  const { barcode, linha } = specBarcode(spec, spec.layout === 'gps' ? 6 : 8);
  return {
    type: TYPE[spec.layout],
    cnpj: spec.layout === 'gfd' ? null : r.cnpj,
    cnpjRoot: r.cnpjRoot,
    companyName: r.companyName,
    competence: r.competence,
    dueDate: r.dueDate,
    payUntil: spec.layout === 'darf-old' || spec.layout === 'gps' ? null : r.payUntil,
    amountCents: r.amountCents,
    documentNumber: spec.layout === 'darf-old' || spec.layout === 'gps' ? null : r.documentNumber,
    barcode: hasBarcode ? barcode : null,
    linhaDigitavel: hasBarcode ? linha : null,
    pix: spec.layout === 'gfd',
  };
}

async function read(spec: GuiaSpec) {
  return readGuiaPdf(await makeGuiaPdf(spec));
}

describe('readGuiaPdf: every layout', () => {
  const specs: GuiaSpec[] = [
    { layout: 'das' },
    { layout: 'darf-dctfweb' },
    { layout: 'das-mei' },
    { layout: 'darf-old' },
    { layout: 'gps' },
    { layout: 'gfd' },
  ];
  for (const spec of specs) {
    it(`${spec.layout} parses to exactly the printed fields`, async () => {
      expect(await read(spec)).toEqual({ kind: 'guia', fields: expected(spec) });
    });
  }

  it('the DAS fields are the literal values printed', async () => {
    const r = await read({ layout: 'das' });
    expect(r).toMatchObject({
      kind: 'guia',
      fields: {
        cnpj: DEFAULT_CNPJ,
        cnpjRoot: DEFAULT_CNPJ.slice(0, 8),
        companyName: 'PADARIA SÃO JOÃO LTDA',
        competence: '2026-11',
        dueDate: '2026-12-22',
        payUntil: '2026-12-22',
        amountCents: 123_456,
        documentNumber: '07.20.26334.1234567-8',
        pix: false,
      },
    });
  });

  it('does not depend on the content-stream order (other shuffle seeds, shuffled items)', async () => {
    for (const seed of [1, 2, 3]) {
      for (const layout of ['das', 'gps', 'gfd', 'darf-old'] as const) {
        const spec = { layout, seed };
        const items = await extractPdfText(await makeGuiaPdf(spec));
        expect(readGuia(items)).toEqual({ kind: 'guia', fields: expected(spec) });
        expect(readGuia([...items].reverse())).toEqual({ kind: 'guia', fields: expected(spec) });
      }
    }
    // Twelve PDFs through pdf.js: a budget for a busy machine, not a speed check.
  }, 60_000);

  it('reads a reissued late DAS: payUntil differs from dueDate', async () => {
    const spec: GuiaSpec = {
      layout: 'das',
      dueDate: '2026-12-22',
      payUntil: '2027-01-29',
      amountCents: 131_020,
    };
    const r = await read(spec);
    expect(r).toEqual({ kind: 'guia', fields: expected(spec) });
    if (r.kind === 'guia')
      expect([r.fields.dueDate, r.fields.payUntil]).toEqual(['2026-12-22', '2027-01-29']);
  });

  it('reads an alphanumeric CNPJ', async () => {
    for (const layout of ['das', 'darf-dctfweb', 'gps', 'darf-old'] as const) {
      const r = await read({ layout, cnpj: ALNUM_CNPJ });
      expect(r).toMatchObject({ kind: 'guia', fields: { cnpj: '12ABC34501DE35', cnpjRoot: '12ABC345' } });
    }
  });

  it('reads an alphanumeric CNPJ with no digit before its check digits (found by the benchmark)', async () => {
    const cnpj = completeCnpj('OWZIMIDPDADA');
    for (const layout of ['das', 'darf-dctfweb', 'gps', 'darf-old'] as const) {
      const r = await read({ layout, cnpj });
      expect(r).toMatchObject({ kind: 'guia', fields: { cnpj, cnpjRoot: 'OWZIMIDP' } });
    }
    const gfd = await read({ layout: 'gfd', cnpjRoot: 'UDEEQWGW' });
    expect(gfd).toMatchObject({ kind: 'guia', fields: { cnpjRoot: 'UDEEQWGW', cnpj: null } });
  });

  it('reads a GFD: root only, no barcode, pays by PIX (both root labels, alphanumeric root)', async () => {
    const r = await read({
      layout: 'gfd',
      cnpjRoot: '12ABC345',
      gfdRootLabel: 'inscricao',
      amountCents: 98_765,
    });
    expect(r).toEqual({
      kind: 'guia',
      fields: expect.objectContaining({
        type: 'fgts',
        cnpj: null,
        cnpjRoot: '12ABC345',
        barcode: null,
        linhaDigitavel: null,
        pix: true,
        amountCents: 98_765,
      }),
    });
  });

  it('numbered DARF and GPS without a barcode are still guias', async () => {
    for (const layout of ['darf-old', 'gps'] as const) {
      const spec = { layout, withBarcode: false };
      expect(await read(spec)).toEqual({ kind: 'guia', fields: expected(spec) });
    }
  });
});

describe('readGuiaPdf: checks that send a guia to review', () => {
  for (const block of [1, 2, 3, 4] as const) {
    it(`broken check digit of block ${block}`, async () => {
      const r = await read({ layout: 'das', breakCheckDigit: block });
      expect(r).toMatchObject({
        kind: 'review',
        reason: `Dígito verificador do bloco ${block} não confere`,
        fields: {
          type: 'das',
          cnpj: DEFAULT_CNPJ,
          amountCents: 123_456,
          barcode: null,
          linhaDigitavel: null,
        },
      });
    });
  }

  it('broken general check digit', async () => {
    for (const layout of ['darf-dctfweb', 'gps'] as const) {
      expect(await read({ layout, breakCheckDigit: 'general' })).toMatchObject({
        kind: 'review',
        reason: 'Dígito verificador geral do código de barras não confere',
      });
    }
  });

  it('barcode value differs from the printed total', async () => {
    expect(await read({ layout: 'das', barcodeValueCents: 123_400 })).toMatchObject({
      kind: 'review',
      reason: 'Valor do código de barras (R$ 1.234,00) difere do total impresso (R$ 1.234,56)',
      fields: { amountCents: 123_456 },
    });
  });

  it('composição total differs from the printed total', async () => {
    expect(await read({ layout: 'darf-dctfweb', compositionTotalCents: 120_000 })).toMatchObject({
      kind: 'review',
      reason: 'Total da composição (R$ 1.200,00) difere do total impresso (R$ 1.234,56)',
    });
  });

  it('several problems are all named', async () => {
    const r = await read({ layout: 'das', compositionTotalCents: 1, barcodeValueCents: 2 });
    expect(r.kind).toBe('review');
    if (r.kind === 'review') {
      expect(r.reason).toContain('Total da composição (R$ 0,01)');
      expect(r.reason).toContain('Valor do código de barras (R$ 0,02)');
    }
  });

  it('CNPJ with wrong check digits', async () => {
    const r = await read({ layout: 'das', cnpj: '11222333000182' });
    expect(r).toMatchObject({
      kind: 'review',
      reason: 'CNPJ 11.222.333/0001-82 com dígito verificador inválido',
      fields: { cnpj: null },
    });
  });
});

describe('readGuiaPdf: what is not a readable guia', () => {
  it('scanned PDF → unrecognized (no text)', async () => {
    expect(await readGuiaPdf(await makeScannedPdf())).toEqual({
      kind: 'unrecognized',
      reason: REASON_NO_TEXT,
    });
  });

  it('not a PDF → rethrows PdfReadError("Arquivo não é um PDF") for the caller to mark failed', async () => {
    await expect(readGuiaPdf(notAPdf())).rejects.toBeInstanceOf(PdfReadError);
    await expect(readGuiaPdf(notAPdf())).rejects.toMatchObject({ reason: 'Arquivo não é um PDF' });
  });

  it('truncated PDF → unrecognized "corrompido", never a throw', async () => {
    const pdf = await makeGuiaPdf({ layout: 'das' });
    for (const cut of [0.05, 0.2, 0.5, 0.8]) {
      expect(await readGuiaPdf(pdf.subarray(0, Math.floor(pdf.length * cut)))).toEqual({
        kind: 'unrecognized',
        reason: 'PDF corrompido ou ilegível',
      });
    }
    // Only the cross-reference table lost: pdf.js rebuilds it and every check still runs.
    const r = await readGuiaPdf(pdf.subarray(0, Math.floor(pdf.length * 0.97)));
    expect(r).toEqual({ kind: 'guia', fields: expected({ layout: 'das' }) });
  });

  it('damaged content stream → no throw', async () => {
    const pdf = Buffer.from(await makeGuiaPdf({ layout: 'gps' }));
    const start = pdf.indexOf('stream') + 40;
    for (let i = start; i < start + 400; i += 7) pdf[i] ^= 0x5a;
    const r = await readGuiaPdf(pdf);
    expect(['unrecognized', 'review']).toContain(r.kind);
  });

  it('password-protected PDF → unrecognized with the reason', async () => {
    expect(await readGuiaPdf(await makeEncryptedPdf())).toEqual({
      kind: 'unrecognized',
      reason: 'PDF protegido por senha',
    });
  });

  it('a contract (text, CNPJ, values, but no guia layout) → Layout não reconhecido', async () => {
    expect(await readGuiaPdf(await makeContractPdf())).toEqual({
      kind: 'unrecognized',
      reason: REASON_UNKNOWN_LAYOUT,
    });
  });
});

describe('readGuia on hand-made items', () => {
  const at = (str: string, x: number, y: number, height = 8): TextItem => ({ str, x, y, page: 1, height });

  it('reads "Label: value" items and a linha broken over two lines', () => {
    const { linha } = specBarcode({ layout: 'das', amountCents: 5_000 });
    const groups = linha.match(/\d{12}/g)!.map((g) => `${g.slice(0, 11)}-${g[11]}`);
    const r = readGuia([
      at('Documento de Arrecadação do Simples Nacional', 100, 40, 13),
      at(`CNPJ: ${DEFAULT_CNPJ}`, 30, 90),
      at('Razão Social: EMPRESA TESTE S.A.', 200, 90),
      at('Período de Apuração: 11/2026', 30, 110),
      at('Data de Vencimento: 22/12/2026', 200, 110),
      at('Valor Total do Documento: R$ 50,00', 30, 130),
      at(`${groups[0]} ${groups[1]}`, 30, 300, 11),
      at(`${groups[2]} ${groups[3]}`, 30, 314, 11),
    ]);
    expect(r).toMatchObject({
      kind: 'guia',
      fields: {
        cnpj: DEFAULT_CNPJ,
        companyName: 'EMPRESA TESTE S.A.',
        competence: '2026-11',
        dueDate: '2026-12-22',
        payUntil: null,
        documentNumber: null,
        amountCents: 5_000,
        linhaDigitavel: linha,
      },
    });
  });

  it('missing CNPJ, amount and linha → review naming each', () => {
    const r = readGuia([at('Documento de Arrecadação do Simples Nacional', 100, 40, 13), at('CNPJ', 30, 90)]);
    expect(r).toEqual({
      kind: 'review',
      reason: 'CNPJ não encontrado; Valor total não encontrado; Linha digitável não encontrada',
      fields: expect.objectContaining({ type: 'das', cnpj: null, amountCents: null }),
    });
  });

  it('GFD without a root → review', () => {
    const r = readGuia([
      at('Guia do FGTS Digital - GFD', 40, 50, 14),
      at('Valor a recolher', 40, 100),
      at('10,00', 40, 112),
    ]);
    expect(r).toMatchObject({
      kind: 'review',
      reason: 'Raiz do CNPJ não encontrada',
      fields: { amountCents: 1_000 },
    });
  });

  it('no items → unrecognized (no text); unknown text → Layout não reconhecido', () => {
    expect(readGuia([])).toEqual({ kind: 'unrecognized', reason: REASON_NO_TEXT });
    expect(readGuia([at('   ', 1, 1)])).toEqual({ kind: 'unrecognized', reason: REASON_NO_TEXT });
    expect(readGuia([at('Nota Fiscal de Serviços Eletrônica', 1, 1)])).toEqual({
      kind: 'unrecognized',
      reason: REASON_UNKNOWN_LAYOUT,
    });
  });
});

describe('value parsers', () => {
  it('parseMoney', () => {
    expect(parseMoney('1.234,56')).toBe(123_456);
    expect(parseMoney('R$ 1.234.567,00')).toBe(123_456_700);
    expect(parseMoney('0,07')).toBe(7);
    expect(parseMoney('1234,56')).toBe(123_456);
    for (const bad of ['1.234', '1,2', '12.34,56', 'abc', '', '1.025/69']) expect(parseMoney(bad)).toBeNull();
    expect(formatMoney(123_400)).toBe('R$ 1.234,00');
    expect(formatMoney(5)).toBe('R$ 0,05');
  });

  it('parseDate', () => {
    expect(parseDate('20/12/2026')).toBe('2026-12-20');
    expect(parseDate('29/02/2028')).toBe('2028-02-29');
    expect(parseDate('29/02/2027')).toBeNull();
    expect(parseDate('2026-12-20')).toBeNull();
  });

  it('parseCompetence', () => {
    expect(parseCompetence('Novembro/2026')).toBe('2026-11');
    expect(parseCompetence('Março/2026')).toBe('2026-03');
    expect(parseCompetence('MARCO/2026')).toBe('2026-03');
    expect(parseCompetence('11/2026')).toBe('2026-11');
    expect(parseCompetence('30/11/2026')).toBe('2026-11');
    expect(parseCompetence('13/2026')).toBeNull();
    expect(parseCompetence('Brumário/2026')).toBeNull();
  });
});
