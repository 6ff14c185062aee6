import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import {
  assignRequestSchema,
  type AssignRequest,
  type ConversationItem,
  type ConversationListResponse,
  inboxQuerySchema,
  type InboxQuery,
  type MessageListResponse,
  messagesQuerySchema,
  type MessagesQuery,
  type MonitorResponse,
} from '../../contract/index.js';
import { parseId } from '../../common/ids.js';
import { ZodPipe } from '../../common/zod.pipe.js';
import { Caller, StaffOnly, StaffOrClient } from '../auth/auth.decorators.js';
import type { Principal, StaffPrincipal } from '../auth/principal.js';
import { ChatService } from './chat.service.js';

const id = (raw: string) => parseId(raw, 'Conversation');

@Controller()
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @StaffOnly()
  @Get('conversations')
  inbox(
    @Caller() caller: StaffPrincipal,
    @Query(new ZodPipe(inboxQuerySchema)) query: InboxQuery,
  ): Promise<ConversationListResponse> {
    return this.chat.inbox(caller, query);
  }

  @StaffOrClient('chat')
  @Get('conversations/:id')
  get(@Caller() caller: Principal, @Param('id') raw: string): Promise<ConversationItem> {
    return this.chat.get(caller, id(raw));
  }

  @StaffOnly()
  @Put('conversations/:id/assignee')
  assign(
    @Caller() caller: StaffPrincipal,
    @Param('id') raw: string,
    @Body(new ZodPipe(assignRequestSchema)) body: AssignRequest,
  ): Promise<ConversationItem> {
    return this.chat.assign(caller, id(raw), body);
  }

  @StaffOrClient('chat')
  @Get('conversations/:id/messages')
  messages(
    @Caller() caller: Principal,
    @Param('id') raw: string,
    @Query(new ZodPipe(messagesQuerySchema)) query: MessagesQuery,
  ): Promise<MessageListResponse> {
    return this.chat.history(caller, id(raw), query);
  }

  @StaffOnly()
  @Get('monitor')
  monitor(@Caller() caller: StaffPrincipal): Promise<MonitorResponse> {
    return this.chat.monitor(caller);
  }
}
