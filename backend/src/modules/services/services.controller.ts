import { Controller } from '@nestjs/common';
import { api, type EndpointInput, type EndpointResponse } from '../../contract/index.js';
import { Endpoint, Input } from '../../common/endpoint.decorator.js';
import { Caller } from '../auth/auth.decorators.js';
import type { ClientPrincipal, StaffPrincipal } from '../auth/principal.js';
import { ServicesService } from './services.service.js';

const s = api.services;
type In<K extends keyof typeof s> = EndpointInput<(typeof s)[K]>;
type Out<K extends keyof typeof s> = Promise<EndpointResponse<(typeof s)[K]>>;

/** Serviços: service forms and ordens de serviço (contract: `servicesApi`). */
@Controller()
export class ServicesController {
  constructor(private readonly services: ServicesService) {}

  @Endpoint(s.createForm)
  createForm(@Caller() caller: StaffPrincipal, @Input() { body }: In<'createForm'>): Out<'createForm'> {
    return this.services.createForm(caller, body);
  }

  @Endpoint(s.forms)
  forms(@Caller() caller: StaffPrincipal): Out<'forms'> {
    return this.services.forms(caller);
  }

  @Endpoint(s.form)
  form(@Caller() caller: StaffPrincipal, @Input() { params }: In<'form'>): Out<'form'> {
    return this.services.form(caller, params.id);
  }

  @Endpoint(s.updateForm)
  updateForm(
    @Caller() caller: StaffPrincipal,
    @Input() { params, body }: In<'updateForm'>,
  ): Out<'updateForm'> {
    return this.services.updateForm(caller, params.id, body);
  }

  @Endpoint(s.myForms)
  myForms(@Caller() caller: ClientPrincipal): Out<'myForms'> {
    return this.services.myForms(caller);
  }

  @Endpoint(s.myDrafts)
  myDrafts(@Caller() caller: ClientPrincipal): Out<'myDrafts'> {
    return this.services.myDrafts(caller);
  }

  @Endpoint(s.saveDraft)
  saveDraft(@Caller() caller: ClientPrincipal, @Input() { params, body }: In<'saveDraft'>): Out<'saveDraft'> {
    return this.services.saveDraft(caller, params.id, body.answers);
  }

  @Endpoint(s.deleteDraft)
  deleteDraft(@Caller() caller: ClientPrincipal, @Input() { params }: In<'deleteDraft'>): Promise<void> {
    return this.services.deleteDraft(caller, params.id);
  }

  @Endpoint(s.submit)
  submit(@Caller() caller: ClientPrincipal, @Input() { body }: In<'submit'>): Out<'submit'> {
    return this.services.submit(caller, body);
  }

  @Endpoint(s.myOrders)
  myOrders(@Caller() caller: ClientPrincipal): Out<'myOrders'> {
    return this.services.myOrders(caller);
  }

  @Endpoint(s.myOrder)
  myOrder(@Caller() caller: ClientPrincipal, @Input() { params }: In<'myOrder'>): Out<'myOrder'> {
    return this.services.myOrder(caller, params.id);
  }

  @Endpoint(s.reply)
  reply(@Caller() caller: ClientPrincipal, @Input() { params, body }: In<'reply'>): Out<'reply'> {
    return this.services.reply(caller, params.id, body);
  }

  @Endpoint(s.cancelMine)
  cancelMine(@Caller() caller: ClientPrincipal, @Input() { params }: In<'cancelMine'>): Out<'cancelMine'> {
    return this.services.cancelMine(caller, params.id);
  }

  @Endpoint(s.create)
  create(@Caller() caller: StaffPrincipal, @Input() { body }: In<'create'>): Out<'create'> {
    return this.services.create(caller, body);
  }

  @Endpoint(s.list)
  list(@Caller() caller: StaffPrincipal, @Input() { query }: In<'list'>): Out<'list'> {
    return this.services.list(caller, query);
  }

  @Endpoint(s.get)
  get(@Caller() caller: StaffPrincipal, @Input() { params }: In<'get'>): Out<'get'> {
    return this.services.get(caller, params.id);
  }

  @Endpoint(s.update)
  update(@Caller() caller: StaffPrincipal, @Input() { params, body }: In<'update'>): Out<'update'> {
    return this.services.update(caller, params.id, body);
  }
}
