// The benchmark's ceiling: a bare Socket.IO relay with the api's Socket.IO version and
// the same Redis adapter, doing nothing but the chat fan-out. `message:send` is acked at
// once and re-emitted as `message:new` to the firm's staff room and the sender's own
// room, with a Message-shaped payload of the api's size. No auth, no storage.
//
// Env: PORT (required), REDIS_URL (required), REDIS_KEY_PREFIX (adapter channel prefix).
// Handshake auth: {role: "staff"|"client", id}. GET /health answers 200 once listening.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

// Resolve from the backend package, so this is exactly the socket.io the api runs.
const require = createRequire(new URL('../../backend/package.json', import.meta.url));
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { Redis } = require('ioredis');

const port = Number(process.env.PORT);
const redisUrl = process.env.REDIS_URL;
if (!port || !redisUrl) {
  console.error('relay: PORT and REDIS_URL are required');
  process.exit(2);
}
const prefix = process.env.REDIS_KEY_PREFIX ?? 'bench:';

const http = createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok' }));
});
const io = new Server(http, { path: '/socket.io', cors: { origin: true, credentials: true } });
const pub = new Redis(redisUrl);
const sub = pub.duplicate();
for (const conn of [pub, sub]) conn.on('error', (err) => console.error(`relay: redis: ${err.message}`));
io.adapter(createAdapter(pub, sub, { key: `${prefix}relay.socket.io` }));

const conversationId = randomBytes(12).toString('hex');
let seq = 0;

io.on('connection', (socket) => {
  const { role, id } = socket.handshake.auth ?? {};
  const self = `client:${id}`;
  socket.join(role === 'staff' ? 'staff' : self);
  socket.on('message:send', (body, ack) => {
    const message = {
      id: randomBytes(12).toString('hex'),
      conversationId,
      seq: ++seq,
      sender: { kind: 'client', id: String(id), name: `Client ${id}` },
      clientMessageId: body?.clientMessageId,
      text: body?.text,
      attachments: [],
      createdAt: new Date().toISOString(),
    };
    if (typeof ack === 'function') ack({ ok: true, message });
    io.to(['staff', self]).emit('message:new', message);
  });
});

http.listen(port, '127.0.0.1', () => console.log(`relay: listening on 127.0.0.1:${port}`));

function shutdown() {
  io.close();
  Promise.allSettled([pub.quit(), sub.quit()]).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
