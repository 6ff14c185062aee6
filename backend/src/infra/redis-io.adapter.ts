import { type INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

function sameOrigin(originHeader: string, host: string | undefined): boolean {
  try {
    return !!host && new URL(originHeader).host === host;
  } catch {
    return false;
  }
}

/**
 * Socket.IO across api nodes: rooms and broadcasts fan out through Redis pub/sub. Browsers
 * reach it only from the web app's own origin (PUBLIC_URL): CORS does not cover websockets,
 * and a handshake from another site would carry the user's session cookie.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly log = new Logger('RedisIoAdapter');
  private pub?: Redis;
  private sub?: Redis;

  constructor(
    app: INestApplicationContext,
    private readonly redisUrl: string,
    private readonly keyPrefix: string,
    private readonly publicUrl: string,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origin = new URL(this.publicUrl).origin;
    const server = super.createIOServer(port, {
      ...(options as ServerOptions),
      cors: { origin, credentials: true },
      // Requests without an Origin come from servers and scripts (no ambient cookie to abuse);
      // a same-origin page (the web server proxies /socket.io, keeping Host) is the app itself,
      // whichever name it was opened by (localhost or 127.0.0.1).
      allowRequest: (req, accept) => {
        const allowed =
          req.headers.origin === undefined ||
          req.headers.origin === origin ||
          sameOrigin(req.headers.origin, req.headers.host);
        accept(allowed ? null : 'origin not allowed', allowed);
      },
    }) as Server;
    this.pub = new Redis(this.redisUrl);
    this.sub = this.pub.duplicate();
    for (const conn of [this.pub, this.sub]) {
      conn.on('error', (err) => this.log.warn(`socket.io redis adapter: ${err.message}`));
    }
    server.adapter(createAdapter(this.pub, this.sub, { key: `${this.keyPrefix}socket.io` }));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all([this.pub?.quit(), this.sub?.quit()].filter(Boolean));
  }
}
