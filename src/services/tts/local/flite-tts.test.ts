import { describe, expect, it } from "vitest";
import { rms } from "../../../audio/pcm.js";
import { fliteMissing } from "./flite-library.js";
import { FliteTextToSpeech, fliteVoiceFor } from "./flite-tts.js";

async function speak(text: string, sampleRate: number, signal = new AbortController().signal): Promise<Int16Array[]> {
  const tts = new FliteTextToSpeech({ defaultVoice: "awb" });
  const chunks: Int16Array[] = [];
  for await (const chunk of tts.synthesize(text, { sampleRate, voiceId: undefined, gender: "female", language: "en-US", signal, context: "t" })) chunks.push(chunk);
  return chunks;
}

describe.skipIf(fliteMissing())("flite text-to-speech", () => {
  it("speaks a sentence at 16 and 24 kHz with a plausible length", async () => {
    for (const rate of [16000, 24000]) {
      const chunks = await speak("Good morning everyone, shall we begin?", rate);
      const samples = chunks.reduce((n, c) => n + c.length, 0);
      expect(samples / rate).toBeGreaterThan(1);
      expect(samples / rate).toBeLessThan(5);
      expect(chunks[0]?.length).toBe(rate / 10);
      expect(Math.max(...chunks.map(rms))).toBeGreaterThan(0.02);
    }
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await speak("This should never be heard.", 16000, controller.signal)).toEqual([]);
  });

  it("picks a voice from the voice id or the gender", () => {
    expect(fliteVoiceFor("rms", "female", "awb")).toBe("rms");
    expect(fliteVoiceFor("a0e99841-uuid", "female", "awb")).toBe("slt");
    expect(fliteVoiceFor(undefined, "male", "slt")).toBe("awb");
    expect(fliteVoiceFor(undefined, undefined, "kal16")).toBe("kal16");
  });
});

describe.skipIf(fliteMissing())("local text-to-speech", () => {
  it("speaks English with flite and other languages with espeak-ng", async () => {
    const { LocalTextToSpeech } = await import("./local-tts.js");
    const tts = new LocalTextToSpeech("awb");
    let samples = 0;
    for await (const chunk of tts.synthesize("Hola, ¿cómo estás hoy?", { sampleRate: 24000, voiceId: undefined, gender: "female", language: "es", signal: new AbortController().signal, context: "t" })) {
      samples += chunk.length;
      expect(chunk.length).toBeLessThanOrEqual(2400);
    }
    expect(samples / 24000).toBeGreaterThan(0.8);
  });
});
