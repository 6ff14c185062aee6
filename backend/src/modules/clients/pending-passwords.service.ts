import { Injectable } from '@nestjs/common';
import type { BulkPortalJobResponse } from '../../contract/index.js';
import { notFound } from '../../common/errors.js';
import { generatePortalPassword } from '../../common/secrets.js';
import { JobsService } from '../jobs/jobs.service.js';
import { type JobContext, JobName, type JobPayloads } from '../jobs/job.types.js';
import { ClientRepository } from './client.repository.js';
import type { ClientDoc } from './client.schema.js';
import { PortalPasswords } from './portal-passwords.js';

/** Report progress every this many clients: a Redis write each, against an argon2 hash each. */
const PROGRESS_EVERY = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * First portal passwords. One enable generates its password at once; a bulk
 * enable leaves them pending (argon2 is too slow for a thousand in one request)
 * for a job, and "Ver senha" generates a pending one on demand. Whoever comes
 * first wins through the conditional first-password write, so a client never
 * gets two. Until then, portal login fails like a wrong password.
 */
@Injectable()
export class PendingPasswordsService {
  constructor(
    private readonly clients: ClientRepository,
    private readonly passwords: PortalPasswords,
    private readonly jobs: JobsService,
  ) {}

  /** Gives the client its first portal password, unless someone already did. */
  async ensure(firmId: string, doc: ClientDoc): Promise<{ doc: ClientDoc; password?: string }> {
    if (doc.portal.passwordHash) return { doc };
    const password = generatePortalPassword();
    const { passwordHash, passwordEnc } = await this.passwords.protect(password);
    const updated = await this.clients.setFirstPassword(firmId, String(doc._id), passwordHash, passwordEnc);
    if (updated) return { doc: updated, password };
    const current = await this.clients.findById(firmId, String(doc._id));
    if (!current) throw notFound('Client');
    return { doc: current };
  }

  /** Queues the passwords of these clients; returns the job id screens poll. */
  enqueue(firmId: string, clientIds: string[]): Promise<string> {
    return this.jobs.addWatched(JobName.PortalPasswords, { firmId, clientIds });
  }

  async status(firmId: string, jobId: string): Promise<BulkPortalJobResponse> {
    // Ids are UUIDs (JobsService.addWatched); anything else can't name a job.
    const job = UUID.test(jobId) ? await this.jobs.status(JobName.PortalPasswords, firmId, jobId) : null;
    if (!job) throw notFound('Job');
    const total = job.data.clientIds.length;
    const done = job.state === 'completed' ? total : (job.progress?.done ?? 0);
    return { state: job.state, done, total };
  }

  /**
   * Worker side. Safe to run again (a retry skips clients that have a password);
   * a client disabled meanwhile is skipped: its next enable generates one.
   */
  async process(job: JobPayloads[JobName.PortalPasswords], context: JobContext): Promise<void> {
    const total = job.clientIds.length;
    for (const [i, clientId] of job.clientIds.entries()) {
      const doc = await this.clients.findById(job.firmId, clientId);
      if (doc?.portal.enabled) await this.ensure(job.firmId, doc);
      const done = i + 1;
      if (done % PROGRESS_EVERY === 0 || done === total) await context.reportProgress({ done, total });
    }
  }
}
