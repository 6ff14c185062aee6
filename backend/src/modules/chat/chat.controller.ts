import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  type ConversationListResponse,
  type MessageListResponse,
  messagesQuerySchema,
  type MessagesQuery,
} from '../../contract/index.js';
import { parseId } from '../../common/ids.js';
import { ZodPipe } from '../../common/zod.pipe.js';
import { Caller, StaffOnly, StaffOrClient } from '../auth/auth.decorators.js';
import type { Principal, StaffPrincipal } from '../auth/principal.js';
import { ChatService } from './chat.service.js';

@Controller('conversations')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @StaffOnly()
  @Get()
  inbox(@Caller() caller: StaffPrincipal): Promise<ConversationListResponse> {
    return this.chat.inbox(caller);
  }

  @StaffOrClient('chat')
  @Get(':id/messages')
  messages(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Query(new ZodPipe(messagesQuerySchema)) query: MessagesQuery,
  ): Promise<MessageListResponse> {
    return this.chat.history(caller, parseId(id, 'Conversation'), query);
  }
}
