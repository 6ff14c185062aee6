import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type ConnectionOptions, type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import {
  JOB_DEFAULTS,
  JOB_QUEUE,
  type JobHandlers,
  type JobName,
  type JobPayloads,
  type JobProgress,
  type JobStatus,
  QueueName,
} from './job.types.js';

const WATCHED_JOB_KEEP_SECONDS = 24 * 3600;
/** BullMQ's lowest priority (2^21 − 1); jobs without one run before any prioritized job. */
const MAX_PRIORITY = 2 ** 21 - 1;

/** BullMQ queues and workers; the only file that imports bullmq. */
@Injectable()
export class JobRepository implements OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly events = new Map<QueueName, QueueEvents>();
  private readonly connection: ConnectionOptions;
  private readonly prefix: string;
  private readonly lockMs: number;
  private readonly stalledCheckMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.lockMs = config.JOB_LOCK_SECONDS * 1000;
    this.stalledCheckMs = config.JOB_STALLED_CHECK_SECONDS * 1000;
    const url = new URL(config.REDIS_URL);
    this.connection = {
      host: url.hostname,
      port: Number(url.port || 6379),
      password: url.password || undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined,
      tls: url.protocol === 'rediss:' ? {} : undefined,
    };
    this.prefix = `${config.REDIS_KEY_PREFIX}bull`;
  }

  private queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: JOB_DEFAULTS,
      });
      this.queues.set(name, q);
    }
    return q;
  }

  /**
   * Adds a job once per id: a second add with the same id while it waits is a no-op. A job
   * that failed for good is removed (its failure is in the log), or its id would refuse
   * every later job of that key.
   */
  async addOnce<N extends JobName>(
    name: N,
    data: JobPayloads[N],
    jobId: string,
    delayMs: number,
    priority?: number,
  ): Promise<void> {
    await this.queue(JOB_QUEUE[name]).add(name, data, {
      jobId,
      delay: delayMs,
      removeOnFail: true,
      ...(priority ? { priority: Math.min(priority, MAX_PRIORITY) } : {}),
    });
  }

  /**
   * Adds a job that a screen follows by id: a finished one is kept for a day so
   * its last state can still be read.
   */
  async addWatched<N extends JobName>(name: N, data: JobPayloads[N]): Promise<string> {
    const jobId = randomUUID();
    await this.queue(JOB_QUEUE[name]).add(name, data, {
      jobId,
      removeOnComplete: { age: WATCHED_JOB_KEEP_SECONDS },
    });
    return jobId;
  }

  /** A watched job of this firm (the payload carries it), or null. */
  async status<N extends JobName>(name: N, firmId: string, jobId: string): Promise<JobStatus<N> | null> {
    const job = await this.queue(JOB_QUEUE[name]).getJob(jobId);
    const data = job?.data as (JobPayloads[N] & { firmId?: string }) | undefined;
    if (!job || job.name !== name || data?.firmId !== firmId) return null;
    const state = await job.getState();
    const progress = job.progress as JobProgress | number;
    return {
      // Retries wait out their backoff as 'delayed': still to be done, like 'waiting'.
      state: state === 'active' || state === 'completed' || state === 'failed' ? state : 'waiting',
      progress: typeof progress === 'object' ? progress : null,
      data: job.data as JobPayloads[N],
    };
  }

  /**
   * Adds a job once per id and waits for its result (an api request whose answer the worker
   * computes, like a guia's fields): rejects after `timeoutMs`, the job still runs.
   */
  async addAndWait<N extends JobName>(
    name: N,
    data: JobPayloads[N],
    jobId: string,
    timeoutMs: number,
  ): Promise<unknown> {
    const queueName = JOB_QUEUE[name];
    let events = this.events.get(queueName);
    if (!events) {
      events = new QueueEvents(queueName, { connection: this.connection, prefix: this.prefix });
      events.on('error', (err) => this.logger.warn(`queue events ${queueName}: ${err.message}`));
      this.events.set(queueName, events);
      await events.waitUntilReady();
    }
    const job = await this.queue(queueName).add(name, data, {
      jobId,
      removeOnComplete: { age: 3600 },
      removeOnFail: { age: 24 * 3600 },
    });
    return job.waitUntilFinished(events, timeoutMs);
  }

  /** Removes a waiting job; a job already running or gone is left alone. */
  async remove(name: JobName, jobId: string): Promise<void> {
    const job = await this.queue(JOB_QUEUE[name]).getJob(jobId);
    if (job && (await job.isDelayed())) await job.remove();
  }

  /** Starts one worker per queue; every job name must have a handler (checked by the type). */
  start(handlers: JobHandlers): void {
    for (const queueName of new Set(Object.values(JOB_QUEUE))) {
      const worker = new Worker(
        queueName,
        async (job: Job) => {
          const handler = handlers[job.name as JobName];
          if (!handler) throw new Error(`no handler for job ${job.name}`);
          const attempt = job.attemptsMade + 1;
          return handler(job.data, {
            reportProgress: (progress) => job.updateProgress({ ...progress }),
            attempt,
            lastAttempt: attempt >= (job.opts.attempts ?? 1),
          });
        },
        {
          connection: this.connection,
          prefix: this.prefix,
          concurrency: 4,
          lockDuration: this.lockMs,
          stalledInterval: this.stalledCheckMs,
        },
      );
      worker.on('failed', (job, err) =>
        this.logger.warn(
          `${queueName}/${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`,
        ),
      );
      this.workers.push(worker);
    }
  }

  /** Ids of a queue's waiting jobs in the order workers take them (no priority first, then by priority). */
  async waitingJobIds(name: JobName): Promise<string[]> {
    const q = this.queue(JOB_QUEUE[name]);
    const [plain, prioritized] = await Promise.all([q.getWaiting(), q.getPrioritized()]);
    return [...plain.reverse(), ...prioritized].filter((j) => j.name === name).map((j) => String(j.id));
  }

  /** Ids of the jobs waiting out their delay (the reminder tests prove deduplication with it). */
  async delayedJobIds(name: JobName): Promise<string[]> {
    const jobs = await this.queue(JOB_QUEUE[name]).getDelayed();
    return jobs.map((j) => String(j.id));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.events.values()].map((e) => e.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
