import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { type Connection, type Model, Types, type UpdateQuery } from 'mongoose';
import { IdDirectory } from '../../infra/id-directory.js';
import { NO_PERMISSIONS, type PermissionsPatch } from '../../contract/index.js';
import { escapeRegex, findByIdInFirm, isDuplicateKey, searchKey } from '../../infra/mongo.util.js';
import { CLIENT_MODEL, type ClientDoc, type PortalAccess } from './client.schema.js';

/** The root-directory key of a CNPJ (its first 8 characters, the company's root). */
const rootKey = (firmId: string, cnpj: string) => `${firmId}:${cnpj.slice(0, 8)}`;

/** Statements per update command (see linkConversations). */
const UPDATE_CHUNK = 50;

function permissionsSet(patch: PermissionsPatch | undefined): Record<string, boolean> {
  return Object.fromEntries(Object.entries(patch ?? {}).map(([k, v]) => [`permissions.${k}`, v as boolean]));
}

@Injectable()
export class ClientRepository implements OnApplicationBootstrap {
  /** The firm's client ids: its client list is one lookup plus one per client, by _id. */
  private readonly directory: IdDirectory;
  /** Client ids per `<firmId>:<CNPJ root>`: guias that print only the root find their client. */
  private readonly roots: IdDirectory;

  constructor(
    @InjectModel(CLIENT_MODEL) private readonly clients: Model<ClientDoc>,
    @InjectConnection() connection: Connection,
  ) {
    this.directory = IdDirectory.of(connection, 'client_directory', this.clients as unknown as Model<never>);
    this.roots = new IdDirectory(connection, 'client_cnpj_roots', {
      idsOf: async (key) => {
        const [firmId, root] = key.split(':');
        const docs = await this.clients
          .find({ firmId, cnpj: { $regex: `^${escapeRegex(root)}` } })
          .lean<{ _id: unknown }[]>()
          .exec();
        return docs.map((d) => String(d._id));
      },
      firms: async () => {
        const docs = await this.clients.find({}, { firmId: 1, cnpj: 1 }).lean<ClientDoc[]>().exec();
        return [...new Set(docs.map((d) => rootKey(String(d.firmId), d.cnpj)))];
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.directory.build();
    await this.roots.build();
  }

  async findByCnpjRoot(firmId: string, root: string): Promise<ClientDoc[]> {
    const ids = await this.roots.list(rootKey(firmId, root));
    const docs = await Promise.all(ids.map((id) => this.findById(firmId, id)));
    // A client whose CNPJ changed since is still listed under its old root until it is fixed here.
    return docs.filter((d): d is ClientDoc => d !== null && d.cnpj.startsWith(root));
  }

  async linkConversation(clientId: string, conversationId: string): Promise<void> {
    await this.clients.updateOne({ _id: clientId }, { $set: { conversationId } }).exec();
  }

  async incUnopenedGuides(clientId: string, delta: number): Promise<void> {
    await this.clients.updateOne({ _id: clientId }, { $inc: { unopenedGuides: delta } }).exec();
  }

  /** Returns null when the firm already has a client with this CNPJ. */
  async create(
    firmId: string,
    input: { cnpj: string; name: string; email: string | null },
  ): Promise<ClientDoc | null> {
    try {
      const doc = await this.clients.create({
        _id: new Types.ObjectId(),
        firmId,
        cnpj: input.cnpj,
        name: input.name,
        email: input.email,
        searchKey: searchKey(input.name, input.cnpj),
        permissions: NO_PERMISSIONS,
        conversationId: null,
      });
      await this.directory.add(firmId, [String(doc._id)]);
      await this.roots.add(rootKey(firmId, input.cnpj), [String(doc._id)]);
      return doc.toObject();
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  findById(firmId: string, clientId: string): Promise<ClientDoc | null> {
    return findByIdInFirm(this.clients, clientId, firmId);
  }

  findByCnpj(firmId: string, cnpj: string): Promise<ClientDoc | null> {
    return this.clients.findOne({ firmId, cnpj }).lean<ClientDoc>().exec();
  }

  /** Every client of the firm: its directory, then each by _id (lookups run together). */
  async listAll(firmId: string): Promise<ClientDoc[]> {
    return this.findEachById(firmId, await this.directory.list(firmId));
  }

  /** The firm's client ids (its directory: one read). */
  idsOf(firmId: string): Promise<string[]> {
    return this.directory.list(firmId);
  }

  /** These clients of the firm, each by _id (lookups run together); unknown ids are left out. */
  async findEachById(firmId: string, ids: string[]): Promise<ClientDoc[]> {
    const docs = await Promise.all(ids.map((id) => this.findById(firmId, id)));
    return docs.filter((d): d is ClientDoc => d !== null);
  }

  /** Returns 'duplicate' when the new CNPJ belongs to another client, null when not found. */
  async updateIdentity(
    firmId: string,
    clientId: string,
    patch: { cnpj?: string; name?: string; email?: string | null },
    current: { cnpj: string; name: string },
  ): Promise<ClientDoc | null | 'duplicate'> {
    const next = { ...current, ...patch };
    try {
      const doc = await this.clients
        .findOneAndUpdate(
          { _id: clientId, firmId },
          { $set: { ...patch, searchKey: searchKey(next.name, next.cnpj) } },
          { returnDocument: 'after' },
        )
        .lean<ClientDoc>()
        .exec();
      if (doc && next.cnpj.slice(0, 8) !== current.cnpj.slice(0, 8)) {
        await this.roots.remove(rootKey(firmId, current.cnpj), [clientId]);
        await this.roots.add(rootKey(firmId, next.cnpj), [clientId]);
      }
      return doc;
    } catch (err) {
      if (isDuplicateKey(err)) return 'duplicate';
      throw err;
    }
  }

  /** Sets portal fields and permission keys in one atomic update. */
  setPortal(
    firmId: string,
    clientId: string,
    portal: Partial<PortalAccess>,
    permissions?: PermissionsPatch,
    extra: { conversationId?: string } = {},
  ): Promise<ClientDoc | null> {
    const set: UpdateQuery<ClientDoc>['$set'] = {
      ...Object.fromEntries(Object.entries(portal).map(([k, v]) => [`portal.${k}`, v])),
      ...permissionsSet(permissions),
      ...extra,
    };
    return this.clients
      .findOneAndUpdate({ _id: clientId, firmId }, { $set: set }, { returnDocument: 'after' })
      .lean<ClientDoc>()
      .exec();
  }

  /**
   * Sets the first portal password only if none exists yet, so two concurrent
   * first enables can't both generate one: the loser gets null and re-reads.
   */
  setFirstPassword(
    firmId: string,
    clientId: string,
    passwordHash: string,
    passwordEnc: string,
  ): Promise<ClientDoc | null> {
    return this.clients
      .findOneAndUpdate(
        { _id: clientId, firmId, 'portal.passwordHash': null },
        { $set: { 'portal.passwordHash': passwordHash, 'portal.passwordEnc': passwordEnc } },
        { returnDocument: 'after' },
      )
      .lean<ClientDoc>()
      .exec();
  }

  /** Bulk portal update for clients that already have a password. */
  /**
   * Sets portal access and permissions of clients already read within the caller's firm
   * (`findManyByIds`): by `_id` alone, the one filter FerretDB v1 answers from an index (with
   * the firm in the filter it scanned every client of every firm per statement, and an enable
   * of 200 clients grew from 8 to 27 s as the firm grew).
   */
  async setPortalMany(
    clientIds: string[],
    portal: Partial<PortalAccess>,
    permissions?: PermissionsPatch,
  ): Promise<number> {
    const set = {
      ...Object.fromEntries(Object.entries(portal).map(([k, v]) => [`portal.${k}`, v])),
      ...permissionsSet(permissions),
    };
    let matched = 0;
    for (let i = 0; i < clientIds.length; i += UPDATE_CHUNK) {
      const res = await this.clients.bulkWrite(
        clientIds.slice(i, i + UPDATE_CHUNK).map((id) => ({
          updateOne: { filter: { _id: new Types.ObjectId(id) }, update: { $set: set } },
        })),
        { ordered: false },
      );
      matched += res.matchedCount;
    }
    return matched;
  }

  /**
   * Records each client's conversation, a few round trips for many clients. The clients were
   * read within the caller's firm: filtered by `_id` alone, as setPortalMany.
   */
  async linkConversations(links: { clientId: string; conversationId: string }[]): Promise<void> {
    // In chunks: FerretDB v1 (SQLite) keeps every statement's cursor of one update command
    // open until the command ends and deadlocks past 100 (its connection pool), which
    // behind our serializing proxy stops the whole server (measured: 99 fine, 101 hangs).
    for (let i = 0; i < links.length; i += UPDATE_CHUNK) {
      await this.clients.bulkWrite(
        links.slice(i, i + UPDATE_CHUNK).map((l) => ({
          updateOne: {
            filter: { _id: new Types.ObjectId(l.clientId) },
            update: { $set: { conversationId: new Types.ObjectId(l.conversationId) } },
          },
        })),
        { ordered: false },
      );
    }
  }

  findManyByIds(firmId: string, clientIds: string[]): Promise<ClientDoc[]> {
    return this.clients
      .find({ firmId, _id: { $in: clientIds } })
      .lean<ClientDoc[]>()
      .exec();
  }

  /**
   * Mirrors a lock from Redis so staff see it. By CNPJ, not id, and run whether or not a
   * client has it: a lock costs the same for a CNPJ that is not a client.
   */
  async recordLoginLock(firmId: string, cnpj: string, lockedUntil: Date, failures: number): Promise<void> {
    await this.clients
      .updateOne(
        { firmId, cnpj },
        { $max: { 'portal.lockedUntil': lockedUntil }, $set: { 'portal.failedLogins': failures } },
      )
      .exec();
  }

  /** The lock stays shown: other IPs stay locked and the backoff holds until they expire or staff unlock. */
  async recordLoginSuccess(clientId: string): Promise<void> {
    await this.clients.updateOne({ _id: clientId }, { $set: { 'portal.lastLoginAt': new Date() } }).exec();
  }
}
