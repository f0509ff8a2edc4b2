/**
 * @module util/serial-queue
 * Runs tasks one at a time, in the order they were given. Each caller gets its own task's result or
 * failure through the promise `run` returns, so the queue itself never holds an error: one task that
 * fails does not stop the ones after it.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // The failure belongs to the caller of `run`; the queue only needs to know the task is over.
    this.tail = result.then(settled, settled);
    return result;
  }

  /** Resolves once every task given so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }
}

function settled(): void {}
