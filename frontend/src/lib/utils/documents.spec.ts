import type { Document } from '@connecthub/backend/contract';
import { describe, expect, it } from 'vitest';
import {
  countLabel,
  documentKindLabel,
  dueRelative,
  dueState,
  formatBRL,
  formatCompetence,
  formatDueDate,
  formatLinhaDigitavel,
  linhaDigits,
  matchesFilter,
  pendingGuias,
  statusTone,
  todayYmd,
  visibleFilters,
} from './documents';

// 2026-11-10 22:30 in São Paulo (UTC-3) is already the 11th in UTC.
const now = Date.parse('2026-11-11T01:30:00Z');

function doc(over: Partial<Document> = {}): Document {
  return {
    id: 'd1',
    clientId: 'c1',
    category: 'guia',
    type: 'das',
    title: 'DAS 11/2026',
    fileName: 'das.pdf',
    competence: '2026-11',
    dueDate: '2026-12-20',
    payUntil: null,
    amountCents: 123456,
    documentNumber: null,
    barcode: null,
    status: 'pending',
    origin: 'firm',
    createdAt: '2026-11-01T12:00:00Z',
    linhaDigitavel: null,
    pix: false,
    message: null,
    openedAt: null,
    downloadedAt: null,
    paidAt: null,
    receiptId: null,
    emailUntil: null,
    batchId: null,
    size: 1000,
    ...over,
  };
}

describe('document formatting (pt-BR)', () => {
  it('formats money, competence and dates', () => {
    expect(formatBRL(123456)).toBe('R$\u00a01.234,56');
    expect(formatBRL(5)).toBe('R$\u00a00,05');
    expect(formatBRL(null)).toBe('—');
    expect(formatCompetence('2026-11')).toBe('11/2026');
    expect(formatCompetence(null)).toBe('—');
    expect(formatDueDate('2026-12-20')).toBe('20/12/2026');
    expect(formatDueDate(null)).toBe('—');
  });

  it('takes today in São Paulo, not UTC', () => {
    expect(todayYmd(now)).toBe('2026-11-10');
  });

  it('pluralizes with Intl.PluralRules', () => {
    expect(countLabel(1, 'guia pendente', 'guias pendentes')).toBe('1 guia pendente');
    expect(countLabel(2, 'guia pendente', 'guias pendentes')).toBe('2 guias pendentes');
    expect(countLabel(1500, 'documento', 'documentos')).toBe('1.500 documentos');
    expect(countLabel(0, 'guia pendente', 'guias pendentes', 'Nenhuma guia pendente')).toBe(
      'Nenhuma guia pendente',
    );
  });

  it('names the kind of a document', () => {
    expect(documentKindLabel(doc())).toBe('DAS – Simples Nacional');
    expect(documentKindLabel(doc({ type: 'fgts' }))).toBe('FGTS Digital (GFD)');
    expect(documentKindLabel(doc({ type: null }))).toBe('Guia');
    expect(documentKindLabel(doc({ category: 'certidao', type: null }))).toBe('Certidão');
  });
});

