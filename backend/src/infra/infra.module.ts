import { type DynamicModule, Global, Module } from '@nestjs/common';
import { EventBus } from '../common/event-bus.js';
import type { AppConfig } from '../config/config.js';
import { ConfigModule } from './config.module.js';
import { DatabaseModule } from './database.module.js';
import { RedisModule } from './redis.provider.js';

/**
 * What every process and feature module shares: config, the Redis and MongoDB connections
 * and the in-process event bus. It knows nothing of the feature modules; each of them
 * registers its own schemas and repositories.
 */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: InfraModule,
      imports: [ConfigModule.forRoot(config), RedisModule, DatabaseModule],
      providers: [EventBus],
      exports: [EventBus],
    };
  }
}
