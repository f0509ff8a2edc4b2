import { afterEach, describe, expect, it } from "vitest";
import { CartesiaTextToSpeech } from "./cartesia-tts.js";
import { fliteMissing } from "./local/flite-library.js";
import { LocalTextToSpeech, espeakMissing } from "./local/local-tts.js";
import { cartesiaSpeed, speechSpeedSchema } from "./speech-speed.js";
import { FakeCartesiaServer } from "./testing/fake-cartesia-server.js";
import type { TextToSpeech } from "./text-to-speech.js";

const SENTENCE = "Thanks everyone, the launch moves to the second week of March.";

async function samples(tts: TextToSpeech, speed: number | undefined, language = "en-US"): Promise<number> {
  let count = 0;
  for await (const chunk of tts.synthesize(SENTENCE, { sampleRate: 16000, voiceId: undefined, gender: undefined, language, speed, signal: new AbortController().signal, context: "t" })) {
    count += chunk.length;
  }
  return count;
}

describe("speech speed", () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  it("accepts the original API's range only", () => {
    expect(speechSpeedSchema.safeParse(1.15).success).toBe(true);
    expect(speechSpeedSchema.safeParse(0.5).success).toBe(false);
    expect(speechSpeedSchema.safeParse(1.6).success).toBe(false);
    expect(cartesiaSpeed("sonic-3", 1.2)).toEqual({ generation_config: { speed: 1.2 } });
    expect(cartesiaSpeed("sonic-latest", 0.8)).toEqual({ generation_config: { speed: 0.8 } });
    expect(cartesiaSpeed("sonic-2", 1.5)).toEqual({ experimentalSpeed: 1 });
    expect(cartesiaSpeed("sonic-2", 0.6)).toEqual({ experimentalSpeed: -1 });
  });

  it("asks Cartesia for the speed, and the same sentence gets shorter", async () => {
    const fake = new FakeCartesiaServer();
    stops.push(() => fake.stop());
    await fake.start();
    const legacy = new CartesiaTextToSpeech({ apiKey: "ca-key", baseUrl: fake.url, defaultVoiceId: "a0e99841-438c-4a64-b679-ae501e7d6091" });
    const normal = await samples(legacy, undefined);
    const fast = await samples(legacy, 1.5);
    expect(fake.requests[0]?.voice?.__experimental_controls).toBeUndefined();
    expect(fake.requests[1]?.voice?.__experimental_controls).toEqual({ speed: 1 });
    expect(fast / normal).toBeCloseTo(1 / 1.5, 2);
    const sonic3 = new CartesiaTextToSpeech({ apiKey: "ca-key", baseUrl: fake.url, defaultVoiceId: "a0e99841-438c-4a64-b679-ae501e7d6091", model: "sonic-3" });
    const slow = await samples(sonic3, 0.8);
    expect(fake.requests[2]).toMatchObject({ model_id: "sonic-3", generation_config: { speed: 0.8 } });
    expect(slow / normal).toBeCloseTo(1 / 0.8, 2);
  });

  it.skipIf(fliteMissing())("makes flite speak the same sentence faster or slower", async () => {
    const tts = new LocalTextToSpeech("awb");
    const normal = await samples(tts, undefined);
    const fast = await samples(tts, 1.4);
    const slow = await samples(tts, 0.7);
    expect(fast / normal).toBeGreaterThan(0.6);
    expect(fast / normal).toBeLessThan(0.85);
    expect(slow / normal).toBeGreaterThan(1.2);
  });

  it.skipIf(espeakMissing())("makes espeak-ng speak other languages faster", async () => {
    const tts = new LocalTextToSpeech("awb");
    const normal = await samples(tts, undefined, "es");
    const fast = await samples(tts, 1.5, "es");
    expect(fast / normal).toBeLessThan(0.85);
  });
});
