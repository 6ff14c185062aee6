// Liveness probes that speak just enough Redis and MongoDB wire protocol to tell "this
// port answers as a database" from "something accepted a TCP connection", without the
// ioredis/mongodb packages (the scripts must work before `npm ci`).
import net from 'node:net';

function exchange(port, host, request, isComplete, timeoutMs) {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    const socket = net.connect({ port, host });
    const finish = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish(null));
    socket.on('error', () => finish(null));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (isComplete(buffer)) finish(buffer);
    });
    socket.on('end', () => finish(null));
  });
}

/** Redis answers `+PONG`; an auth-protected or foreign server answers otherwise. */
export async function redisPing(port, host = '127.0.0.1', timeoutMs = 1000) {
  const reply = await exchange(port, host, 'PING\r\n', (b) => b.includes('\r\n'), timeoutMs);
  return reply !== null && reply.toString('latin1').startsWith('+PONG');
}

const int32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
const cstring = (s) => Buffer.from(`${s}\0`, 'utf8');

// {ping: 1, $db: "admin"} as an OP_MSG (opcode 2013): the one framing both MongoDB 7 and
// FerretDB accept for every command.
function pingMessage() {
  const elements = Buffer.concat([
    Buffer.from([0x10]),
    cstring('ping'),
    int32(1),
    Buffer.from([0x02]),
    cstring('$db'),
    int32(6),
    cstring('admin'),
  ]);
  const doc = Buffer.concat([int32(elements.length + 5), elements, Buffer.from([0])]);
  const body = Buffer.concat([int32(0), Buffer.from([0]), doc]);
  return Buffer.concat([int32(16 + body.length), int32(1), int32(0), int32(2013), body]);
}

// Byte sizes of the fixed-width BSON types, so the fields before `ok` can be skipped
// without a BSON library (strings, documents and binaries carry their own length).
const fixedSize = {
  0x01: 8,
  0x07: 12,
  0x08: 1,
  0x09: 8,
  0x0a: 0,
  0x10: 4,
  0x11: 8,
  0x12: 8,
  0x13: 16,
};

function okField(doc) {
  let at = 4;
  while (at < doc.length - 1) {
    const type = doc[at];
    const nameEnd = doc.indexOf(0, at + 1);
    if (nameEnd < 0) return null;
    const name = doc.toString('utf8', at + 1, nameEnd);
    const value = nameEnd + 1;
    if (name === 'ok') {
      if (type === 0x01) return doc.readDoubleLE(value);
      if (type === 0x10) return doc.readInt32LE(value);
      if (type === 0x12) return Number(doc.readBigInt64LE(value));
      if (type === 0x08) return doc[value];
      return null;
    }
    if (type in fixedSize) at = value + fixedSize[type];
    else if (type === 0x02) at = value + 4 + doc.readInt32LE(value);
    else if (type === 0x03 || type === 0x04) at = value + doc.readInt32LE(value);
    else if (type === 0x05) at = value + 5 + doc.readInt32LE(value);
    else return null;
  }
  return null;
}

/** Sends `ping` over the MongoDB wire protocol; true when the server replies ok: 1. */
export async function mongoPing(port, host = '127.0.0.1', timeoutMs = 2000) {
  const complete = (b) => b.length >= 4 && b.length >= b.readInt32LE(0);
  const reply = await exchange(port, host, pingMessage(), complete, timeoutMs);
  // header (16) + flagBits (4) + section kind (1), then the reply document
  if (reply === null || reply.length < 26 || reply.readInt32LE(12) !== 2013) return false;
  return okField(reply.subarray(21)) === 1;
}
