/** Queues and their jobs; each job name has exactly one payload type. */
export enum QueueName {
  UnreadReminders = 'unread-reminders',
}

export enum JobName {
  UnreadReminder = 'unread-reminder',
}

export interface JobPayloads {
  /** `side` is who has not read: staff (client messages waiting) or client (firm messages waiting). */
  [JobName.UnreadReminder]: { firmId: string; conversationId: string; side: 'staff' | 'client'; seq: number };
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.UnreadReminder]: QueueName.UnreadReminders,
};

/** Defaults for every job: retries with backoff; finished jobs don't pile up in Redis. */
export const JOB_DEFAULTS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 2_000 },
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
};

export type JobHandler<N extends JobName> = (data: JobPayloads[N]) => Promise<void>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };
