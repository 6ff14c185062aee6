import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, type QueryFilter, Types, type UpdateQuery } from 'mongoose';
import { NO_PERMISSIONS, type PermissionsPatch } from '../../contract/index.js';
import { escapeRegex, findByIdInFirm, isDuplicateKey, searchKey } from '../../infra/mongo.util.js';
import { CLIENT_MODEL, type ClientDoc, type PortalAccess } from './client.schema.js';

export type ClientListFilter = 'all' | 'enabled' | 'disabled' | 'blocked';

export interface ClientListQuery {
  search?: string;
  filter: ClientListFilter;
  /** Restricts to these ids (the "pending" filter resolves them from conversations). */
  onlyIds?: string[];
  skip: number;
  limit: number;
}

function permissionsSet(patch: PermissionsPatch | undefined): Record<string, boolean> {
  return Object.fromEntries(Object.entries(patch ?? {}).map(([k, v]) => [`permissions.${k}`, v as boolean]));
}

@Injectable()
export class ClientRepository {
  constructor(@InjectModel(CLIENT_MODEL) private readonly clients: Model<ClientDoc>) {}

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

  async list(firmId: string, q: ClientListQuery): Promise<{ items: ClientDoc[]; total: number }> {
    const filter: QueryFilter<ClientDoc> = { firmId };
    if (q.search) filter.searchKey = { $regex: escapeRegex(searchKey(q.search)) };
    if (q.filter === 'enabled') Object.assign(filter, { 'portal.enabled': true, 'portal.blocked': false });
    if (q.filter === 'disabled') filter['portal.enabled'] = false;
    if (q.filter === 'blocked') filter['portal.blocked'] = true;
    if (q.onlyIds) filter._id = { $in: q.onlyIds };
    const [items, total] = await Promise.all([
      this.clients
        .find(filter)
        .sort({ name: 1, _id: 1 })
        .skip(q.skip)
        .limit(q.limit)
        .lean<ClientDoc[]>()
        .exec(),
      this.clients.countDocuments(filter).exec(),
    ]);
    return { items, total };
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
      return await this.clients
        .findOneAndUpdate(
          { _id: clientId, firmId },
          { $set: { ...patch, searchKey: searchKey(next.name, next.cnpj) } },
          { returnDocument: 'after' },
        )
        .lean<ClientDoc>()
        .exec();
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
  async setPortalMany(
    firmId: string,
    clientIds: string[],
    portal: Partial<PortalAccess>,
    permissions?: PermissionsPatch,
  ): Promise<number> {
    const set = {
      ...Object.fromEntries(Object.entries(portal).map(([k, v]) => [`portal.${k}`, v])),
      ...permissionsSet(permissions),
    };
    const res = await this.clients.updateMany({ firmId, _id: { $in: clientIds } }, { $set: set }).exec();
    return res.matchedCount;
  }

  /** Records each client's conversation in one round trip, within the caller's firm. */
  async linkConversations(
    firmId: string,
    links: { clientId: string; conversationId: string }[],
  ): Promise<void> {
    if (!links.length) return;
    await this.clients.bulkWrite(
      links.map((l) => ({
        updateOne: {
          filter: { _id: new Types.ObjectId(l.clientId), firmId },
          update: { $set: { conversationId: new Types.ObjectId(l.conversationId) } },
        },
      })),
      { ordered: false },
    );
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
  async recordLoginSuccess(firmId: string, clientId: string): Promise<void> {
    await this.clients
      .updateOne({ _id: clientId, firmId }, { $set: { 'portal.lastLoginAt': new Date() } })
      .exec();
  }
}
