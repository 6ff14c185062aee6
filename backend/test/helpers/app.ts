import type { NestExpressApplication } from '@nestjs/platform-express';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/contract/index.js';
import { createApi } from '../../src/bootstrap.js';
import type { AppConfig } from '../../src/config/config.js';
import { dropDatabase } from './db.js';
import { testConfig } from './env.js';

export { dropDatabase };

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  url: string;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

/** A real api on a random port, with its own fresh database. */
export async function startTestApp(prefix: string, overrides: Record<string, string> = {}): Promise<TestApp> {
  const config = testConfig(prefix, overrides);
  const app = await createApi(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    config,
    url,
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await dropDatabase(config.MONGO_URL);
    },
  };
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectSocket(url: string, token: string): TestSocket {
  return io(url, {
    path: '/socket.io',
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
}

/** Resolves with the next payload of `event`, or rejects after `timeoutMs`. */
export function waitForEvent<T = unknown>(socket: TestSocket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${event}"`)), timeoutMs);
    (socket as unknown as { once: (e: string, cb: (p: T) => void) => void }).once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Emits an acked event and resolves with the ack (rejects after `timeoutMs`). */
export function emitAck<T>(
  socket: TestSocket,
  event: string,
  payload: unknown,
  timeoutMs = 5000,
): Promise<T> {
  return (
    socket as unknown as { timeout: (ms: number) => { emitWithAck: (e: string, p: unknown) => Promise<T> } }
  )
    .timeout(timeoutMs)
    .emitWithAck(event, payload);
}

/** Connects a socket, remembers it in `opened` (for the suite's teardown), resolves once connected. */
export async function openSocket(url: string, token: string, opened: TestSocket[]): Promise<TestSocket> {
  const s = connectSocket(url, token);
  opened.push(s);
  await waitForEvent(s, 'connect');
  return s;
}
