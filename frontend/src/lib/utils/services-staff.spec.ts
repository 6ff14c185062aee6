import type { FormField } from '@connecthub/backend/contract';
import { describe, expect, it } from 'vitest';
import { answerErrors, formatAnswer, issuesOf, keyFromLabel, slaLabel } from './services';

const field = (type: FormField['type']): FormField => ({
  key: 'k',
  label: 'K',
  type,
  required: false,
  help: '',
  options: [],
});

describe('keyFromLabel', () => {
  it('turns a pt-BR label into a key', () => {
    expect(keyFromLabel('Data de início')).toBe('data_de_inicio');
    expect(keyFromLabel('  CNPJ do tomador ')).toBe('cnpj_do_tomador');
    expect(keyFromLabel('Adiantar 13º?')).toBe('adiantar_13');
    expect(keyFromLabel('13º salário')).toBe('salario');
    expect(keyFromLabel('???')).toBe('campo');
  });

  it('keeps keys within 40 characters and unique', () => {
    const long = keyFromLabel('Documentos do funcionário (RG, CTPS, comprovante de endereço)');
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long).toMatch(/^[a-z][a-z0-9_]{0,39}$/);
    expect(keyFromLabel('Nome', ['nome'])).toBe('nome_2');
    expect(keyFromLabel('Nome', ['nome', 'nome_2'])).toBe('nome_3');
    const taken = keyFromLabel('x'.repeat(50));
    expect(keyFromLabel('x'.repeat(50), [taken])).toMatch(/^x{38}_2$/);
  });
});

describe('formatAnswer', () => {
  it('reads each type as people do', () => {
    expect(formatAnswer(field('money'), 123456)).toBe('R$\u00a01.234,56');
    expect(formatAnswer(field('date'), '2026-12-07')).toBe('07/12/2026');
    expect(formatAnswer(field('yesno'), true)).toBe('Sim');
    expect(formatAnswer(field('yesno'), false)).toBe('Não');
    expect(formatAnswer(field('cpf'), '12345678909')).toBe('123.456.789-09');
    expect(formatAnswer(field('cnpj'), '11222333000181')).toBe('11.222.333/0001-81');
    expect(formatAnswer(field('phone'), '11987654321')).toBe('(11) 98765-4321');
    expect(formatAnswer(field('text'), undefined)).toBe('—');
  });

  it('says the SLA in business days', () => {
    expect(slaLabel(null)).toBe('Sem prazo');
    expect(slaLabel(1)).toBe('1 dia útil');
    expect(slaLabel(5)).toBe('5 dias úteis');
  });
});

describe('validation details', () => {
  it('maps answers.<key> paths to messages by key', () => {
    const issues = issuesOf([
      { path: 'answers.cpf', message: 'CPF inválido: confira os dígitos' },
      { path: ['answers', 'nome'], message: 'Preenchimento obrigatório' },
      { path: 'title', message: 'informe o título' },
      'junk',
    ]);
    expect(issues).toHaveLength(3);
    expect(answerErrors(issues)).toEqual({
      cpf: 'CPF inválido: confira os dígitos',
      nome: 'Preenchimento obrigatório',
    });
    expect(issuesOf(undefined)).toEqual([]);
  });
});
