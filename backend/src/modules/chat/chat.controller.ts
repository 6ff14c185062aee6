import { Controller } from '@nestjs/common';
import { api, type EndpointInput, type EndpointResponse } from '../../contract/index.js';
import { Endpoint, Input } from '../../common/endpoint.decorator.js';
import { Caller } from '../auth/auth.decorators.js';
import type { Principal, StaffPrincipal } from '../auth/principal.js';
import { ChatService } from './chat.service.js';

const { inbox, get, assign, messages, monitor } = api.chat;

@Controller()
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Endpoint(inbox)
  inbox(
    @Caller() caller: StaffPrincipal,
    @Input() { query }: EndpointInput<typeof inbox>,
  ): Promise<EndpointResponse<typeof inbox>> {
    return this.chat.inbox(caller, query);
  }

  @Endpoint(get)
  get(
    @Caller() caller: Principal,
    @Input() { params }: EndpointInput<typeof get>,
  ): Promise<EndpointResponse<typeof get>> {
    return this.chat.get(caller, params.id);
  }

  @Endpoint(assign)
  assign(
    @Caller() caller: StaffPrincipal,
    @Input() { params, body }: EndpointInput<typeof assign>,
  ): Promise<EndpointResponse<typeof assign>> {
    return this.chat.assign(caller, params.id, body);
  }

  @Endpoint(messages)
  messages(
    @Caller() caller: Principal,
    @Input() { params, query }: EndpointInput<typeof messages>,
  ): Promise<EndpointResponse<typeof messages>> {
    return this.chat.history(caller, params.id, query);
  }

  @Endpoint(monitor)
  monitor(@Caller() caller: StaffPrincipal): Promise<EndpointResponse<typeof monitor>> {
    return this.chat.monitor(caller);
  }
}
