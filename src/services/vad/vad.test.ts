import { beforeAll, describe, expect, it } from "vitest";
import { loadSpeech } from "../../../test/fixtures/load-fixture.js";
import { MAX_BATCH, SILERO_STATE, SILERO_WINDOW, SileroBatcher, type SileroResult, type SileroRun } from "./silero-batcher.js";
import { SileroVadModel } from "./silero-model.js";
import { MAX_BACKLOG_MS, type VadTransition, VadAnalyzer } from "./vad-analyzer.js";
import { DEFAULT_VAD } from "../../core/vad-defaults.js";

const params = { ...DEFAULT_VAD };

function silence(ms: number): Int16Array {
  return new Int16Array((ms / 1000) * 16000);
}

function noise(ms: number, amplitude: number): Int16Array {
  return Int16Array.from({ length: (ms / 1000) * 16000 }, () => Math.round((Math.random() * 2 - 1) * amplitude));
}

async function run(model: SileroVadModel, chunks: Int16Array[]): Promise<VadTransition[]> {
  const events: VadTransition[] = [];
  const failures: unknown[] = [];
  const vad = new VadAnalyzer(model, params, (t) => events.push(t), (error) => failures.push(error));
  for (const chunk of chunks) for (let i = 0; i < chunk.length; i += 320) void vad.push(chunk.subarray(i, i + 320));
  await vad.settled();
  expect(failures).toEqual([]);
  return events;
}

describe("Silero VAD", () => {
  let model: SileroVadModel;
  beforeAll(async () => {
    model = await SileroVadModel.load();
  });

  it("finds each spoken sentence once, inside its time span", async () => {
    const speech = await loadSpeech("weather-question");
    const speechMs = (speech.length / 16000) * 1000;
    const events = await run(model, [silence(1000), speech, silence(1000)]);
    expect(events.map((e) => e.event)).toEqual(["speech-start", "speech-stop"]);
    expect(events[0]?.streamMs).toBeGreaterThan(1000);
    expect(events[0]?.streamMs).toBeLessThan(1000 + 800);
    expect(events[1]?.streamMs).toBeGreaterThan(1000 + speechMs - 600);
    expect(events[1]?.streamMs).toBeLessThan(1000 + speechMs + 700);
  });

  it("stays quiet on silence, hiss and quiet noise", async () => {
    expect(await run(model, [silence(2000)])).toEqual([]);
    expect(await run(model, [noise(2000, 300)])).toEqual([]);
  });

  it("decides windows too quiet to be speech without the model, and hears the speech after them", async () => {
    const speech = await loadSpeech("weather-question");
    let scored = 0;
    let resets = 0;
    const counting = {
      sampleRate: model.sampleRate,
      windowSamples: model.windowSamples,
      createStream: () => {
        const stream = model.createStream();
        return {
          score: (window: Float32Array) => {
            scored += 1;
            return stream.score(window);
          },
          reset: () => {
            resets += 1;
            stream.reset();
          },
        };
      },
    };
    const events: VadTransition[] = [];
    const vad = new VadAnalyzer(counting, params, (t) => events.push(t));
    const chunks = [silence(1000), noise(1000, 30), speech, silence(1000), speech];
    for (const chunk of chunks) await vad.push(chunk);
    const windows = Math.floor(chunks.reduce((n, c) => n + c.length, 0) / 512);
    expect(events.map((e) => e.event)).toEqual(["speech-start", "speech-stop", "speech-start"]);
    expect(vad.quietWindows + scored).toBe(windows);
    // At least the two seconds before the first question and most of the pause are never scored.
    expect(vad.quietWindows).toBeGreaterThan(2500 / 32);
    expect(resets).toBeGreaterThanOrEqual(1);
    // With no volume floor every window goes to the model.
    scored = 0;
    const unfloored = new VadAnalyzer(counting, { ...params, minVolume: 0 }, () => undefined);
    await unfloored.push(silence(1000));
    expect(scored).toBe(Math.floor(16000 / 512));
  });

  it("keeps each bot's state separate when many share the model", async () => {
    const speech = await loadSpeech("time-question");
    const [a, b, c] = await Promise.all([
      run(model, [silence(500), speech, silence(800)]),
      run(model, [silence(2500)]),
      run(model, [silence(500), speech, silence(800)]),
    ]);
    expect(a.map((e) => e.event)).toEqual(["speech-start", "speech-stop"]);
    expect(b).toEqual([]);
    expect(c.map((e) => [e.event, e.streamMs])).toEqual(a.map((e) => [e.event, e.streamMs]));
    expect(model.stats.batches).toBeLessThan(model.stats.windows);
  });
});

