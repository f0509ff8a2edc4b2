/**
 * @module pipeline/processor
 * The one contract every pipeline stage follows: receive a frame, act, push frames on.
 *
 * Scheduling lives here so no stage re-implements it: system frames run the moment they arrive,
 * data and control frames wait in an ordered queue, and an interruption (or cancel) empties that
 * queue and aborts the work in progress through `interruptSignal`.
 */
import type { Logger } from "../logger.js";
import { silentLogger } from "../logger.js";
import { guardedCall } from "../util/guarded-call.js";
import { type Direction, type Frame, frame as makeFrame, isSystemFrame, isUninterruptible } from "./frames.js";

/** Sees every frame a processor pushes; used for metrics, transcripts and tests, never to alter flow. */
export interface FrameObserver {
  onPush(source: string, frame: Frame, direction: Direction): void;
}

/** What queueing a frame returns: nothing to wait for, and one shared promise rather than one per frame. */
const QUEUED: Promise<void> = Promise.resolve();

/**
 * What `processFrame` returns: nothing (or what a synchronous `push` returned) when the frame was
 * handled on the spot, a promise when the stage has to wait for something first.
 */
export type FrameWork = Promise<void> | undefined | void;

/** Whether a stage's work on a frame is still going on. */
const pendingWork = (work: FrameWork): work is Promise<void> => work !== undefined && work !== QUEUED;

interface QueuedFrame {
  frame: Frame;
  direction: Direction;
}

export abstract class FrameProcessor {
  readonly name: string;
  protected logger: Logger = silentLogger;
  private downstreamPeer: FrameProcessor | undefined;
  private upstreamPeer: FrameProcessor | undefined;
  private readonly queue: QueuedFrame[] = [];
  private draining: Promise<void> | undefined;
  private interruptController = new AbortController();
  private observers: readonly FrameObserver[] = [];
  private cleanedUp = false;

  constructor(name: string) {
    this.name = name;
  }

  /** Joins this processor to the next one downstream and returns the next one, for chaining. */
  link(next: FrameProcessor): FrameProcessor {
    this.downstreamPeer = next;
    next.upstreamPeer = this;
    return next;
  }

  /** Called by the pipeline before it starts. */
  setup(logger: Logger, observers: readonly FrameObserver[]): void {
    this.logger = logger.child({ processor: this.name });
    this.observers = observers;
  }

  /**
   * Hands a frame to this processor. System frames are processed now; the rest in arrival order.
   * Not an async function, and no promise is made for work a stage does on the spot: most frames are
   * audio, fifty a second per bot, and a promise per frame per stage was most of what the process
   * allocated. The promise returned is a shared, settled one unless the stage has work pending.
   */
  queueFrame(frame: Frame, direction: Direction = "downstream"): Promise<void> {
    if (isSystemFrame(frame)) {
      if (frame.type === "interruption" || frame.type === "cancel") this.discardQueuedWork();
      return this.processSafely(frame, direction);
    }
    this.queue.push({ frame, direction });
    if (!this.draining) this.drain();
    return QUEUED;
  }

  /** Resolves once every queued frame has been processed. */
  async idle(): Promise<void> {
    for (let pending = this.draining; pending; pending = this.draining) await pending;
  }

  /**
   * Aborted when an interruption or cancel reaches this processor. Work that outlives one call
   * (an LLM stream, a synthesis) takes the signal current when it started and stops when it aborts.
   */
  protected get interruptSignal(): AbortSignal {
    return this.interruptController.signal;
  }

  /**
   * Handles one frame. The default passes it on unchanged in the direction it was going. A stage
   * may do its work on the spot and return what `push` returned (or nothing), or return a promise
   * of work that has to wait; queued frames behind it wait for that promise.
   */
  protected processFrame(frame: Frame, direction: Direction): FrameWork {
    return this.push(frame, direction);
  }

  /**
   * Sends a frame to the neighbour in the given direction. It never rejects: the neighbour catches
   * its own failures (processSafely) and an observer's failure is only logged, so a stage may fire
   * a push from a timer or callback without one of them ending the process.
   */
  protected push(frame: Frame, direction: Direction = "downstream"): Promise<void> {
    for (const observer of this.observers) this.notify(observer, frame, direction);
    const peer = direction === "downstream" ? this.downstreamPeer : this.upstreamPeer;
    return peer ? peer.queueFrame(frame, direction) : QUEUED;
  }

