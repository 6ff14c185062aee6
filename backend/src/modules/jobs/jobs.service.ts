import { Injectable } from '@nestjs/common';
import { JobRepository } from './job.repository.js';
import type { JobHandlers, JobName, JobPayloads, JobStatus } from './job.types.js';

/** Queues and runs the typed jobs; other modules go through here, never the queues. */
@Injectable()
export class JobsService {
  constructor(private readonly jobs: JobRepository) {}

  /**
   * Adds a job once per id (see JobRepository.addOnce). `priority` (1 = first) orders waiting
   * jobs of a queue; jobs without one go before all prioritized ones.
   */
  addOnce<N extends JobName>(
    name: N,
    data: JobPayloads[N],
    jobId: string,
    delayMs: number,
    priority?: number,
  ): Promise<void> {
    return this.jobs.addOnce(name, data, jobId, delayMs, priority);
  }

  /** Adds a job a screen follows by id; returns that id. */
  addWatched<N extends JobName>(name: N, data: JobPayloads[N]): Promise<string> {
    return this.jobs.addWatched(name, data);
  }

  status<N extends JobName>(name: N, firmId: string, jobId: string): Promise<JobStatus<N> | null> {
    return this.jobs.status(name, firmId, jobId);
  }

  /** Adds a job and waits for its result (see JobRepository.addAndWait). */
  addAndWait<N extends JobName>(
    name: N,
    data: JobPayloads[N],
    jobId: string,
    timeoutMs: number,
  ): Promise<unknown> {
    return this.jobs.addAndWait(name, data, jobId, timeoutMs);
  }

  remove(name: JobName, jobId: string): Promise<void> {
    return this.jobs.remove(name, jobId);
  }

  /** Starts processing every queue with these handlers (the worker). */
  start(handlers: JobHandlers): void {
    this.jobs.start(handlers);
  }
}
