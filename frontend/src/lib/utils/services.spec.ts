import { describe, expect, it } from 'vitest';
import type { FormField } from '@connecthub/backend/contract';
import {
  answerErrors,
  answerToText,
  compactAnswers,
  formatAnswer,
  parseMoneyInput,
  slaPrazo,
  sortForClient,
} from './services';

const field = (type: FormField['type'], extra: Partial<FormField> = {}): FormField => ({
  key: 'k',
  label: 'K',
  type,
  required: false,
  help: '',
  options: [],
  ...extra,
});

describe('money typed in reais', () => {
  it('reads pt-BR amounts into integer cents', () => {
    expect(parseMoneyInput('1.234,56')).toBe(123456);
    expect(parseMoneyInput('R$ 2500')).toBe(250000);
    expect(parseMoneyInput('0,5')).toBe(50);
    expect(parseMoneyInput('1.234')).toBe(123400);
    expect(parseMoneyInput('10.50')).toBe(1050);
    expect(parseMoneyInput('1.000.000,00')).toBe(100000000);
  });
  it('refuses what is not an amount', () => {
    for (const s of ['', 'abc', '-5', '1,234,5', '1,999', '12.34.56', '1.2345,00'])
      expect(parseMoneyInput(s)).toBeNull();
  });
  it('shows cents back as the input and the order page write them', () => {
    expect(answerToText(field('money'), 123456)).toBe('1.234,56');
    expect(formatAnswer(field('money'), 123456)).toBe('R$\u00a01.234,56');
  });
});

describe('answers as the order page shows them', () => {
  it('formats each type', () => {
    expect(formatAnswer(field('date'), '2026-12-07')).toBe('07/12/2026');
    expect(formatAnswer(field('yesno'), true)).toBe('Sim');
    expect(formatAnswer(field('yesno'), false)).toBe('Não');
    expect(formatAnswer(field('cpf'), '12345678909')).toBe('123.456.789-09');
    expect(formatAnswer(field('phone'), '11987654321')).toBe('(11) 98765-4321');
    expect(formatAnswer(field('cnpj'), '11222333000181')).toBe('11.222.333/0001-81');
    expect(formatAnswer(field('text'), undefined)).toBe('—');
  });
  it('resumes a draft’s digits with their punctuation', () => {
    expect(answerToText(field('cpf'), '12345678909')).toBe('123.456.789-09');
    expect(answerToText(field('phone'), '1133334444')).toBe('(11) 3333-4444');
    expect(answerToText(field('number'), 2.5)).toBe('2,5');
  });
});

describe('forms and orders', () => {
  it('leaves empty inputs out', () => {
    expect(compactAnswers({ a: '', b: '  ', c: undefined, d: 'x', e: false, f: 0 })).toEqual({
      d: 'x',
      e: false,
      f: 0,
    });
  });
  it('maps the server’s details to fields', () => {
    expect(
      answerErrors([
        { path: 'answers.cpf', message: 'CPF inválido: confira os dígitos' },
        { path: 'formId', message: 'x' },
        { path: 'answers.cpf', message: 'segunda' },
      ]),
    ).toEqual({ cpf: 'CPF inválido: confira os dígitos' });
    expect(answerErrors(undefined)).toEqual({});
  });
  it('says the SLA in business days', () => {
    expect(slaPrazo(1)).toBe('Prazo: 1 dia útil');
    expect(slaPrazo(5)).toBe('Prazo: 5 dias úteis');
    expect(slaPrazo(null)).toBeNull();
  });
  it('puts what waits for the client first and closed orders last', () => {
    const o = (id: string, status: string, createdAt: string) => ({ id, status, createdAt }) as never;
    const sorted = sortForClient([
      o('done', 'done', '2026-12-03'),
      o('old', 'open', '2026-12-01'),
      o('new', 'in_progress', '2026-12-02'),
      o('wait', 'waiting_client', '2026-11-01'),
    ]);
    expect(sorted.map((x: { id: string }) => x.id)).toEqual(['wait', 'new', 'old', 'done']);
  });
});
