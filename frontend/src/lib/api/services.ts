import {
  api,
  type CreateServiceOrderRequest,
  type ListServiceOrdersQuery,
  type ServiceFormRequest,
  type UpdateServiceOrderRequest,
} from '@connecthub/backend/contract';
import { call } from './client';

type Fetch = typeof fetch;
const s = api.services;

/** Staff side of Serviços: the firm's forms and its ordens de serviço. */
export const servicesApi = {
  forms: (fetch?: Fetch) => call(s.forms, {}, { fetch }),
  form: (id: string, fetch?: Fetch) => call(s.form, { params: { id } }, { fetch }),
  createForm: (body: ServiceFormRequest) => call(s.createForm, { body }),
  updateForm: (id: string, body: ServiceFormRequest) => call(s.updateForm, { params: { id }, body }),

  list: (query: ListServiceOrdersQuery, fetch?: Fetch) => call(s.list, { query }, { fetch }),
  get: (id: string, fetch?: Fetch) => call(s.get, { params: { id } }, { fetch }),
  create: (body: CreateServiceOrderRequest) => call(s.create, { body }),
  update: (id: string, body: UpdateServiceOrderRequest) => call(s.update, { params: { id }, body }),
};
