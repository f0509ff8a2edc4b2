import { describe, expect, it } from "vitest";
import { testConfig } from "../config.js";
import { planProviders } from "./select-providers.js";
import { pocketSphinxMissing } from "./stt/local/pocketsphinx-library.js";

describe("planProviders", () => {
  it("uses local engines with no keys and says no LLM is configured", () => {
    const plan = planProviders(testConfig());
    expect(plan.stt.name).toBe(pocketSphinxMissing() ? "none" : "pocketsphinx");
    expect(plan.tts.name).toBe("flite");
    expect(plan.llm).toMatchObject({ name: "none", missing: [expect.stringContaining("LLM_BASE_URL")] });
  });

  it("prefers cloud providers when their keys are set, Deepgram before Gladia", () => {
    const plan = planProviders(testConfig({ DEEPGRAM_API_KEY: "d", GLADIA_API_KEY: "g", CARTESIA_API_KEY: "c", OPENAI_API_KEY: "o" }));
    expect([plan.stt.name, plan.tts.name, plan.llm.name]).toEqual(["deepgram", "cartesia", "openai-compatible"]);
    expect(planProviders(testConfig({ GLADIA_API_KEY: "g" })).stt.name).toBe("gladia");
  });

  it("lets explicit settings win and reports what they lack", () => {
    const plan = planProviders(testConfig({ DEEPGRAM_API_KEY: "d", STT_PROVIDER: "local", TTS_PROVIDER: "cartesia" }));
    expect(plan.stt.name).toBe(pocketSphinxMissing() ? "none" : "pocketsphinx");
    expect(plan.tts).toMatchObject({ name: "cartesia", missing: ["CARTESIA_API_KEY"] });
    expect(planProviders(testConfig({ LLM_BASE_URL: "http://127.0.0.1:11434/v1" })).llm.reason).toMatch(/LLM_BASE_URL=http:\/\/127\.0\.0\.1:11434\/v1/);
    expect(planProviders(testConfig({ LLM_MODEL_PATH: "/models/q.gguf" })).llm.name).toBe("local-gguf");
  });
});
