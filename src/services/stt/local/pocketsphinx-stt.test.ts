import { describe, expect, it } from "vitest";
import { loadSpeech } from "../../../../test/fixtures/load-fixture.js";
import type { Transcript } from "../speech-to-text.js";
import { pocketSphinxMissing } from "./pocketsphinx-library.js";
import { PocketSphinxSpeechToText } from "./pocketsphinx-stt.js";
import { wordErrorRate } from "./word-error-rate.js";

const missing = pocketSphinxMissing();

describe.skipIf(missing)("PocketSphinx speech-to-text", () => {
  it("transcribes a spoken question streamed in 20 ms chunks", async () => {
    const transcripts: Transcript[] = [];
    const stt = new PocketSphinxSpeechToText();
    const session = await stt.open({ sampleRate: 16000, language: "en-US" }, { onTranscript: (t) => transcripts.push(t), onError: (e) => { throw e; } });
    const pcm = await loadSpeech("weather-question");
    for (let i = 0; i < pcm.length; i += 320) session.write(pcm.subarray(i, i + 320));
    session.finalize();
    await session.close();
    const final = transcripts.filter((t) => t.final);
    expect(final).toHaveLength(1);
    expect(wordErrorRate("what is the weather like in paris today", final[0]?.text ?? "")).toBeLessThan(0.3);
    expect(transcripts.some((t) => !t.final)).toBe(true);
  });

  it("rejects audio at another rate", async () => {
    await expect(new PocketSphinxSpeechToText().open({ sampleRate: 24000, language: "en-US" }, { onTranscript() {}, onError() {} })).rejects.toThrow(/16 kHz/);
  });
});
