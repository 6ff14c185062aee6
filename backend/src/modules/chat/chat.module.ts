import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { FilesModule } from '../files/files.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { ChatController } from './chat.controller.js';
import { ChatService } from './chat.service.js';
import { ChatStateRepository } from './chat-state.repository.js';
import { ConversationRepository } from './conversation.repository.js';
import { CONVERSATION_MODEL, conversationSchema } from './conversation.schema.js';
import { ConversationsService } from './conversations.service.js';
import { MessageWriter } from './message-writer.js';
import { MessageRepository } from './message.repository.js';
import { MESSAGE_MODEL, messageSchema } from './message.schema.js';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: CONVERSATION_MODEL, schema: conversationSchema },
      { name: MESSAGE_MODEL, schema: messageSchema },
    ]),
    StaffModule,
    FilesModule,
    PresenceModule,
  ],
  controllers: [ChatController],
  providers: [
    ConversationRepository,
    MessageRepository,
    ChatStateRepository,
    MessageWriter,
    ChatService,
    ConversationsService,
  ],
  exports: [ChatService, ConversationsService],
})
export class ChatModule {}
