/** Silero in worker threads scores exactly as in-process, each bot's windows in order. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSpeech } from "../../../test/fixtures/load-fixture.js";
import { int16ToFloat32 } from "../../audio/pcm.js";
import { SileroVadModel } from "./silero-model.js";
import { SileroWorkerPool } from "./silero-worker-pool.js";
import type { VoiceActivityModel } from "./voice-activity.js";

/** Scores every window of `audio` for `streams` bots at once, as the analyzers do. */
async function scoreAll(model: VoiceActivityModel, audio: Float32Array, streams: number): Promise<number[][]> {
  const bots = Array.from({ length: streams }, () => model.createStream());
  const windows = Math.floor(audio.length / model.windowSamples);
  const scores: number[][] = bots.map(() => []);
  const chains = bots.map(async (stream, b) => {
    // Each bot submits its windows without waiting, as a burst of late audio does.
    const pending = Array.from({ length: windows }, (_, w) => stream.score(audio.slice(w * model.windowSamples, (w + 1) * model.windowSamples)));
    scores[b] = await Promise.all(pending);
  });
  await Promise.all(chains);
  return scores;
}

describe("Silero VAD worker pool", () => {
  let pool: SileroWorkerPool;
  let local: SileroVadModel;
  beforeAll(async () => {
    [pool, local] = await Promise.all([SileroWorkerPool.load(undefined, 2), SileroVadModel.load()]);
  });
  afterAll(async () => {
    await pool.close();
  });

  it("gives the scores the in-process model gives, for several bots at once", async () => {
    const audio = int16ToFloat32(await loadSpeech("weather-question"));
    const [pooled, inProcess] = await Promise.all([scoreAll(pool, audio, 5), scoreAll(local, audio, 1)]);
    const expected = inProcess[0] ?? [];
    expect(expected.some((p) => p > 0.5)).toBe(true);
    for (const scores of pooled) {
      expect(scores).toHaveLength(expected.length);
      for (const [i, p] of scores.entries()) expect(p).toBeCloseTo(expected[i] ?? -1, 4);
    }
    expect(pool.stats.windows).toBe(5 * expected.length);
  });

  it("rejects windows once closed", async () => {
    const extra = await SileroWorkerPool.load(undefined, 1);
    await extra.close();
    await extra.close();
    await expect(extra.createStream().score(new Float32Array(512))).rejects.toThrow(/closed/);
  });
});