  /**
   * Pushes a data frame produced by work that started under `signal`, unless an interruption has
   * since aborted it. The check and the enqueue happen in the same tick, so no stale frame slips
   * past an interruption.
   */
  protected async pushUnlessInterrupted(frame: Frame, signal: AbortSignal, direction: Direction = "downstream"): Promise<boolean> {
    if (signal.aborted) return false;
    await this.push(frame, direction);
    return true;
  }

  /**
   * Reports a problem upstream. A non-fatal error is one the stage copes with (the pipeline's owner
   * still counts them, see fault-policy); `fatal` says this stage cannot go on.
   */
  protected async pushError(error: Error, fatal = false): Promise<void> {
    await this.push(makeFrame("error", { error, fatal, source: this.name }), "upstream");
  }

  /**
   * Runs stage work that a timer or a service callback started, outside `processFrame`. A throw or
   * rejection there has no caller to land in (it would end the process), so it becomes an error of
   * this stage, exactly as if `processFrame` had failed.
   */
  protected detached(work: () => unknown): void {
    guardedCall(work, (error) => {
      this.logger.error({ err: error.message }, "processor failed outside a frame");
      void this.pushError(error);
    });
  }

  private notify(observer: FrameObserver, frame: Frame, direction: Direction): void {
    try {
      observer.onPush(this.name, frame, direction);
    } catch (error) {
      this.logger.error({ err: error instanceof Error ? error.message : String(error), frameType: frame.type }, "a frame observer failed");
    }
  }

  private discardQueuedWork(): void {
    const kept = this.queue.filter((item) => isUninterruptible(item.frame));
    this.queue.length = 0;
    this.queue.push(...kept);
    this.interruptController.abort();
    this.interruptController = new AbortController();
  }

  /**
   * Processes queued frames in order: on the spot while the stage's work is, and once a frame's work
   * has to wait, the rest follow when it is done. Frames queued meanwhile (even by this stage's own
   * pushes coming back upstream) join the same run.
   */
  private drain(): void {
    this.draining = QUEUED;
    for (let item = this.queue.shift(); item; item = this.queue.shift()) {
      const work = this.processSafely(item.frame, item.direction);
      if (work !== QUEUED) {
        this.draining = work.then(() => this.drain());
        return;
      }
    }
    this.draining = undefined;
  }

  /** Never rejects; returns the shared settled promise when the frame was handled on the spot. */
  private processSafely(frame: Frame, direction: Direction): Promise<void> {
    let work: FrameWork;
    try {
      work = this.processFrame(frame, direction);
    } catch (error) {
      return this.frameFailed(frame, error);
    }
    if (pendingWork(work)) {
      return work.then(
        () => this.finished(frame),
        (error: unknown) => this.frameFailed(frame, error),
      );
    }
    return this.finished(frame);
  }

  private finished(frame: Frame): Promise<void> {
    return frame.type === "end" || frame.type === "cancel" ? this.cleanupOnce() : QUEUED;
  }

  /** A stage that throws loses only the frame it was handling, never the bot. */
  private async frameFailed(frame: Frame, error: unknown): Promise<void> {
    const err = error instanceof Error ? error : new Error(String(error));
    this.logger.error({ err, frameType: frame.type }, "processor failed on a frame");
    if (frame.type !== "error") await this.pushError(err);
    await this.finished(frame);
  }

  /**
   * Releases what the stage holds (resamplers, sessions, timers, map entries). Called exactly once,
   * after the first end or cancel the stage handled, whichever way the bot stopped; a stage must
   * still accept (and ignore) frames that arrive afterwards.
   */
  protected async cleanup(): Promise<void> {}

  private async cleanupOnce(): Promise<void> {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    try {
      await this.cleanup();
    } catch (error) {
      this.logger.error({ err: error instanceof Error ? error.message : String(error) }, "processor did not clean up fully");
    }
  }
}
