/**
 * @module audio/echo/reference-set
 * The references one bot's echo handling removes: its own voice now; the voices of sibling bots in
 * the same meeting can be added beside it, each with its own delay and canceller.
 */
import type { EchoReference } from "./echo-channel.js";
import type { EchoReferenceSource } from "./echo-suppressor.js";

/** A reference that needs preparing (a rate converter) and releasing. */
export interface ManagedReference extends EchoReference {
  open?(): Promise<void>;
  close?(): void;
}

export class EchoReferenceSet implements EchoReferenceSource {
  private readonly held: ManagedReference[];

  constructor(references: ManagedReference[] = []) {
    this.held = [...references];
  }

  references(): readonly EchoReference[] {
    return this.held;
  }

  add(reference: ManagedReference): void {
    if (!this.held.includes(reference)) this.held.push(reference);
  }

  remove(reference: EchoReference): void {
    const index = this.held.indexOf(reference as ManagedReference);
    if (index >= 0) this.held.splice(index, 1);
  }

  async open(): Promise<void> {
    await Promise.all(this.held.map((reference) => reference.open?.()));
  }

  /** Releases every reference held; safe to call more than once. */
  close(): void {
    for (const reference of this.held) reference.close?.();
  }
}
