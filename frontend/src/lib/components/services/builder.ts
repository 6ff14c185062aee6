import {
  type FieldType,
  type FormField,
  type FormFieldInput,
  type ServiceForm,
  type ServiceFormRequest,
  serviceFormRequestSchema,
} from '@connecthub/backend/contract';
// Relative, not $lib: the unit tests (vitest, no SvelteKit aliases) import this file.
import { type Issue, keyFromLabel } from '../../utils/services';

/** A field while it is being edited (options as typed, one per line). */
export interface FieldDraft {
  uid: string;
  key: string;
  /** Once the key is typed by hand (or came from a saved form), the label no longer rewrites it. */
  keyEdited: boolean;
  label: string;
  type: FieldType;
  required: boolean;
  help: string;
  optionsText: string;
}

export interface FormDraft {
  title: string;
  description: string;
  /** As typed: empty means no promise. */
  slaDays: string;
  active: boolean;
  audience: 'all' | 'selected';
  clientIds: string[];
  fields: FieldDraft[];
}

let uids = 0;
const uid = () => `f${++uids}`;

export function fieldDraft(f: FormFieldInput, keyEdited: boolean): FieldDraft {
  return {
    uid: uid(),
    key: f.key,
    keyEdited,
    label: f.label,
    type: f.type,
    required: f.required ?? false,
    help: f.help ?? '',
    optionsText: (f.options ?? []).join('\n'),
  };
}

export function newField(type: FieldType, taken: string[]): FieldDraft {
  return {
    uid: uid(),
    key: keyFromLabel('campo', taken),
    keyEdited: false,
    label: '',
    type,
    required: false,
    help: '',
    optionsText: '',
  };
}

export function draftFromForm(form: ServiceForm): FormDraft {
  return {
    title: form.title,
    description: form.description,
    slaDays: form.slaDays ? String(form.slaDays) : '',
    active: form.active,
    audience: form.audience,
    clientIds: [...form.clientIds],
    fields: form.fields.map((f) => fieldDraft(f, true)),
  };
}

export function draftFromTemplate(t: {
  title: string;
  description: string;
  slaDays: number;
  fields: FormFieldInput[];
}): FormDraft {
  return {
    title: t.title,
    description: t.description,
    slaDays: String(t.slaDays),
    active: true,
    audience: 'all',
    clientIds: [],
    fields: t.fields.map((f) => fieldDraft(f, false)),
  };
}

export function emptyDraft(): FormDraft {
  return {
    title: '',
    description: '',
    slaDays: '',
    active: true,
    audience: 'all',
    clientIds: [],
    fields: [],
  };
}

export const optionsOf = (d: FieldDraft): string[] =>
  d.type === 'select'
    ? d.optionsText
        .split('\n')
        .map((o) => o.trim())
        .filter(Boolean)
    : [];

/** The field as the client will see it (the preview). */
export function previewField(d: FieldDraft): FormField {
  return {
    key: d.key || d.uid,
    label: d.label.trim() || 'Campo sem rótulo',
    type: d.type,
    required: d.required,
    help: d.help.trim(),
    options: optionsOf(d),
  };
}

/** What PUT/POST send; a typed SLA that is not a number goes as is for the schema to refuse. */
export function requestBody(d: FormDraft): ServiceFormRequest {
  const sla = d.slaDays.trim();
  return {
    title: d.title,
    description: d.description,
    slaDays: sla ? Number(sla) : null,
    active: d.active,
    audience: d.audience,
    clientIds: d.audience === 'selected' ? d.clientIds : [],
    fields: d.fields.map((f) => ({
      key: f.key.trim(),
      label: f.label,
      type: f.type,
      required: f.required,
      help: f.help,
      options: optionsOf(f),
    })),
  };
}

/** The contract's own check, before asking the server: the same pt-BR messages, the same paths. */
export function localIssues(d: FormDraft): Issue[] {
  const r = serviceFormRequestSchema.safeParse(requestBody(d));
  if (r.success) return [];
  return r.error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    message: friendly(i.path, i.message),
  }));
}

/** zod's English fallbacks for a few shapes, in pt-BR. */
function friendly(path: PropertyKey[], message: string): string {
  const last = String(path[path.length - 1] ?? '');
  if (last === 'slaDays') return 'Use um número de 1 a 120 dias úteis';
  if (/^Too big|^Too small|^Invalid/.test(message)) {
    if (last === 'title' || last === 'label') return 'Texto longo demais';
    return 'Valor inválido';
  }
  return message;
}

export interface BuilderErrors {
  /** title, description, slaDays, clientIds, fields (the list as a whole), '' (the form). */
  top: Record<string, string>;
  /** By field uid, then property (`''` for the field itself). */
  fields: Record<string, Record<string, string>>;
}

export function splitIssues(issues: Issue[], fields: FieldDraft[]): BuilderErrors {
  const out: BuilderErrors = { top: {}, fields: {} };
  for (const i of issues) {
    const m = /^fields\.(\d+)(?:\.([a-zA-Z]+))?/.exec(i.path);
    const f = m ? fields[Number(m[1])] : undefined;
    if (m && f) {
      const prop = m[2] ?? '';
      const bucket = (out.fields[f.uid] ??= {});
      bucket[prop] ??= i.message;
    } else {
      const top = i.path.split('.')[0] ?? '';
      out.top[top] ??= i.message;
    }
  }
  return out;
}
