import { describe, expect, it } from "vitest";
import { type Direction, type Frame, frame } from "./frames.js";
import { Pipeline } from "./pipeline.js";
import { FrameProcessor } from "./processor.js";

/** Takes 30 ms per data frame, and records the order in which it handled frames. */
class SlowStage extends FrameProcessor {
  readonly seen: string[] = [];
  aborted = 0;
  constructor() {
    super("slow");
  }
  protected override async processFrame(f: Frame, direction: Direction): Promise<void> {
    this.seen.push(f.type === "llm-text" ? `text:${f.text}` : f.type);
    if (f.type === "llm-text") {
      const signal = this.interruptSignal;
      await new Promise((resolve) => setTimeout(resolve, 30));
      if (signal.aborted) this.aborted += 1;
      if (f.text === "boom") throw new Error("stage failure");
    }
    await this.push(f, direction);
  }
}

describe("FrameProcessor", () => {
  it("runs system frames at once, ahead of queued data", async () => {
    const stage = new SlowStage();
    const pipeline = new Pipeline([stage]);
    for (const text of ["a", "b"]) void pipeline.queue(frame("llm-text", { text, turnId: 1 }));
    await pipeline.queue(frame("user-started-speaking"));
    await stage.idle();
    expect(stage.seen).toEqual(["text:a", "user-started-speaking", "text:b"]);
  });

  it("drops queued data and aborts work in progress on interruption, keeping uninterruptible frames", async () => {
    const stage = new SlowStage();
    const out: string[] = [];
    const pipeline = new Pipeline([stage], { onDownstream: (f) => out.push(f.type) });
    for (const text of ["a", "b", "c"]) void pipeline.queue(frame("llm-text", { text, turnId: 1 }));
    void pipeline.queue(frame("end", { reason: "x" }));
    await pipeline.queue(frame("interruption"));
    await stage.idle();
    expect(stage.seen).toEqual(["text:a", "interruption", "end"]);
    expect(stage.aborted).toBe(1);
    expect(out).toEqual(["interruption", "llm-text", "end"]);
  });

  it("survives a stage that throws and reports the error upstream", async () => {
    const stage = new SlowStage();
    const errors: string[] = [];
    const pipeline = new Pipeline([stage], { onUpstream: (f) => f.type === "error" && errors.push(f.error.message) });
    void pipeline.queue(frame("llm-text", { text: "boom", turnId: 1 }));
    void pipeline.queue(frame("llm-text", { text: "after", turnId: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await stage.idle();
    expect(errors).toEqual(["stage failure"]);
    expect(stage.seen).toEqual(["text:boom", "text:after"]);
  });

  it("names the stage an error came from", async () => {
    const stage = new SlowStage();
    const sources: string[] = [];
    const pipeline = new Pipeline([stage], { onUpstream: (f) => f.type === "error" && sources.push(f.source) });
    await pipeline.queue(frame("llm-text", { text: "boom", turnId: 1 }));
    await stage.idle();
    expect(sources).toEqual(["slow"]);
  });

  it("isolates an observer that throws, and an onUpstream handler that throws", async () => {
    const stage = new SlowStage();
    const out: string[] = [];
    const pipeline = new Pipeline([stage], {
      observers: [
        {
          onPush: () => {
            throw new Error("observer broke");
          },
        },
      ],
      onUpstream: () => {
        throw new Error("owner broke");
      },
      onDownstream: (f) => out.push(f.type),
    });
    await pipeline.queue(frame("llm-text", { text: "boom", turnId: 1 }));
    await pipeline.queue(frame("llm-text", { text: "fine", turnId: 1 }));
    await stage.idle();
    expect(out).toEqual(["llm-text"]);
  });

  it("turns a failure of work started by a timer into an error of its stage", async () => {
    class TimerStage extends FrameProcessor {
      constructor() {
        super("timer");
      }
      protected override async processFrame(f: Frame, direction: Direction): Promise<void> {
        if (f.type === "user-stopped-speaking") {
          setTimeout(() => this.detached(() => Promise.reject(new Error("late and broken"))), 1);
          setTimeout(() =>
            this.detached(() => {
              throw new Error("sync and broken");
            }),
          );
        }
        await this.push(f, direction);
      }
    }
    const errors: string[] = [];
    const pipeline = new Pipeline([new TimerStage()], { onUpstream: (f) => f.type === "error" && errors.push(`${f.source}: ${f.error.message}`) });
    await pipeline.queue(frame("user-stopped-speaking"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors.sort()).toEqual(["timer: late and broken", "timer: sync and broken"]);
  });

  it("carries frames through stages that work on the spot without waiting, and makes no promise per frame", () => {
    class PassStage extends FrameProcessor {}
    const out: string[] = [];
    const pipeline = new Pipeline([new PassStage("a"), new PassStage("b"), new PassStage("c")], { onDownstream: (f) => out.push(f.type) });
    const first = pipeline.queue(frame("llm-text", { text: "one", turnId: 1 }));
    const second = pipeline.queue(frame("input-audio", { audio: new Int16Array(320), sampleRate: 16000 }));
    // Both already left the last stage, before any microtask ran.
    expect(out).toEqual(["llm-text", "input-audio"]);
    expect(second).toBe(first);
  });

  it("keeps the order when a stage on the spot follows one that has to wait", async () => {
    const slow = new SlowStage();
    const out: string[] = [];
    class PassStage extends FrameProcessor {}
    const pipeline = new Pipeline([slow, new PassStage("pass")], { onDownstream: (f) => out.push(f.type === "llm-text" ? f.text : f.type) });
    for (const text of ["a", "b", "c"]) void pipeline.queue(frame("llm-text", { text, turnId: 1 }));
    expect(out).toEqual([]);
    await slow.idle();
    expect(out).toEqual(["a", "b", "c"]);
  });
});
