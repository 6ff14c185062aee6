import { Global, Injectable, Module } from '@nestjs/common';
import { InjectConnection, MongooseModule } from '@nestjs/mongoose';
import mongoose, { type Connection } from 'mongoose';
import { type AppConfig, APP_CONFIG } from '../config/config.js';
import { DEPENDENCY_WAIT_MS } from './unavailable.js';

@Injectable()
export class DatabaseHealth {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  /** Up only if connected and a ping answers within `timeoutMs` (a health check must not hang). */
  async ping(timeoutMs: number): Promise<boolean> {
    if (this.connection.readyState !== mongoose.ConnectionStates.connected || !this.connection.db)
      return false;
    try {
      await this.connection.db.admin().ping({ timeoutMS: timeoutMs });
      return true;
    } catch {
      return false;
    }
  }
}

@Global()
@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        uri: config.MONGO_URL,
        // While the database is down (a restart, a failover), an operation waits this long
        // for it to come back, buffered by mongoose or in the driver's server selection,
        // then fails as UNAVAILABLE: a short outage only delays requests, a long one answers
        // them (a send's ack well before the web app's 15 s timeout) instead of hanging.
        serverSelectionTimeoutMS: DEPENDENCY_WAIT_MS,
        bufferTimeoutMS: DEPENDENCY_WAIT_MS,
        // Indexes are part of the schema: build them at boot in every environment.
        autoIndex: true,
      }),
    }),
  ],
  providers: [DatabaseHealth],
  exports: [DatabaseHealth],
})
export class DatabaseModule {}