/** A model whose scores (all 0) wait until `release` is called; `scored` lists the windows it was given. */
function gatedModel() {
  const scored: number[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const model = {
    sampleRate: 16000,
    windowSamples: 512,
    createStream: () => ({
      score: async (window: Float32Array) => {
        scored.push(window.length);
        await gate;
        return 0;
      },
      reset: () => undefined,
    }),
  };
  return { model, scored, release: () => release() };
}

describe("VadAnalyzer on the spot", () => {
  it("decides silence without the model or a promise, and keeps later audio behind windows the model is scoring", async () => {
    const { model, scored, release } = gatedModel();
    const vad = new VadAnalyzer(model, params, () => undefined);
    expect(vad.push(new Int16Array(1024))).toBeUndefined();
    expect(vad.quietWindows).toBe(2);
    const loud = vad.push(new Int16Array(512).fill(8000));
    expect(loud).toBeInstanceOf(Promise);
    // Silence that arrives while a window waits for the model waits too, so decisions stay in order.
    const after = vad.push(new Int16Array(512));
    expect(after).toBeInstanceOf(Promise);
    expect(vad.backlog).toBe(2);
    release();
    await after;
    expect(scored).toEqual([512]);
    expect(vad.quietWindows).toBe(3);
    expect(vad.push(new Int16Array(512))).toBeUndefined();
  });
});

describe("VadAnalyzer backlog", () => {
  it("keeps at most 30 s of audio waiting for a model that falls behind, and drops the rest", async () => {
    const { model: stalled, release } = gatedModel();
    const vad = new VadAnalyzer(stalled, params, () => undefined);
    // A 1000x flood: 100 s of audio in one go, loud enough that every window goes to the model.
    for (let i = 0; i < 1000; i++) void vad.push(new Int16Array(1600).fill(8000));
    expect(vad.backlog).toBe(Math.ceil(MAX_BACKLOG_MS / 32));
    expect(vad.droppedWindows).toBe(3125 - vad.backlog);
    release();
    await vad.settled();
    expect(vad.backlog).toBe(0);
  });

  it("counts a window the model fails to score and goes on", async () => {
    let calls = 0;
    const flaky = {
      sampleRate: 16000,
      windowSamples: 512,
      createStream: () => ({
        score: async () => {
          calls += 1;
          if (calls === 1) throw new Error("model hiccup");
          return 0;
        },
        reset: () => undefined,
      }),
    };
    const vad = new VadAnalyzer(flaky, params, () => undefined);
    await vad.push(noise(64, 20000));
    expect(calls).toBe(2);
    expect(vad.scoringErrors).toBe(1);
    expect(vad.lastScoringError).toBe("model hiccup");
  });
});

/** Scores every window 0.5 and records the size of each run. */
class RecordingBatcher extends SileroBatcher {
  readonly runs: number[] = [];
  protected async run(job: SileroRun): Promise<SileroResult> {
    this.runs.push(job.batch);
    return { output: new Float32Array(job.batch).fill(0.5), state: new Float32Array(2 * job.batch * SILERO_STATE) };
  }
}

describe("Silero batching", () => {
  it("cuts a burst of many bots' windows into runs of at most MAX_BATCH, and scores each window once", async () => {
    const batcher = new RecordingBatcher();
    const streams = Array.from({ length: 2 * MAX_BATCH + 5 }, () => batcher.createStream());
    const scores = await Promise.all(streams.map((s) => s.score(new Float32Array(SILERO_WINDOW))));
    expect(scores.every((p) => p === 0.5)).toBe(true);
    expect(batcher.runs).toEqual([MAX_BATCH, MAX_BATCH, 5]);
    expect(batcher.stats.windows).toBe(streams.length);
  });
});
