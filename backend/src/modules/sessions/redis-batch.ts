import type { ChainableCommander, Redis } from 'ioredis';

interface Queued {
  add: (pipeline: ChainableCommander) => void;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  recover?: (err: Error) => Promise<unknown>;
}

const batches = new WeakMap<Redis, RedisBatch>();

/**
 * Coalesces commands into pipelines: one write and one round trip for many callers (a
 * storm of socket connects costs a few writes, not several each), each caller still
 * getting its own command's reply or error, in the order they were issued. A command goes
 * out at the end of the current turn of the event loop, or, while the previous pipeline
 * is still waiting for its replies, with the next one as soon as those arrive: batches
 * grow with the load, and an idle server answers in one round trip as before.
 */
export class RedisBatch {
  private queue: Queued[] = [];
  private scheduled = false;
  private sending = false;

  private constructor(private readonly redis: Redis) {}

  /** The batch of this connection, shared by every repository that uses it. */
  static of(redis: Redis): RedisBatch {
    let batch = batches.get(redis);
    if (!batch) {
      batch = new RedisBatch(redis);
      batches.set(redis, batch);
    }
    return batch;
  }

  /**
   * Queues one command (`add` puts it on the pipeline) and resolves its reply. A command
   * that failed is handed to `recover` when given (e.g. EVALSHA's NOSCRIPT), else rejects.
   */
  run<T>(add: (pipeline: ChainableCommander) => void, recover?: (err: Error) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ add, resolve: resolve as (value: unknown) => void, reject, recover });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.sending || !this.queue.length) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const pipeline = this.redis.pipeline();
    for (const q of batch) q.add(pipeline);
    this.sending = true;
    pipeline
      .exec()
      .then(
        (results) => {
          batch.forEach((q, i) => {
            const [err, reply] = results?.[i] ?? [new Error('no reply in the pipeline'), null];
            if (!err) q.resolve(reply);
            else if (q.recover) q.recover(err).then(q.resolve, q.reject);
            else q.reject(err);
          });
        },
        (err: unknown) => batch.forEach((q) => q.reject(err)),
      )
      .finally(() => {
        this.sending = false;
        this.schedule();
      });
  }
}
