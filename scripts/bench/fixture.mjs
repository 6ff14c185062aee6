// The flat-cost phase's data load: a long history written straight into the database,
// because sending 200,000 messages through the api, at the few hundred a second it
// keeps up with on FerretDB at best, would take longer than the whole bench.
//
// This is the ONLY place of the bench that knows how chat is stored. The shape written
// here MUST match backend/src/modules/chat/message.schema.ts and conversation.schema.ts
// (messages with `_id` "<conversationIdHex>:<seq>", per-side counts on each message, the
// conversation's counters and read pointers); change both together, or the loaded column
// measures documents the api does not read the way it reads its own.
import mongoose from 'mongoose';
import { Redis } from 'ioredis';

const { ObjectId } = mongoose.Types;
// Documents per insertMany: FerretDB (behind its one-at-a-time proxy) holds every other
// client, the api's included, while it runs one request, so no request may take long (a
// driver whose heartbeat waits past its timeout drops its connections, and FerretDB v1
// has been seen to wedge when that happens mid-write).
const BATCH = 2000;
const MINUTE = 60000;

const TEXTS = [
  'Bom dia! Segue o comprovante do DAS de outubro, podem conferir por favor? Obrigado.',
  'Recebido, obrigado. Vamos conferir e retornamos ainda hoje.',
  'A nota fiscal de serviço de setembro ficou com o CNAE errado, conseguem corrigir?',
  'Pode enviar o extrato bancário do mês passado para fecharmos a conciliação?',
  'Folha de pagamento enviada, falta só o holerite do funcionário novo.',
  'Boa tarde, o boleto do parcelamento venceu ontem. Emitimos outro?',
];

/** Who sent seq `seq` (1-based) of a generated history: every third message is the firm's. */
const senderKindOf = (seq) => (seq % 3 === 0 ? 'staff' : 'client');

/**
 * Message documents for seqs `from`..`to` of one conversation whose generated history
 * ends at seq `last`, continuing from each side's count before `from` (`counts` is
 * updated as it goes). One a minute, seq `last` at `endAt`, so the generated seqs are in
 * time order too (the few sent through the api before the load are newer than them).
 */
function messageDocs(conv, { from, to, last, counts, staff, endAt }) {
  const docs = [];
  const convHex = String(conv._id);
  for (let seq = from; seq <= to; seq++) {
    const kind = senderKindOf(seq);
    if (kind === 'client') counts.client++;
    else counts.firm++;
    const sender =
      kind === 'client'
        ? { kind, id: String(conv.clientId), name: conv.clientName }
        : { kind, id: staff.id, name: staff.name };
    docs.push({
      _id: `${convHex}:${seq}`,
      firmId: conv.firmId,
      conversationId: conv._id,
      seq,
      sender,
      senderId: sender.id,
      clientMessageId: `fixture-${seq}`,
      clientCount: counts.client,
      firmCount: counts.firm,
      text: TEXTS[seq % TEXTS.length],
      attachments: [],
      createdAt: new Date(endAt - (last - seq) * MINUTE),
    });
  }
  return docs;
}

/**
 * The conversation's counters for a history of `lastSeq` messages whose last document is
 * `last`: read pointers a few messages short of the end on both sides (so the monitor
 * and the unread badges have work), the read counts taken from the messages at them.
 */
function conversationUpdate(lastSeq, last, countsAt) {
  const staffReadSeq = Math.max(0, lastSeq - 7);
  const clientReadSeq = Math.max(0, lastSeq - 4);
  const staffReadCount = countsAt(staffReadSeq).client;
  const clientReadCount = countsAt(clientReadSeq).firm;
  return {
    lastSeq,
    clientMsgCount: last.clientCount,
    firmMsgCount: last.firmCount,
    lastMessageAt: last.createdAt,
    lastMessage: { text: last.text.slice(0, 200), senderKind: last.sender.kind },
    staffReadSeq,
    clientReadSeq,
    staffReadCount,
    clientReadCount,
    unreadForStaff: last.clientCount - staffReadCount,
    pendingForClient: last.firmCount - clientReadCount,
  };
}

/**
 * Appends messages to `conv` (a conversation document) until it holds `total`, inserting
 * into `messages` in batches, then sets the conversation's counters to match. The
 * messages it already has (sent through the api) are kept: seqs and counts continue
 * from its newest one.
 */
