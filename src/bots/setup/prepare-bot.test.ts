import { describe, expect, it } from "vitest";
import { testConfig } from "../../config.js";
import { silentLogger } from "../../logger.js";
import { createAddressPolicy } from "../../net/address-policy.js";
import { checkReadiness } from "../../server/readiness.js";
import { LlmRouter } from "../../services/llm/llm-routing.js";
import { UnavailableLanguageModel } from "../../services/llm/unavailable-language-model.js";
import { planProviders } from "../../services/select-providers.js";
import { NO_PROFILES } from "../../tools/mcp/mcp-profiles.js";
import { ALL_TOOLS } from "../../tools/registry.js";
import { type BotRequest, botRequestSchema } from "../bot-request.js";
import { vadParamsFor } from "../turn-config.js";
import { createBotPreparer } from "./prepare-bot.js";
import { DEFAULT_VAD } from "../../core/vad-defaults.js";

const defaults = { ...DEFAULT_VAD };
const shared = new UnavailableLanguageModel();

function preparer(env: Record<string, string> = {}) {
  const config = testConfig(env);
  return createBotPreparer({
    config,
    speech: { llm: shared, tools: ALL_TOOLS, vadParams: defaults },
    llm: new LlmRouter(config, shared, undefined),
    mcpProfiles: NO_PROFILES,
    policy: createAddressPolicy([]),
  });
}

const request = (fields: Record<string, unknown>): BotRequest => botRequestSchema.parse({ meeting_url: "https://meet.google.com/abc-defg-hij", ...fields });

describe("bot setup", () => {
  it("maps turn_config onto VAD parameters field by field, over the server's settings", () => {
    expect(vadParamsFor(undefined, defaults)).toBe(defaults);
    expect(vadParamsFor({ stop_secs: 1.2, confidence: 0.7 }, defaults)).toEqual({ ...DEFAULT_VAD, threshold: 0.7, minSilenceMs: 1200 });
    expect(vadParamsFor({ start_secs: 0.05, min_volume: 0 }, defaults)).toEqual({ ...DEFAULT_VAD, minSpeechMs: 50, minVolume: 0 });
  });

  it("gives a bot only what its request changes", async () => {
    const plain = await preparer()(request({}), silentLogger);
    expect(plain.promptAddition).toBe("");
    expect(plain.overrides).toEqual({});
    const tuned = await preparer({ TTS_SPEED: "0.9", ANTHROPIC_API_KEY: "sk-ant" })(request({ turn_config: { stop_secs: 2 }, llm_provider: "anthropic", prompt_data_sources: [{ type: "text", text: "Budget: 10k." }] }), silentLogger);
    expect(tuned.overrides.vadParams?.minSilenceMs).toBe(2000);
    expect(tuned.overrides.speechSpeed).toBe(0.9);
    expect(tuned.overrides.llm?.name).toBe("anthropic");
    expect(tuned.promptAddition).toContain("Budget: 10k.");
    expect((await preparer({ TTS_SPEED: "0.9" })(request({ speech_speed: 1.2 }), silentLogger)).overrides.speechSpeed).toBe(1.2);
  });

  it("refuses speaking fields for recorders and Pipecat bots instead of ignoring them", async () => {
    await expect(preparer()(request({ recorder: true, speech_speed: 1.2 }), silentLogger)).rejects.toThrow(/^speech_speed: not used by a recorder/);
    await expect(preparer()(request({ pipeline: "pipecat", turn_config: { stop_secs: 1 } }), silentLogger)).rejects.toThrow(/^turn_config: not used by a pipecat bot/);
    const recorder = await preparer()(request({ recorder: true, turn_config: { stop_secs: 1 } }), silentLogger);
    expect(recorder.overrides).toEqual({ vadParams: { ...defaults, minSilenceMs: 1000 } });
  });
});

describe("readiness", () => {
  const vadModel = { sampleRate: 16000, windowSamples: 512, createStream: () => ({ score: async () => 0, reset() {} }) };
  const check = (env: Record<string, string>, running: number, accepting = true) =>
    checkReadiness({ plan: planProviders(testConfig({ STT_PROVIDER: "deepgram", DEEPGRAM_API_KEY: "k", TTS_PROVIDER: "cartesia", CARTESIA_API_KEY: "k", ...env })), speech: { vadModel }, maxBots: 2, activeBots: () => running, acceptingBots: () => accepting });

  it("is ready with providers, a model and room for a bot, and says why not otherwise", () => {
    expect(check({ OPENAI_API_KEY: "sk" }, 1)).toEqual({ ready: true, reasons: [], bots: { running: 1, max: 2 } });
    expect(check({}, 0).reasons).toEqual([expect.stringMatching(/^no language model provider: LLM_BASE_URL/)]);
    expect(check({ OPENAI_API_KEY: "sk" }, 2).reasons).toEqual(["at capacity: 2 of 2 bots running (MAX_BOTS)"]);
    expect(check({ OPENAI_API_KEY: "sk" }, 0, false).reasons).toEqual(["shutting down: no new bots"]);
  });
});
