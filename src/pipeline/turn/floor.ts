/**
 * @module pipeline/turn/floor
 * The floor: who among the bots of a meeting may speak now. A bot takes it before its voice starts
 * and gives it back when it stops, so bots that share a floor never talk over each other. The
 * interface is asynchronous so a floor shared across processes (in Redis, say) can implement it;
 * the in-process floor here serves one bot, or several bots in one server.
 */

export interface Floor {
  /** Takes the floor for `holder` unless another holder has it; true when `holder` holds it after. */
  tryAcquire(holder: string): Promise<boolean>;
  /** Gives the floor back; does nothing unless `holder` holds it. */
  release(holder: string): Promise<void>;
  /** The current holder, or null. */
  holder(): Promise<string | null>;
  /** Called each time the floor becomes free; returns a function that unsubscribes. */
  onRelease(listener: () => void): () => void;
}

export class InProcessFloor implements Floor {
  private current: string | null = null;
  private readonly listeners = new Set<() => void>();

  async tryAcquire(holder: string): Promise<boolean> {
    if (this.current !== null && this.current !== holder) return false;
    this.current = holder;
    return true;
  }

  async release(holder: string): Promise<void> {
    if (this.current !== holder) return;
    this.current = null;
    for (const listener of [...this.listeners]) listener();
  }

  async holder(): Promise<string | null> {
    return this.current;
  }

  onRelease(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
