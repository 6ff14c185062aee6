import { SERVICE_FORM_TEMPLATES } from '@connecthub/backend/contract';
import { describe, expect, it } from 'vitest';
import { draftFromTemplate, emptyDraft, localIssues, newField, requestBody, splitIssues } from './builder';

describe('form builder drafts', () => {
  it('sends a template as the contract expects', () => {
    const draft = draftFromTemplate(SERVICE_FORM_TEMPLATES[0]);
    expect(localIssues(draft)).toEqual([]);
    const body = requestBody(draft);
    expect(body.slaDays).toBe(3);
    expect(body.fields?.find((f) => f.key === 'jornada')?.options).toHaveLength(4);
    expect(body.fields?.find((f) => f.key === 'nome')?.options).toEqual([]);
  });

  it('puts each problem next to its field', () => {
    const draft = emptyDraft();
    const a = newField('text', []);
    a.label = 'Nome';
    a.key = 'nome';
    const b = newField('select', ['nome']);
    b.label = 'Outro';
    b.key = 'nome';
    draft.fields = [a, b];
    const errors = splitIssues(localIssues(draft), draft.fields);
    expect(errors.top.title).toBe('informe o título');
    expect(errors.fields[b.uid]?.key).toBe('chave repetida no formulário');
    expect(errors.fields[b.uid]?.options).toBe('uma lista precisa de ao menos uma opção');
    expect(errors.fields[a.uid]).toBeUndefined();
  });

  it('reads options one per line and an empty SLA as none', () => {
    const draft = emptyDraft();
    draft.title = 'Teste';
    const f = newField('select', []);
    f.label = 'Escolha';
    f.optionsText = ' A \n\nB\n';
    draft.fields = [f];
    const body = requestBody(draft);
    expect(body.fields?.[0].options).toEqual(['A', 'B']);
    expect(body.slaDays).toBeNull();
    draft.slaDays = '200';
    expect(splitIssues(localIssues(draft), draft.fields).top.slaDays).toBe(
      'Use um número de 1 a 120 dias úteis',
    );
  });
});
