import { afterEach, describe, expect, it } from "vitest";
import { loadSpeech } from "../../test/fixtures/load-fixture.js";
import type { ProviderError } from "../core/errors.js";
import { DeepgramSpeechToText } from "./stt/deepgram-stt.js";
import { GladiaSpeechToText } from "./stt/gladia-stt.js";
import type { Transcript } from "./stt/speech-to-text.js";
import { FakeDeepgramServer } from "./stt/testing/fake-deepgram-server.js";
import { FakeGladiaServer } from "./stt/testing/fake-gladia-server.js";
import { CartesiaTextToSpeech } from "./tts/cartesia-tts.js";
import { FakeCartesiaServer } from "./tts/testing/fake-cartesia-server.js";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => (check() ? resolve() : Date.now() - start > ms ? reject(new Error("timed out")) : setTimeout(poll, 10));
    poll();
  });
}

describe("Deepgram", () => {
  it("streams real speech and reports interim and final transcripts", async () => {
    const fake = new FakeDeepgramServer({ transcripts: ["What is the weather like in Paris today?"] });
    stops.push(() => fake.stop());
    await fake.start();
    const stt = new DeepgramSpeechToText({ apiKey: "dg-key", baseUrl: fake.url });
    const seen: Transcript[] = [];
    const session = await stt.open({ sampleRate: 16000, language: "en-US" }, { onTranscript: (t) => seen.push(t), onError: () => {} });
    const pcm = await loadSpeech("weather-question");
    for (let i = 0; i < pcm.length; i += 320) session.write(pcm.subarray(i, i + 320));
    session.finalize();
    await waitFor(() => seen.some((t) => t.final));
    expect(seen.find((t) => t.final)?.text).toBe("What is the weather like in Paris today?");
    expect(seen.some((t) => !t.final)).toBe(true);
    await waitFor(() => fake.receivedBytes === pcm.byteLength);
    expect(fake.requests[0]?.url).toContain("encoding=linear16&sample_rate=16000&channels=1&language=en-US&interim_results=true");
    await session.close();
    await waitFor(() => fake.control.includes("CloseStream"));
  });

  it("closing waits for the results still owed, unless told to discard them", async () => {
    const fake = new FakeDeepgramServer({ transcripts: ["first words", "second words"], finalDelayMs: 200 });
    stops.push(() => fake.stop());
    await fake.start();
    const stt = new DeepgramSpeechToText({ apiKey: "dg-key", baseUrl: fake.url });
    const pcm = (await loadSpeech("weather-question")).subarray(0, 16000);
    const finals: string[] = [];
    const kept = await stt.open({ sampleRate: 16000, language: "en-US" }, { onTranscript: (t) => t.final && finals.push(t.text), onError: () => {} });
    kept.write(pcm);
    kept.finalize();
    await kept.close();
    expect(finals).toEqual(["first words"]);

    const discarded = await stt.open({ sampleRate: 16000, language: "en-US" }, { onTranscript: (t) => t.final && finals.push(t.text), onError: () => {} });
    discarded.write(pcm);
    discarded.finalize();
    await discarded.close({ discard: true });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(finals).toEqual(["first words"]);
  });

  it("refuses a bad key with the HTTP status, and reports a dropped socket as retryable", async () => {
    const fake = new FakeDeepgramServer({ transcripts: ["x"] });
    stops.push(() => fake.stop());
    await fake.start();
    const bad = await new DeepgramSpeechToText({ apiKey: "nope", baseUrl: fake.url }).open({ sampleRate: 16000, language: "en-US" }, { onTranscript() {}, onError() {} }).catch((e) => e);
    expect((bad as ProviderError).statusCode).toBe(401);
    const errors: ProviderError[] = [];
    await new DeepgramSpeechToText({ apiKey: "dg-key", baseUrl: fake.url }).open({ sampleRate: 16000, language: "en-US" }, { onTranscript() {}, onError: (e) => errors.push(e) });
    fake.dropAll();
    await waitFor(() => errors.length > 0);
    expect(errors[0]?.retryable).toBe(true);
  });
});

describe("Gladia", () => {
  it("opens a live session and relays its transcripts", async () => {
    const fake = new FakeGladiaServer({ transcript: "Can you tell me the time in Tokyo?", speechBytes: 32000 });
    stops.push(() => fake.stop());
    const stt = new GladiaSpeechToText({ apiKey: "gl-key", baseUrl: await fake.start() });
    const seen: Transcript[] = [];
    const session = await stt.open({ sampleRate: 16000, language: "en-US" }, { onTranscript: (t) => seen.push(t), onError: () => {} });
    const pcm = await loadSpeech("time-question");
    for (let i = 0; i < pcm.length; i += 320) session.write(pcm.subarray(i, i + 320));
    await waitFor(() => seen.some((t) => t.final));
    expect(seen.map((t) => [t.final, t.text])).toEqual([[false, "Can you"], [true, "Can you tell me the time in Tokyo?"]]);
    expect(fake.sessions[0]).toMatchObject({ encoding: "wav/pcm", sample_rate: 16000, bit_depth: 16, channels: 1, language_config: { languages: ["en"] } });
    await session.close();
    await waitFor(() => fake.stopped === 1);
  });
});

describe("Cartesia", () => {
  async function speak(tts: CartesiaTextToSpeech, text: string, signal = new AbortController().signal, sampleRate = 24000): Promise<number> {
    let samples = 0;
    for await (const chunk of tts.synthesize(text, { sampleRate, voiceId: undefined, gender: undefined, language: "en-US", signal, context: "t" })) samples += chunk.length;
    return samples;
  }

  it("synthesises sentences on one shared socket at the requested rate", async () => {
    const fake = new FakeCartesiaServer();
    stops.push(() => fake.stop());
    await fake.start();
    const tts = new CartesiaTextToSpeech({ apiKey: "ca-key", baseUrl: fake.url, defaultVoiceId: "a0e99841-438c-4a64-b679-ae501e7d6091" });
    const [a, b] = await Promise.all([speak(tts, "Hello there."), speak(tts, "A second sentence, longer than the first.")]);
    expect(a).toBe(Math.round(12 * 0.06 * 24000));
    expect(b).toBeGreaterThan(a);
    expect(fake.server.clients.size).toBe(1);
    expect(fake.requests[0]).toMatchObject({ voice: { mode: "id", id: "a0e99841-438c-4a64-b679-ae501e7d6091" }, output_format: { container: "raw", encoding: "pcm_s16le", sample_rate: 24000 } });
  });

  it("cancels a sentence when aborted", async () => {
    const fake = new FakeCartesiaServer({ firstChunkDelayMs: 300 });
    stops.push(() => fake.stop());
    await fake.start();
    const tts = new CartesiaTextToSpeech({ apiKey: "ca-key", baseUrl: fake.url, defaultVoiceId: "a0e99841-438c-4a64-b679-ae501e7d6091" });
    const controller = new AbortController();
    const spoken = speak(tts, "This will be cut off before any audio arrives.", controller.signal);
    await waitFor(() => fake.requests.length === 1);
    const abortedAt = performance.now();
    controller.abort();
    expect(await spoken).toBe(0);
    expect(performance.now() - abortedAt).toBeLessThan(100);
    await waitFor(() => fake.cancelled.size === 1);
  });
});
