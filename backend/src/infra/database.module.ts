import { Global, Injectable, Module } from '@nestjs/common';
import { InjectConnection, MongooseModule } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { type AppConfig, APP_CONFIG } from '../config/config.js';

@Injectable()
export class DatabaseHealth {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  async ping(): Promise<boolean> {
    try {
      await this.connection.db?.admin().ping();
      return this.connection.readyState === 1;
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
        serverSelectionTimeoutMS: 10_000,
        // Indexes are part of the schema: build them at boot in every environment.
        autoIndex: true,
      }),
    }),
  ],
  providers: [DatabaseHealth],
  exports: [DatabaseHealth],
})
export class DatabaseModule {}
