import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type ConnectionOptions, type Job, Queue, Worker } from 'bullmq';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import {
  JOB_DEFAULTS,
  JOB_QUEUE,
  type JobHandlers,
  type JobName,
  type JobPayloads,
  QueueName,
} from './job.types.js';

/** BullMQ queues and workers; the only file that imports bullmq. */
@Injectable()
export class JobRepository implements OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly connection: ConnectionOptions;
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
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

  /** Adds a job once per id: a second add with the same id while it waits is a no-op. */
  async addOnce<N extends JobName>(
    name: N,
    data: JobPayloads[N],
    jobId: string,
    delayMs: number,
  ): Promise<void> {
    await this.queue(JOB_QUEUE[name]).add(name, data, { jobId, delay: delayMs });
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
          await handler(job.data);
        },
        { connection: this.connection, prefix: this.prefix, concurrency: 4 },
      );
      worker.on('failed', (job, err) =>
        this.logger.warn(
          `${queueName}/${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`,
        ),
      );
      this.workers.push(worker);
    }
  }

  /** Ids of the jobs waiting out their delay (the reminder tests prove deduplication with it). */
  async delayedJobIds(name: JobName): Promise<string[]> {
    const jobs = await this.queue(JOB_QUEUE[name]).getDelayed();
    return jobs.map((j) => String(j.id));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
