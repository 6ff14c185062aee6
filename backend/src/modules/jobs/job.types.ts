/** Queues and their jobs; each job name has exactly one payload type. */
export enum QueueName {
  UnreadReminders = 'unread-reminders',
  PortalPasswords = 'portal-passwords',
  GuideDelivery = 'guide-delivery',
}

export enum JobName {
  UnreadReminder = 'unread-reminder',
  PortalPasswords = 'portal-passwords',
  /** Read one file of a batch and deliver it to its client (or leave it for review). */
  GuideRead = 'guide-read',
  /** Deliver one document staff sent to a chosen client (its guia fields read first). */
  DocumentSend = 'document-send',
  /** A guia's due-date reminder to the client. */
  GuideReminder = 'guide-reminder',
  /** The e-mail copy of a delivered document, retried until its date. */
  DocumentEmail = 'document-email',
}

export interface JobPayloads {
  /** `side` is who has not read: staff (client messages waiting) or client (firm messages waiting). */
  [JobName.UnreadReminder]: { firmId: string; conversationId: string; side: 'staff' | 'client'; seq: number };
  /** First portal passwords of clients a bulk enable left without one. */
  [JobName.PortalPasswords]: { firmId: string; clientIds: string[] };
  /** `clientId`: chosen by hand for a review item. */
  [JobName.GuideRead]: { firmId: string; batchId: string; itemId: string; clientId?: string };
  [JobName.DocumentSend]: {
    firmId: string;
    clientId: string;
    documentId: string;
    file: { id: string; name: string; contentType: string; size: number; sha256: string };
    category: string;
    title: string | null;
    emailUntil: string | null;
    sender: { kind: 'staff'; id: string; name: string };
  };
  [JobName.GuideReminder]: { firmId: string; documentId: string; when: 'before' | 'due' };
  [JobName.DocumentEmail]: { firmId: string; documentId: string; attempt: number };
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.UnreadReminder]: QueueName.UnreadReminders,
  [JobName.PortalPasswords]: QueueName.PortalPasswords,
  [JobName.GuideRead]: QueueName.GuideDelivery,
  [JobName.DocumentSend]: QueueName.GuideDelivery,
  [JobName.GuideReminder]: QueueName.GuideDelivery,
  [JobName.DocumentEmail]: QueueName.GuideDelivery,
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
  /** This run's number (1 for the first) and whether a failure now is the last one. */
  attempt: number;
  lastAttempt: boolean;
}

/** What a job answers (kept as its return value: a caller waiting on it reads it). */
export type JobHandler<N extends JobName> = (data: JobPayloads[N], context: JobContext) => Promise<unknown>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };
