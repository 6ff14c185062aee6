/** Rate limits and per-firm fairness of socket events: in memory, per api node. */

export interface BucketRate {
  perSecond: number;
  burst: number;
}

/** Starts full; each event takes a token; tokens come back at `perSecond`, up to `burst`. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rate: BucketRate,
    now = Date.now(),
  ) {
    this.tokens = rate.burst;
    this.at = now;
  }

  /** Takes a token: 0 if there was one, else how many ms until there will be. */
  take(now = Date.now()): number {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.rate.perSecond);
  }

  /** A full bucket is the same as a new one, so it can be forgotten. */
  full(now = Date.now()): boolean {
    this.refill(now);
    return this.tokens >= this.rate.burst;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.at) * this.rate.perSecond) / 1000);
    this.at = now;
  }
}

/** One bucket per key (a sender, a session), created on first use. */
export class BucketMap {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly rate: BucketRate) {}

  take(key: string, now = Date.now()): number {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.rate, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  /** Drops the buckets that have refilled: memory stays proportional to recent senders. */
  sweep(now = Date.now()): void {
    for (const [key, bucket] of this.buckets) if (bucket.full(now)) this.buckets.delete(key);
  }
}

interface FirmLane {
  running: number;
  waiting: (() => void)[];
}

/**
 * At most `concurrency` handlers of one firm run at once; the rest wait in that firm's
 * FIFO queue, at most `queueLimit` of them. Firms never wait for each other's slots: the
 * database (one operation at a time behind FerretDB) interleaves them, so another firm's
 * event is queued behind at most `concurrency` operations of a bursting firm, not its burst.
 */
export class FirmScheduler {
  private readonly lanes = new Map<string, FirmLane>();

  constructor(
    private readonly concurrency: number,
    private readonly queueLimit: number,
  ) {}

  /** Runs `fn` in the firm's turn; null, without running it, when the firm's queue is full. */
  run<T>(firmId: string, fn: () => Promise<T>): Promise<T> | null {
    let lane = this.lanes.get(firmId);
    if (!lane) {
      lane = { running: 0, waiting: [] };
      this.lanes.set(firmId, lane);
    }
    if (lane.running < this.concurrency) {
      lane.running++;
      return this.execute(firmId, lane, fn);
    }
    if (lane.waiting.length >= this.queueLimit) return null;
    const current = lane;
    return new Promise<void>((resolve) => current.waiting.push(resolve)).then(() =>
      this.execute(firmId, current, fn),
    );
  }

  private async execute<T>(firmId: string, lane: FirmLane, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next in line; the last one out drops the lane.
      const next = lane.waiting.shift();
      if (next) next();
      else if (--lane.running === 0) this.lanes.delete(firmId);
    }
  }
}