async function growConversation(db, conv, { total, staff, endAt }) {
  // From the newest stored message, not the conversation's counters: the api may keep
  // those in Redis and write them back later.
  const newest = await db.collection('messages').findOne({ conversationId: conv._id }, { sort: { seq: -1 } });
  const had = newest?.seq ?? 0;
  if (total <= had) return 0;
  const counts = { client: newest?.clientCount ?? 0, firm: newest?.firmCount ?? 0 };
  // Each side's count at the last seqs of every batch: the read pointers are among them.
  const countsBySeq = new Map();
  let last = null;
  for (let from = had + 1; from <= total; from += BATCH) {
    const to = Math.min(total, from + BATCH - 1);
    const docs = messageDocs(conv, { from, to, last: total, counts, staff, endAt });
    for (const d of docs.slice(-10)) countsBySeq.set(d.seq, { client: d.clientCount, firm: d.firmCount });
    await db.collection('messages').insertMany(docs, { ordered: false });
    last = docs[docs.length - 1];
  }
  const countsAt = (seq) => countsBySeq.get(seq) ?? { client: counts.client, firm: counts.firm };
  await db
    .collection('conversations')
    .updateOne({ _id: conv._id }, { $set: conversationUpdate(total, last, countsAt) });
  return total - had;
}

/**
 * Many short histories at once: messages of several conversations go into the same
 * insertMany batches (a few hundred per conversation would make tiny batches).
 */
async function growMany(db, convs, { perConversation, staffOf, endAt, stage }) {
  let batch = [];
  let inserted = 0;
  const flush = async () => {
    if (!batch.length) return;
    await db.collection('messages').insertMany(batch, { ordered: false });
    inserted += batch.length;
    batch = [];
    if (inserted % 50000 < BATCH) stage(`${inserted} messages of other firms`);
  };
  const updates = [];
  for (const conv of convs) {
    const total = perConversation;
    const counts = { client: 0, firm: 0 };
    const docs = messageDocs(conv, { from: 1, to: total, last: total, counts, staff: staffOf(conv), endAt });
    const bySeq = new Map(docs.map((d) => [d.seq, { client: d.clientCount, firm: d.firmCount }]));
    const countsAt = (seq) => bySeq.get(seq) ?? { client: 0, firm: 0 };
    updates.push({ _id: conv._id, set: conversationUpdate(total, docs[docs.length - 1], countsAt) });
    batch.push(...docs);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  stage(`${inserted} messages of other firms inserted`);
  // One updateOne a conversation, not a bulkWrite: FerretDB v1 (SQLite) was seen to hang
  // on a bulk update after the load, wedging every client of the proxy behind it.
  for (const u of updates) {
    await db.collection('conversations').updateOne({ _id: u._id }, { $set: u.set });
  }
  return inserted;
}

/** Deletes the api's per-conversation chat keys in Redis (it reloads them from the database). */
async function forgetChatKeys(redisUrl, prefix, conversationIds) {
  const ids = new Set(conversationIds.map(String));
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}chat:*`, 'COUNT', 1000);
      const ours = keys.filter((k) => [...ids].some((id) => k.includes(id)));
      if (ours.length) deleted += await redis.del(...ours);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/**
 * Loads the fixture into the database at `mongoUrl`:
 * - the measured conversation (`measured.conversationId`, of firm `measured.firmId`,
 *   staff `measured.staff` {id, name}) grows to `measuredTotal` messages;
 * - every conversation of the firms in `others` ([{firmId, staff}]) gets an equal share
 *   of `othersTotal` messages.
 * Then drops the api's cached chat counters of those conversations from Redis.
 * Returns {messages, conversations, redisKeysDeleted}.
 */
export async function loadFixture({
  mongoUrl,
  redisUrl,
  prefix,
  measured,
  measuredTotal,
  others,
  othersTotal,
  log,
}) {
  // Heartbeats wait behind our own batches at the proxy: give them room.
  const conn = await mongoose
    .createConnection(mongoUrl, {
      serverSelectionTimeoutMS: 30000,
      connectTimeoutMS: 120000,
      serverMonitoringMode: 'poll',
    })
    .asPromise();
  const t0 = Date.now();
  const stage = (what) => log?.(`fixture: ${what} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  try {
    const db = conn.db;
    const endAt = Date.now() - MINUTE;
    const conv = await db.collection('conversations').findOne({ _id: new ObjectId(measured.conversationId) });
    if (!conv) throw new Error(`fixture: conversation ${measured.conversationId} not found`);
    let messages = await growConversation(db, conv, { total: measuredTotal, staff: measured.staff, endAt });
    stage(`measured conversation now ${measuredTotal} messages`);

    const staffByFirm = new Map(others.map((o) => [String(o.firmId), o.staff]));
    const convs = await db
      .collection('conversations')
      .find({ firmId: { $in: others.map((o) => new ObjectId(o.firmId)) } })
      .toArray();
    if (!convs.length) throw new Error('fixture: the other firms have no conversations');
    messages += await growMany(db, convs, {
      perConversation: Math.ceil(othersTotal / convs.length),
      staffOf: (c) => staffByFirm.get(String(c.firmId)),
      endAt,
      stage,
    });
    const touched = [conv._id, ...convs.map((c) => c._id)];
    stage(`${convs.length} conversations' counters set`);
    const redisKeysDeleted = await forgetChatKeys(redisUrl, prefix, touched);
    return { messages, conversations: touched.length, redisKeysDeleted };
  } finally {
    await conn.close();
  }
}
