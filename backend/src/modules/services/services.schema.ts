import { Schema, type Types } from 'mongoose';
import type { FormField, ServiceOrderStatus } from '../../contract/index.js';

/** A service form's current version (the builder edits it; the portal offers it). */
export interface ServiceFormDoc {
  _id: Types.ObjectId;
  firmId: Types.ObjectId;
  title: string;
  description: string;
  fields: FormField[];
  version: number;
  audience: 'all' | 'selected';
  clientIds: Types.ObjectId[];
  slaDays: number | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Every version a form ever had, by `<formId>:<version>`: an order is checked and shown with its own. */
export interface ServiceFormVersionDoc {
  _id: string;
  firmId: Types.ObjectId;
  formId: Types.ObjectId;
  version: number;
  title: string;
  fields: FormField[];
  slaDays: number | null;
  createdAt: Date;
}

export interface TimelineDoc {
  at: Date;
  by: { kind: 'staff' | 'client' | 'system'; id: string; name: string };
  event: 'opened' | 'status' | 'note' | 'assigned' | 'reply';
  status: ServiceOrderStatus;
  note: string | null;
  assigneeId?: string | null;
  fileIds?: string[];
}

export interface ServiceOrderDoc {
  _id: Types.ObjectId;
  firmId: Types.ObjectId;
  clientId: Types.ObjectId;
  /** The client's name when the order was opened (the list shows it without a lookup). */
  clientName: string;
  number: number;
  formId: Types.ObjectId | null;
  formVersion: number | null;
  title: string;
  status: ServiceOrderStatus;
  assigneeId: Types.ObjectId | null;
  answers: Record<string, unknown>;
  /** YYYY-MM-DD or null. */
  dueDate: string | null;
  origin: 'client' | 'firm';
  timeline: TimelineDoc[];
  createdAt: Date;
  updatedAt: Date;
}

/** A client's unfinished answers to one form, by `<clientId>:<formId>`. */
export interface ServiceDraftDoc {
  _id: string;
  firmId: Types.ObjectId;
  clientId: Types.ObjectId;
  formId: Types.ObjectId;
  formVersion: number;
  answers: Record<string, unknown>;
  updatedAt: Date;
}

/** Per-firm sequences (`serviceOrders:<firmId>` → the last OS number given). */
export interface CounterDoc {
  _id: string;
  seq: number;
}

export const SERVICE_FORM_MODEL = 'ServiceForm';
export const SERVICE_FORM_VERSION_MODEL = 'ServiceFormVersion';
export const SERVICE_ORDER_MODEL = 'ServiceOrder';
export const SERVICE_DRAFT_MODEL = 'ServiceDraft';
export const COUNTER_MODEL = 'Counter';

const fieldDefinition = {
  _id: false,
  key: String,
  label: String,
  type: { type: String },
  required: Boolean,
  help: String,
  options: [String],
};

export const serviceFormSchema = new Schema<ServiceFormDoc>(
  {
    firmId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    description: { type: String, default: '' },
    fields: { type: [fieldDefinition], default: [] },
    version: { type: Number, required: true },
    audience: { type: String, required: true },
    clientIds: { type: [Schema.Types.ObjectId], default: [] },
    slaDays: { type: Number, default: null },
    active: { type: Boolean, default: true },
  },
  { collection: 'serviceForms', timestamps: true },
);
// Rebuilding a firm's form directory (lists read the directory, then each form by _id).
serviceFormSchema.index({ firmId: 1 });

export const serviceFormVersionSchema = new Schema<ServiceFormVersionDoc>(
  {
    _id: { type: String, required: true },
    firmId: { type: Schema.Types.ObjectId, required: true },
    formId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    title: { type: String, required: true },
    fields: { type: [fieldDefinition], default: [] },
    slaDays: { type: Number, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'serviceFormVersions', timestamps: false, versionKey: false },
);

const timelineDefinition = {
  _id: false,
  at: Date,
  by: { kind: String, id: String, name: String },
  event: String,
  status: String,
  note: { type: String, default: null },
  assigneeId: { type: String, default: undefined },
  fileIds: { type: [String], default: undefined },
};

export const serviceOrderSchema = new Schema<ServiceOrderDoc>(
  {
    firmId: { type: Schema.Types.ObjectId, required: true },
    clientId: { type: Schema.Types.ObjectId, required: true },
    clientName: { type: String, required: true },
    number: { type: Number, required: true },
    formId: { type: Schema.Types.ObjectId, default: null },
    formVersion: { type: Number, default: null },
    title: { type: String, required: true },
    status: { type: String, required: true },
    assigneeId: { type: Schema.Types.ObjectId, default: null },
    answers: { type: Schema.Types.Mixed, default: {} },
    dueDate: { type: String, default: null },
    origin: { type: String, required: true },
    timeline: { type: [timelineDefinition], default: [] },
  },
  { collection: 'serviceOrders', timestamps: true, minimize: false },
);
// OS numbers are unique per firm (the counter gives them; the index proves it).
serviceOrderSchema.index({ firmId: 1, number: 1 }, { unique: true });
// Rebuilding a client's order directory (lists read directories, then each order by _id).
serviceOrderSchema.index({ clientId: 1 });

export const serviceDraftSchema = new Schema<ServiceDraftDoc>(
  {
    _id: { type: String, required: true },
    firmId: { type: Schema.Types.ObjectId, required: true },
    clientId: { type: Schema.Types.ObjectId, required: true },
    formId: { type: Schema.Types.ObjectId, required: true },
    formVersion: { type: Number, required: true },
    answers: { type: Schema.Types.Mixed, default: {} },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'serviceDrafts', timestamps: false, versionKey: false, minimize: false },
);

export const counterSchema = new Schema<CounterDoc>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { collection: 'counters', timestamps: false, versionKey: false },
);
