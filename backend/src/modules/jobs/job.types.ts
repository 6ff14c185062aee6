/** Queues and their jobs; each job name has exactly one payload type. */
export enum QueueName {
  UnreadReminders = 'unread-reminders',
  PortalPasswords = 'portal-passwords',
}

export enum JobName {
  UnreadReminder = 'unread-reminder',
  PortalPasswords = 'portal-passwords',
}

export interface JobPayloads {
  /** `side` is who has not read: staff (client messages waiting) or client (firm messages waiting). */
  [JobName.UnreadReminder]: { firmId: string; conversationId: string; side: 'staff' | 'client'; seq: number };
  /** First portal passwords of clients a bulk enable left without one. */
  [JobName.PortalPasswords]: { firmId: string; clientIds: string[] };
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.UnreadReminder]: QueueName.UnreadReminders,
  [JobName.PortalPasswords]: QueueName.PortalPasswords,
};

/** Defaults for every job: retries with backoff; finished jobs don't pile up in Redis. */
export const JOB_DEFAULTS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 2_000 },
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
};

/** How far a long job has got, for screens that show it. */
export interface JobProgress {
  done: number;
  total: number;
}

/** A job someone watches: where it is and how far it has got. */
export interface JobStatus<N extends JobName> {
  state: 'waiting' | 'active' | 'completed' | 'failed';
  progress: JobProgress | null;
  data: JobPayloads[N];
}

export interface JobContext {
  reportProgress(progress: JobProgress): Promise<void>;
}

export type JobHandler<N extends JobName> = (data: JobPayloads[N], context: JobContext) => Promise<void>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };
