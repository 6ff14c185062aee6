import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  makeDecompressionBombPdf,
  makeEncryptedPdf,
  makeGuiaPdf,
  makeMultiPagePdf,
  makeScannedPdf,
  notAPdf,
} from '../../../../test/fixtures/guias.js';
import {
  extractionThreadsStarted,
  extractPdfText,
  hasText,
  looksLikePdf,
  PdfReadError,
  setMaxConcurrentExtractions,
  sortReadingOrder,
} from './pdf-text.js';

async function failure(p: Promise<unknown>): Promise<PdfReadError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PdfReadError);
    return e as PdfReadError;
  }
  throw new Error('expected a PdfReadError');
}

describe('extractPdfText', () => {
  afterEach(() => vi.restoreAllMocks());

  it('returns positioned items, y from the top, in content-stream (shuffled) order', async () => {
    const items = await extractPdfText(await makeGuiaPdf({ layout: 'das' }));
    expect(items.length).toBeGreaterThan(50);
    const title = items.find((i) => i.str === 'Documento de Arrecadação do Simples Nacional')!;
    const total = items.find((i) => i.str === 'Valor Total do Documento')!;
    expect(title).toMatchObject({ page: 1, x: 130 });
    expect(title.y).toBeLessThan(total.y); // the title is printed above
    expect(title.y).toBeGreaterThan(30);
    expect(title.y).toBeLessThan(60);
    const sorted = sortReadingOrder(items);
    expect(items.map((i) => i.str)).not.toEqual(sorted.map((i) => i.str));
    expect(sorted[0].str).toBe('Documento de Arrecadação do Simples Nacional');
  });

  it('returns [] for an image-only (scanned) PDF', async () => {
    const items = await extractPdfText(await makeScannedPdf());
    expect(items).toEqual([]);
    expect(hasText(items)).toBe(false);
  });

  it('reads at most maxPages pages (default 3)', async () => {
    const pdf = await makeMultiPagePdf(5);
    expect((await extractPdfText(pdf)).map((i) => i.str)).toEqual([
      'Página 1 de 5',
      'Página 2 de 5',
      'Página 3 de 5',
    ]);
    expect((await extractPdfText(pdf, { maxPages: 1 })).map((i) => i.page)).toEqual([1]);
  });

  it('refuses what is not a PDF', async () => {
    expect(looksLikePdf(notAPdf())).toBe(false);
    expect((await failure(extractPdfText(notAPdf()))).reason).toBe('Arquivo não é um PDF');
    expect((await failure(extractPdfText(new Uint8Array()))).reason).toBe('Arquivo não é um PDF');
  });

  it('reports password-protected PDFs', async () => {
    expect((await failure(extractPdfText(await makeEncryptedPdf()))).reason).toBe('PDF protegido por senha');
  });

  it('reports garbage after a PDF header as corrupt', async () => {
    const junk = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4000, 0x41)]);
    expect((await failure(extractPdfText(junk))).reason).toBe('PDF corrompido ou ilegível');
  });

  it('survives truncated PDFs: partial text or a corrupt error, never anything else', async () => {
    const pdf = await makeGuiaPdf({ layout: 'gps' });
    for (const cut of [0.25, 0.5, 0.9]) {
      const part = pdf.subarray(0, Math.floor(pdf.length * cut));
      const r = await extractPdfText(part).then(
        (items) => ({ items }),
        (e: unknown) => ({ error: e }),
      );
      if ('error' in r) expect((r.error as PdfReadError).reason).toBe('PDF corrompido ou ilegível');
      else expect(Array.isArray(r.items)).toBe(true);
    }
  });

  it('enforces the byte limit, the timeout and the worker heap limit', async () => {
    const pdf = await makeGuiaPdf({ layout: 'das' });
    expect((await failure(extractPdfText(pdf, { maxBytes: 1000 }))).reason).toBe('PDF grande demais');
    expect((await failure(extractPdfText(pdf, { timeoutMs: 5 }))).reason).toBe('Tempo esgotado ao ler o PDF');
    const oom = await failure(extractPdfText(pdf, { maxHeapMb: 2 }));
    expect(oom.reason).toBe('PDF corrompido ou ilegível');
  });

  it('stops a decompression bomb (off-heap memory) with the RSS watchdog', async () => {
    const bomb = await makeDecompressionBombPdf(384); // ~390 KB on disk
    expect(bomb.length).toBeLessThan(1_000_000);
    const e = await failure(extractPdfText(bomb, { maxMemoryMb: 96 }));
    expect(e.reason).toBe('PDF corrompido ou ilegível');
    expect(e.detail).toMatch(/memory/);
    // A small one is fine.
    expect((await extractPdfText(await makeDecompressionBombPdf(1))).map((i) => i.str)).toEqual(['Bomba']);
  });

  it('reads file after file in one thread, and replaces a thread that failed', async () => {
    setMaxConcurrentExtractions(1);
    try {
      const das = await makeGuiaPdf({ layout: 'das' });
      const expected = (await extractPdfText(das)).map((i) => i.str);
      const before = extractionThreadsStarted();
      for (let i = 0; i < 5; i++) expect((await extractPdfText(das)).map((x) => x.str)).toEqual(expected);
      // A file pdf.js refuses is an answer too: the thread reads on.
      expect((await failure(extractPdfText(await makeEncryptedPdf()))).reason).toBe(
        'PDF protegido por senha',
      );
      expect((await extractPdfText(das)).map((x) => x.str)).toEqual(expected);
      expect(extractionThreadsStarted()).toBe(before);
      // A thread that ran out of time goes; the next file gets a fresh one and reads the same.
      expect((await failure(extractPdfText(das, { timeoutMs: 5 }))).reason).toBe(
        'Tempo esgotado ao ler o PDF',
      );
      expect((await extractPdfText(das)).map((x) => x.str)).toEqual(expected);
      expect(extractionThreadsStarted()).toBe(before + 1);
      // After a decompression bomb killed its thread, still the same text.
      await failure(extractPdfText(await makeDecompressionBombPdf(384), { maxMemoryMb: 96 }));
      expect((await extractPdfText(das)).map((x) => x.str)).toEqual(expected);
      expect(extractionThreadsStarted()).toBe(before + 2);
    } finally {
      setMaxConcurrentExtractions(2);
    }
  });

  it('queues calls beyond the concurrency limit and completes them all', async () => {
    setMaxConcurrentExtractions(1);
    try {
      const pdf = await makeGuiaPdf({ layout: 'gps' });
      const results = await Promise.all([1, 2, 3].map(() => extractPdfText(pdf)));
      expect(new Set(results.map((r) => r.length)).size).toBe(1);
      expect(results[0].length).toBeGreaterThan(20);
    } finally {
      setMaxConcurrentExtractions(2);
    }
  });

  it('leaves the caller’s buffer intact and prints nothing', async () => {
    const out = vi.spyOn(process.stdout, 'write');
    const err = vi.spyOn(process.stderr, 'write');
    const warn = vi.spyOn(console, 'warn');
    const log = vi.spyOn(console, 'log');
    const pdf = await makeGuiaPdf({ layout: 'gfd' });
    const copy = Buffer.from(pdf);
    await extractPdfText(pdf);
    await extractPdfText(await makeScannedPdf());
    expect(pdf.equals(copy)).toBe(true);
    for (const spy of [out, err, warn, log]) expect(spy).not.toHaveBeenCalled();
  });
});
