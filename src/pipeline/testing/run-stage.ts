/**
 * @module pipeline/testing/run-stage
 * Feeds one processor frames from either side and records what it pushes on, the way Pipecat's
 * `run_test` does: a source before it, a sink after it, and nothing else. Combine it with fake
 * timers to test timing rules on the test's clock rather than the machine's.
 */
import { silentLogger } from "../../logger.js";
import type { Direction, Frame, FrameType } from "../frames.js";
import { FrameProcessor } from "../processor.js";

class Edge extends FrameProcessor {
  constructor(
    name: string,
    private readonly record: (frame: Frame) => void,
    private readonly recordDirection: Direction,
  ) {
    super(name);
  }

  send(frame: Frame, direction: Direction): Promise<void> {
    return this.push(frame, direction);
  }

  protected override async processFrame(frame: Frame, direction: Direction): Promise<void> {
    if (direction === this.recordDirection) this.record(frame);
  }
}

export class StageProbe {
  /** Frames the processor pushed downstream, in order. */
  readonly downstream: Frame[] = [];
  /** Frames the processor pushed upstream, in order. */
  readonly upstream: Frame[] = [];
  private readonly source: Edge;
  private readonly sink: Edge;

  constructor(readonly processor: FrameProcessor) {
    this.source = new Edge("probe-source", (f) => this.upstream.push(f), "upstream");
    this.sink = new Edge("probe-sink", (f) => this.downstream.push(f), "downstream");
    for (const p of [this.source, processor, this.sink]) p.setup(silentLogger, []);
    this.source.link(processor).link(this.sink);
  }

  /** Hands a frame to the processor as its upstream neighbour would. */
  async send(...frames: Frame[]): Promise<void> {
    for (const f of frames) await this.source.send(f, "downstream");
    await this.processor.idle();
  }

  /**
   * Hands frames over without waiting for the processor to finish them: for stages whose work
   * waits on (fake) timers, which the test then advances.
   */
  async deliver(...frames: Frame[]): Promise<void> {
    for (const f of frames) await this.source.send(f, "downstream");
  }

  /** Hands a frame to the processor as its downstream neighbour would (bot-started-speaking, …). */
  async sendUpstream(...frames: Frame[]): Promise<void> {
    for (const f of frames) await this.sink.send(f, "upstream");
    await this.processor.idle();
  }

  /** The types of the frames pushed downstream, optionally only those of the given types. */
  types(only?: readonly FrameType[]): FrameType[] {
    return this.downstream.map((f) => f.type).filter((t) => !only || only.includes(t));
  }

  /** Frames of one type pushed downstream. */
  of<T extends FrameType>(type: T): Extract<Frame, { type: T }>[] {
    return this.downstream.filter((f): f is Extract<Frame, { type: T }> => f.type === type);
  }

  clear(): void {
    this.downstream.length = 0;
    this.upstream.length = 0;
  }
}

/** Runs frames through one processor and returns everything it pushed. */
export async function runStage(processor: FrameProcessor, frames: Frame[]): Promise<{ downstream: Frame[]; upstream: Frame[] }> {
  const probe = new StageProbe(processor);
  await probe.send(...frames);
  return { downstream: probe.downstream, upstream: probe.upstream };
}

/**
 * Sends frames while `advance` moves a fake clock `ms` on (e.g. `vi.advanceTimersByTimeAsync`), for
 * stages that wait on timers, and resolves once the frames are through.
 */
export async function sendWhileClockRuns(probe: StageProbe, advance: (ms: number) => Promise<unknown>, ms: number, ...frames: Frame[]): Promise<void> {
  const sending = probe.send(...frames);
  await advance(ms);
  await sending;
}