describe('due state', () => {
  it('is overdue, soon or ok by calendar days in São Paulo', () => {
    expect(dueState(doc({ dueDate: '2026-11-09' }), now)).toBe('overdue');
    expect(dueState(doc({ dueDate: '2026-11-10' }), now)).toBe('soon');
    expect(dueState(doc({ dueDate: '2026-11-15' }), now)).toBe('soon');
    expect(dueState(doc({ dueDate: '2026-11-16' }), now)).toBe('ok');
    expect(dueState(doc({ status: 'overdue', dueDate: '2026-12-01' }), now)).toBe('overdue');
    // Reissued: the printed due date passed, "pagar até" did not.
    expect(dueState(doc({ dueDate: '2026-10-20', payUntil: '2026-11-30' }), now)).toBe('ok');
    expect(dueState(doc({ status: 'paid', dueDate: '2026-11-01' }), now)).toBeNull();
    expect(dueState(doc({ category: 'certidao', type: null, status: null }), now)).toBeNull();
  });

  it('says it relative to today', () => {
    expect(dueRelative('2026-11-10', now)).toBe('vence hoje');
    expect(dueRelative('2026-11-11', now)).toBe('vence amanhã');
    expect(dueRelative('2026-11-13', now)).toBe('vence em 3 dias');
    expect(dueRelative('2026-11-09', now)).toBe('venceu ontem');
    expect(dueRelative('2026-11-05', now)).toBe('venceu há 5 dias');
  });

  it('colours the status pill', () => {
    expect(statusTone(doc({ dueDate: '2026-11-01' }), now)).toBe('red');
    expect(statusTone(doc({ dueDate: '2026-11-12' }), now)).toBe('amber');
    expect(statusTone(doc(), now)).toBe('blue');
    expect(statusTone(doc({ status: 'paid' }), now)).toBe('green');
    expect(statusTone(doc({ status: 'replaced' }), now)).toBe('plain');
  });

  it('lists open guias by due date, most urgent first', () => {
    const list = [
      doc({ id: 'a', dueDate: '2026-12-20' }),
      doc({ id: 'b', dueDate: null }),
      doc({ id: 'c', dueDate: '2026-11-01', status: 'overdue' }),
      doc({ id: 'd', status: 'paid' }),
      doc({ id: 'e', category: 'certidao', type: null, status: null }),
      doc({ id: 'f', dueDate: '2026-11-20' }),
    ];
    expect(pendingGuias(list).map((d) => d.id)).toEqual(['c', 'f', 'a', 'b']);
  });
});

describe('linha digitável', () => {
  it('is the linha the server read, digits only, or nothing', () => {
    const given = '858100000121345603282024611100000000000000000010';
    expect(linhaDigits({ linhaDigitavel: given })).toBe(given);
    expect(linhaDigits({ linhaDigitavel: '85810000012-1 34560328202-4 61110000000-0 00000000001-0' })).toBe(
      given,
    );
    expect(linhaDigits({ linhaDigitavel: '123' })).toBeNull();
    expect(linhaDigits({ linhaDigitavel: null })).toBeNull();
  });

  it('prints 4 groups of 12 digits', () => {
    expect(formatLinhaDigitavel('858100000121345603282024611100000000000000000010')).toBe(
      '85810000012-1 34560328202-4 61110000000-0 00000000001-0',
    );
    expect(formatLinhaDigitavel('8581 0000012-1')).toBe('858100000121');
    expect(formatLinhaDigitavel(null)).toBe('');
  });
});

describe('filters', () => {
  it('matches chips', () => {
    expect(matchesFilter(doc(), 'das')).toBe(true);
    expect(matchesFilter(doc({ type: 'das-mei' }), 'das')).toBe(true);
    expect(matchesFilter(doc({ type: 'gps' }), 'das')).toBe(false);
    expect(matchesFilter(doc({ type: 'gps' }), 'gps')).toBe(true);
    expect(matchesFilter(doc(), 'guias')).toBe(true);
    expect(matchesFilter(doc({ category: 'folha', type: null }), 'outros')).toBe(true);
    expect(matchesFilter(doc({ category: 'comprovante', type: null }), 'comprovantes')).toBe(true);
    expect(matchesFilter(doc({ origin: 'client' }), 'enviados')).toBe(true);
    expect(matchesFilter(doc(), 'all')).toBe(true);
  });

  it('shows only the chips the permissions allow', () => {
    const keys = (p: { documents: boolean; dasSimples: boolean; dasMei: boolean; sendGuides: boolean }) =>
      visibleFilters(p).map((f) => f.key);
    expect(keys({ documents: false, dasSimples: true, dasMei: false, sendGuides: false })).toEqual([
      'all',
      'guias',
      'das',
    ]);
    expect(keys({ documents: true, dasSimples: false, dasMei: false, sendGuides: false })).not.toContain(
      'das',
    );
  });
});
