/**
 * Cartesia contexts over the wire, against the local server that speaks Cartesia's protocol: one
 * context per reply with continuations and flushes, and the server refusing what Cartesia refuses.
 */
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CartesiaTextToSpeech } from "./cartesia-tts.js";
import { FakeCartesiaServer } from "./testing/fake-cartesia-server.js";

const VOICE = "a0e99841-438c-4a64-b679-ae501e7d6091";
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function setup(): Promise<{ fake: FakeCartesiaServer; tts: CartesiaTextToSpeech }> {
  const fake = new FakeCartesiaServer();
  stops.push(() => fake.stop());
  await fake.start();
  return { fake, tts: new CartesiaTextToSpeech({ apiKey: "ca-key", baseUrl: fake.url, defaultVoiceId: VOICE }) };
}

async function speak(tts: CartesiaTextToSpeech, text: string, context: string, extra: { speed?: number; signal?: AbortSignal } = {}): Promise<number> {
  let samples = 0;
  const signal = extra.signal ?? new AbortController().signal;
  for await (const chunk of tts.synthesize(text, { sampleRate: 16000, voiceId: undefined, gender: undefined, language: "en-US", signal, context, speed: extra.speed })) samples += chunk.length;
  return samples;
}

function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => (check() ? resolve() : Date.now() - start > ms ? reject(new Error("timed out")) : setTimeout(poll, 10));
    poll();
  });
}

const samplesFor = (text: string) => Math.round(text.length * 0.06 * 16000);

describe("Cartesia contexts", () => {
  it("speaks a reply's sentences in one context, each ended by a flush, and closes it at the end", async () => {
    const { fake, tts } = await setup();
    expect(await speak(tts, "Hello there.", "reply-1")).toBe(samplesFor("Hello there."));
    expect(await speak(tts, "A second sentence follows.", "reply-1")).toBe(samplesFor("A second sentence follows."));
    tts.endReply("reply-1");
    tts.endReply("reply-1");
    await waitFor(() => fake.messages.some((m) => m.continue === false));
    expect(fake.contextIds).toHaveLength(1);
    expect(fake.messages.map((m) => [m.transcript, m.continue, m.flush ?? false])).toEqual([
      ["Hello there.", true, false],
      ["", true, true],
      ["A second sentence follows.", true, false],
      ["", true, true],
      ["", false, false],
    ]);
    expect(fake.refusals).toEqual([]);

    await speak(tts, "The next reply.", "reply-2");
    expect(fake.contextIds).toHaveLength(2);
  });

  it("keeps replies of different bots apart on the one socket", async () => {
    const { fake, tts } = await setup();
    const [a, b] = await Promise.all([speak(tts, "Hello there.", "bot-a"), speak(tts, "A longer sentence for the other bot.", "bot-b")]);
    expect([a, b]).toEqual([samplesFor("Hello there."), samplesFor("A longer sentence for the other bot.")]);
    expect(fake.server.clients.size).toBe(1);
    expect(fake.contextIds).toHaveLength(2);
  });

  it("opens a new context when the voice settings change and after an interruption", async () => {
    const { fake, tts } = await setup();
    await speak(tts, "Normal pace.", "r");
    await speak(tts, "Faster now.", "r", { speed: 1.2 });
    expect(fake.contextIds).toHaveLength(2);

    const controller = new AbortController();
    const cut = speak(tts, "This sentence is cut off by someone talking over it.", "r", { signal: controller.signal, speed: 1.2 });
    await waitFor(() => fake.requests.length === 3);
    expect(fake.contextIds).toHaveLength(2);
    controller.abort();
    await cut;
    await waitFor(() => fake.cancelled.size === 1);
    expect(await speak(tts, "Resumed.", "r", { speed: 1.2 })).toBeGreaterThan(0);
    expect(fake.contextIds).toHaveLength(3);
    expect(fake.refusals).toEqual([]);
  });

  it("lets the sentence in flight finish when its reply is ended", async () => {
    const { fake, tts } = await setup();
    let samples = 0;
    let ended = false;
    for await (const chunk of tts.synthesize("A long sentence that is still being spoken.", { sampleRate: 16000, voiceId: undefined, gender: undefined, language: "en-US", signal: new AbortController().signal, context: "r" })) {
      samples += chunk.length;
      if (!ended) tts.endReply("r");
      ended = true;
    }
    expect(samples).toBe(samplesFor("A long sentence that is still being spoken."));
    await waitFor(() => fake.messages.some((m) => m.continue === false));
    expect(fake.messages.map((m) => m.continue)).toEqual([true, true, false]);
  });
});

describe("the Cartesia test server", () => {
  it("refuses input without a context, after the context closed, with other settings, and a flush that does not continue", async () => {
    const { fake } = await setup();
    const socket = new WebSocket(`${fake.url.replace("http", "ws")}/tts/websocket?api_key=ca-key&cartesia_version=2024-11-13`);
    const errors: string[] = [];
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as { type: string; error?: string };
      if (message.type === "error") errors.push(message.error ?? "");
    });
    await new Promise((resolve) => socket.once("open", resolve));
    const settings = { model_id: "sonic-2", voice: { mode: "id", id: VOICE }, language: "en", output_format: { container: "raw", encoding: "pcm_s16le", sample_rate: 16000 } };
    socket.send(JSON.stringify({ ...settings, transcript: "No context." }));
    socket.send(JSON.stringify({ ...settings, context_id: "a", transcript: "One shot.", continue: false }));
    socket.send(JSON.stringify({ ...settings, context_id: "a", transcript: "Too late.", continue: true }));
    socket.send(JSON.stringify({ ...settings, context_id: "b", transcript: "First.", continue: true }));
    socket.send(JSON.stringify({ ...settings, voice: { mode: "id", id: "another" }, context_id: "b", transcript: "Other voice.", continue: true }));
    socket.send(JSON.stringify({ ...settings, context_id: "b", transcript: "", flush: true }));
    await waitFor(() => errors.length === 4);
    expect(errors).toEqual([
      "context_id is required",
      "context a is closed",
      "a continuation must keep the context's model, voice, language and output format",
      "flush needs continue: true",
    ]);
    socket.close();
  });
});
