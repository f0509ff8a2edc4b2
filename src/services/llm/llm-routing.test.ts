import { describe, expect, it } from "vitest";
import { testConfig } from "../../config.js";
import { AppError } from "../../core/errors.js";
import { planProviders } from "../select-providers.js";
import { LlmRouter } from "./llm-routing.js";
import { UnavailableLanguageModel } from "./unavailable-language-model.js";

describe("LLM routing", () => {
  const shared = new UnavailableLanguageModel();

  it("keeps the shared model when the request picks nothing, and says which setting a provider lacks", () => {
    const router = new LlmRouter(testConfig({ OPENAI_API_KEY: "sk-test" }), shared, "openai");
    expect(router.forRequest({})).toBe(shared);
    const error = (() => {
      try {
        router.forRequest({ llm_provider: "anthropic" });
      } catch (e) {
        return e;
      }
    })() as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(400);
    expect(error.message).toBe("llm_provider: the anthropic provider is not configured on this server; it needs ANTHROPIC_API_KEY");
    expect(() => new LlmRouter(testConfig(), shared, undefined).forRequest({ llm_model: "gpt-4o" })).toThrow(/llm_model: the openai provider .* OPENAI_API_KEY/);
  });

  it("makes one client per provider and model, with the provider's default model", () => {
    const router = new LlmRouter(testConfig({ ANTHROPIC_API_KEY: "sk-ant", ANTHROPIC_MODEL: "claude-test", ZAI_API_KEY: "zai", LLM_BASE_URL: "http://127.0.0.1:1/v1" }), shared, undefined);
    const claude = router.forRequest({ llm_provider: "anthropic" });
    expect({ name: claude.name, model: claude.model }).toEqual({ name: "anthropic", model: "claude-test" });
    expect(router.forRequest({ llm_provider: "anthropic" })).toBe(claude);
    expect(router.forRequest({ llm_provider: "anthropic", llm_model: "claude-other" }).model).toBe("claude-other");
    expect(router.forRequest({ llm_provider: "zai" }).model).toBe("glm-5.2");
    expect(router.forRequest({ llm_model: "llama3.2" })).toMatchObject({ name: "openai-compatible", model: "llama3.2" });
  });

  it("lets LLM_PROVIDER choose Anthropic or Z.ai for the whole server", () => {
    expect(planProviders(testConfig({ ANTHROPIC_API_KEY: "sk-ant" })).llm).toMatchObject({ name: "anthropic", missing: [] });
    expect(planProviders(testConfig({ LLM_PROVIDER: "zai" })).llm).toMatchObject({ name: "zai", missing: ["ZAI_API_KEY"] });
    expect(planProviders(testConfig({ ANTHROPIC_API_KEY: "sk-ant", OPENAI_API_KEY: "sk" })).llm.name).toBe("openai-compatible");
  });
});
