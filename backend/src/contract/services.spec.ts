import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  checkAnswers,
  type FormField,
  isBusinessDay,
  parseCpf,
  parsePhone,
  SERVICE_FORM_TEMPLATES,
  serviceFormRequestSchema,
  todayInBrazil,
} from './services.js';

const field = (type: FormField['type'], extra: Partial<FormField> = {}): FormField => ({
  key: 'f',
  label: 'F',
  type,
  required: true,
  help: '',
  options: [],
  ...extra,
});

describe('Serviços answer checks', () => {
  it('validates CPF check digits, with or without punctuation', () => {
    expect(parseCpf('529.982.247-25')).toBe('52998224725');
    expect(parseCpf('52998224725')).toBe('52998224725');
    expect(parseCpf('529.982.247-26')).toBeNull();
    expect(parseCpf('000.000.000-00')).toBeNull();
    expect(parseCpf('5299822472')).toBeNull();
  });

  it('reads Brazilian phones with DDD, +55 and punctuation', () => {
    expect(parsePhone('(11) 98765-4321')).toBe('11987654321');
    expect(parsePhone('+55 11 3333-4444')).toBe('1133334444');
    expect(parsePhone('11 88765-4321')).toBeNull(); // 11 digits must be a mobile (9…)
    expect(parsePhone('01 3333-4444')).toBeNull();
    expect(parsePhone('3333-4444')).toBeNull();
  });

  it('keeps a draft’s unfinished values but refuses them on submit', () => {
    const fields = [field('cpf', { key: 'cpf' }), field('money', { key: 'valor' })];
    expect(checkAnswers(fields, { cpf: '529.98' }, { partial: true })).toEqual({
      answers: { cpf: '529.98' },
      issues: [],
    });
    expect(checkAnswers(fields, { cpf: '529.98' }).issues).toEqual([
      { path: 'answers.cpf', message: 'CPF inválido: confira os dígitos' },
      { path: 'answers.valor', message: 'Preenchimento obrigatório' },
    ]);
    // What the person typed is kept as text; anything else that fails is refused even in a draft.
    expect(checkAnswers(fields, { valor: '1.234,5' }, { partial: true }).answers).toEqual({
      valor: '1.234,5',
    });
    expect(checkAnswers(fields, { valor: { cents: 1 } }, { partial: true }).issues).toHaveLength(1);
  });

  it('counts business days past weekends and national holidays, Carnaval included', () => {
    expect(isBusinessDay('2027-02-08')).toBe(false); // Carnaval Monday 2027
    expect(isBusinessDay('2027-02-09')).toBe(false); // Carnaval Tuesday
    expect(isBusinessDay('2027-03-26')).toBe(false); // Sexta-feira Santa
    expect(isBusinessDay('2026-11-20')).toBe(false); // Consciência Negra
    expect(addBusinessDays('2026-12-01', 5)).toBe('2026-12-08');
    expect(addBusinessDays('2026-12-24', 1)).toBe('2026-12-28'); // Christmas, then the weekend
    expect(addBusinessDays('2027-02-05', 1)).toBe('2027-02-10');
    expect(todayInBrazil(new Date('2026-12-01T02:00:00Z'))).toBe('2026-11-30'); // 23:00 in São Paulo
  });

  it('ships templates that are valid forms', () => {
    for (const t of SERVICE_FORM_TEMPLATES)
      expect(serviceFormRequestSchema.safeParse(t).success, t.title).toBe(true);
  });
});
