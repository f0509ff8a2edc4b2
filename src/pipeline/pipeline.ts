/**
 * @module pipeline/pipeline
 * A pipeline links processors in order, from where audio enters to where it leaves. Frames put in
 * at the head travel downstream; frames that travel upstream past the head are handed to
 * `onUpstream` (errors, for instance, end up there).
 */
import type { Logger } from "../logger.js";
import { silentLogger } from "../logger.js";
import { type Direction, type Frame, frame } from "./frames.js";
import { type FrameObserver, FrameProcessor, type FrameWork } from "./processor.js";

class PipelineHead extends FrameProcessor {
  constructor(private readonly onUpstream: (frame: Frame) => void) {
    super("pipeline-head");
  }

  inject(frame: Frame): Promise<void> {
    return this.push(frame, "downstream");
  }

  protected override processFrame(frame: Frame, direction: Direction): FrameWork {
    if (direction === "downstream") return this.push(frame, direction);
    try {
      this.onUpstream(frame);
    } catch (error) {
      // Nobody sits further upstream to tell: the failure of the owner's handler is logged here.
      this.logger.error({ err: error instanceof Error ? error.message : String(error), frameType: frame.type }, "onUpstream failed");
    }
  }
}

class PipelineTail extends FrameProcessor {
  constructor(private readonly onDownstream: (frame: Frame) => void) {
    super("pipeline-tail");
  }

  protected override processFrame(frame: Frame, direction: Direction): FrameWork {
    if (direction === "downstream") this.onDownstream(frame);
    else return this.push(frame, direction);
  }
}

export interface PipelineOptions {
  logger?: Logger;
  observers?: FrameObserver[];
  /** Frames that travelled upstream past the first processor. */
  onUpstream?: (frame: Frame) => void;
  /** Frames that travelled downstream past the last processor. */
  onDownstream?: (frame: Frame) => void;
}

export class Pipeline {
  readonly processors: readonly FrameProcessor[];
  private readonly head: PipelineHead;
  private readonly tail: PipelineTail;

  constructor(processors: FrameProcessor[], options: PipelineOptions = {}) {
    this.processors = processors;
    this.head = new PipelineHead(options.onUpstream ?? (() => {}));
    this.tail = new PipelineTail(options.onDownstream ?? (() => {}));
    const chain = [this.head, ...processors, this.tail];
    const logger = options.logger ?? silentLogger;
    for (const processor of chain) processor.setup(logger, options.observers ?? []);
    chain.reduce((previous, next) => previous.link(next));
  }

  /** Puts a frame in at the head of the pipeline. */
  queue(f: Frame): Promise<void> {
    return this.head.inject(f);
  }

  async start(sampleRate: number): Promise<void> {
    await this.queue(frame("start", { sampleRate }));
  }

  /** Ends the pipeline after the frames already queued have been handled. */
  async stop(reason = "stopped"): Promise<void> {
    await this.queue(frame("end", { reason }));
    for (const processor of this.processors) await processor.idle();
  }

  /** Stops at once, dropping queued work. */
  async cancel(reason = "cancelled"): Promise<void> {
    await this.queue(frame("cancel", { reason }));
  }
}
