import { describe, expect, it } from "vitest";
import { addKeyterms as deepgramKeyterms, majoritySpeaker } from "./deepgram-stt.js";
import { customVocabulary } from "./gladia-stt.js";
import { loadPocketSphinx, pocketSphinxMissing } from "./local/pocketsphinx-library.js";
import { addKeyterms as pocketSphinxKeyterms } from "./local/pocketsphinx-stt.js";
import { pronounce } from "./local/pronounce.js";
import { fliteMissing } from "../tts/local/flite-library.js";

describe("names passed to the recognisers", () => {
  it("Deepgram: keyterm for nova-3, boosted keywords for older models", () => {
    const nova3 = new URLSearchParams();
    deepgramKeyterms(nova3, "nova-3", ["Sam", "Meeting Facilitator", "Sam"]);
    expect(nova3.getAll("keyterm")).toEqual(["Sam", "Meeting Facilitator"]);
    const nova2 = new URLSearchParams();
    deepgramKeyterms(nova2, "nova-2", ["Meeting Facilitator"]);
    expect(nova2.getAll("keywords")).toEqual(["Meeting:2", "Facilitator:2"]);
  });

  it("Deepgram diarization: the label of most words", () => {
    expect(majoritySpeaker([{ speaker: 1 }, { speaker: 0 }, { speaker: 1 }])).toBe("1");
    expect(majoritySpeaker([{}, {}])).toBeNull();
    expect(majoritySpeaker(undefined)).toBeNull();
  });

  it("Gladia: realtime custom vocabulary, nothing when there are no names", () => {
    expect(customVocabulary(["Sam"])).toEqual({ realtime_processing: { custom_vocabulary: true, custom_vocabulary_config: { vocabulary: ["Sam"], default_intensity: 0.6 } } });
    expect(customVocabulary([])).toEqual({});
  });

  it.skipIf(pocketSphinxMissing() || fliteMissing())("PocketSphinx: a name missing from the dictionary is added with flite's pronunciation", async () => {
    expect(await pronounce("Sam")).toBe("S AE M");
    const api = loadPocketSphinx();
    const decoder = await api.newDecoder();
    try {
      expect(api.hasWord(decoder, "zephyrine")).toBe(false);
      expect(await pocketSphinxKeyterms(api, decoder, ["Zephyrine", "Sam"])).toEqual(["zephyrine"]);
      expect(api.hasWord(decoder, "zephyrine")).toBe(true);
    } finally {
      api.free(decoder);
    }
  });
});
