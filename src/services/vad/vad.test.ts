import { beforeAll, describe, expect, it } from "vitest";
import { loadSpeech } from "../../../test/fixtures/load-fixture.js";
import { SileroVadModel } from "./silero-model.js";
import { type VadTransition, VadAnalyzer } from "./vad-analyzer.js";

const params = { threshold: 0.5, minSpeechMs: 250, minSilenceMs: 300, minVolume: 0.6 };

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
  let scored = Promise.resolve();
  for (const chunk of chunks) for (let i = 0; i < chunk.length; i += 320) scored = vad.push(chunk.subarray(i, i + 320));
  await scored;
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
