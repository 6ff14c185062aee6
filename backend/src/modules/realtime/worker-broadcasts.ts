import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import { EventBus } from '../../common/event-bus.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { Fanout, type RoomEmitter, subscribeBroadcasts } from './broadcasts.js';

/**
 * The worker has no Socket.IO server: what it stores (a delivered guia, a batch's progress)
 * reaches the api nodes' sockets through the Redis adapter's channel, as if an api emitted it.
 */
@Injectable()
export class WorkerBroadcasts implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('WorkerBroadcasts');
  private redis?: Redis;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: EventBus,
  ) {}

  onModuleInit(): void {
    // No keyPrefix: the adapter's channels are named by its `key` option alone.
    this.redis = new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: 3 });
    this.redis.on('error', (err) => this.logger.warn(`redis: ${err.message}`));
    const emitter = new Emitter(this.redis, { key: `${this.config.REDIS_KEY_PREFIX}socket.io` });
    subscribeBroadcasts(this.events, new Fanout(() => emitter as unknown as RoomEmitter));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
