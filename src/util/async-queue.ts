/**
 * @module util/async-queue
 * A queue one side fills from callbacks (socket messages, a model's text chunks) and the other reads
 * with `for await`. Items come out in the order they went in; `end()` lets the reader drain what is
 * queued and then stop, `fail(error)` lets it drain and then throws the error. The first of `end` and
 * `fail` wins; later pushes are dropped.
 *
 * Policy on size: unbounded unless `limit` is given, because the producers here are bounded by their
 * request (one sentence of audio, one answer). With a `limit`, a push that would exceed it fails the
 * queue with `QueueOverflowError` instead of growing without end: a reader that far behind has lost.
 *
 * One reader: a second `for await` over the same queue shares its items, it does not copy them.
 * A reader that leaves early (`break`, a throw) closes the queue so pushes stop piling up.
 */

export class QueueOverflowError extends Error {
  constructor(readonly limit: number) {
    super(`queue holds ${limit} items, its limit; the reader fell behind`);
    this.name = "QueueOverflowError";
  }
}

export interface AsyncQueueOptions {
  /** Most items held at once; a push past it fails the queue. */
  limit?: number;
}

type Ending = { kind: "end" } | { kind: "fail"; error: Error };

export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private ending: Ending | undefined;
  private waiter: (() => void) | undefined;

  constructor(private readonly options: AsyncQueueOptions = {}) {}

  /** Adds an item; false when the queue has already ended, failed or lost its reader. */
  push(item: T): boolean {
    if (this.ending) return false;
    if (this.options.limit !== undefined && this.items.length >= this.options.limit) {
      this.fail(new QueueOverflowError(this.options.limit));
      return false;
    }
    this.items.push(item);
    this.wake();
    return true;
  }

  /** No more items: the reader finishes once it has taken the queued ones. */
  end(): void {
    if (this.ending) return;
    this.ending = { kind: "end" };
    this.wake();
  }

  /** The reader takes the queued items, then `error` is thrown to it. */
  fail(error: Error): void {
    if (this.ending) return;
    this.ending = { kind: "fail", error };
    this.wake();
  }

  /** Items waiting for the reader. */
  get size(): number {
    return this.items.length;
  }

  /** True once `end` or `fail` was called or the reader left. */
  get closed(): boolean {
    return this.ending !== undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: async () => {
        this.items.length = 0;
        this.end();
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.items.length > 0) return { done: false, value: this.items.shift() as T };
      if (this.ending?.kind === "fail") {
        const { error } = this.ending;
        this.ending = { kind: "end" };
        throw error;
      }
      if (this.ending) return { done: true, value: undefined };
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
