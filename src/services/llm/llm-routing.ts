/**
 * @module services/llm/llm-routing
 * Per-bot LLM choice (`llm_provider`, `llm_model` of `POST /bots`). A request names a provider and a
 * model, never a key or an address: credentials and base URLs come only from the server's
 * configuration, and a provider it lacks is a 400 naming the missing setting.
 *
 * - openai: the configured OpenAI-compatible server (LLM_BASE_URL, e.g. Ollama or vLLM, else
 *   OpenAI itself with OPENAI_API_KEY); default model LLM_MODEL.
 * - anthropic: Claude with ANTHROPIC_API_KEY; default model ANTHROPIC_MODEL.
 * - zai: Z.ai's OpenAI-compatible API with ZAI_API_KEY; default model ZAI_MODEL.
 *
 * Clients are made once per provider and model and shared by every bot that picks them.
 */
import { z } from "zod";
import type { Config } from "../../config.js";
import { AppError } from "../../core/errors.js";
import { AnthropicLanguageModel } from "./anthropic-language-model.js";
import type { LanguageModel } from "./language-model.js";
import { OpenAiLanguageModel } from "./openai-language-model.js";

export const LLM_PROVIDERS = ["openai", "anthropic", "zai"] as const;
export type LlmProviderName = (typeof LLM_PROVIDERS)[number];

export const llmProviderSchema = z
  .enum(LLM_PROVIDERS)
  .describe("LLM provider for this bot: openai (or the server's OpenAI-compatible LLM_BASE_URL), anthropic or zai. Defaults to the server's LLM_PROVIDER. Keys come only from the server's configuration");

export const llmModelSchema = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .regex(/^[\w.:/@+-]+$/, "must be a model name such as gpt-4o-mini or claude-opus-4-8")
  .describe("Model for this bot, e.g. gpt-4o-mini or claude-opus-4-8. Defaults to the provider's model setting (LLM_MODEL, ANTHROPIC_MODEL, ZAI_MODEL)");

type LlmSettings = Pick<
  Config,
  "OPENAI_API_KEY" | "LLM_API_KEY" | "LLM_BASE_URL" | "LLM_MODEL" | "ANTHROPIC_API_KEY" | "ANTHROPIC_API_URL" | "ANTHROPIC_MODEL" | "ZAI_API_KEY" | "ZAI_API_URL" | "ZAI_MODEL"
>;

/** The setting a provider lacks on this server, or undefined when it can be used. */
export function missingLlmSetting(provider: LlmProviderName, config: LlmSettings): string | undefined {
  if (provider === "openai") return config.LLM_BASE_URL || config.OPENAI_API_KEY ? undefined : "OPENAI_API_KEY (or LLM_BASE_URL for an OpenAI-compatible server)";
  if (provider === "anthropic") return config.ANTHROPIC_API_KEY ? undefined : "ANTHROPIC_API_KEY";
  return config.ZAI_API_KEY ? undefined : "ZAI_API_KEY";
}

export function defaultModelFor(provider: LlmProviderName, config: LlmSettings): string {
  if (provider === "anthropic") return config.ANTHROPIC_MODEL;
  if (provider === "zai") return config.ZAI_MODEL;
  return config.LLM_MODEL;
}

export function createProviderModel(provider: LlmProviderName, model: string, config: LlmSettings): LanguageModel {
  if (provider === "anthropic") return new AnthropicLanguageModel({ apiKey: config.ANTHROPIC_API_KEY ?? "", baseUrl: config.ANTHROPIC_API_URL, model });
  if (provider === "zai") return new OpenAiLanguageModel({ apiKey: config.ZAI_API_KEY, baseUrl: config.ZAI_API_URL, model });
  return new OpenAiLanguageModel({ apiKey: config.LLM_API_KEY ?? config.OPENAI_API_KEY, baseUrl: config.LLM_BASE_URL, model });
}

/** The provider the process's own model speaks for, by its plan name (none for local GGUF or none). */
export function providerOfPlan(name: string): LlmProviderName | undefined {
  if (name === "openai-compatible") return "openai";
  return name === "anthropic" || name === "zai" ? name : undefined;
}

export interface LlmChoice {
  llm_provider?: LlmProviderName | undefined;
  llm_model?: string | undefined;
}

export class LlmRouter {
  private readonly models = new Map<string, LanguageModel>();

  /**
   * `shared` is the process's own model and `sharedProvider` the provider it speaks for (undefined
   * when it is a local GGUF model or none); a request that changes nothing gets `shared` back.
   */
  constructor(
    private readonly config: LlmSettings,
    private readonly shared: LanguageModel,
    private readonly sharedProvider: LlmProviderName | undefined,
  ) {}

  /** The bot's model: the shared one unless the request picks another. Throws a 400 for an unconfigured provider. */
  forRequest(choice: LlmChoice): LanguageModel {
    if (!choice.llm_provider && !choice.llm_model) return this.shared;
    const provider = choice.llm_provider ?? this.sharedProvider ?? "openai";
    const missing = missingLlmSetting(provider, this.config);
    if (missing) {
      throw new AppError("PROVIDER_NOT_CONFIGURED", `${choice.llm_provider ? "llm_provider" : "llm_model"}: the ${provider} provider is not configured on this server; it needs ${missing}`, {
        status: 400,
        details: { setting: missing.split(" ")[0] },
      });
    }
    const model = choice.llm_model ?? defaultModelFor(provider, this.config);
    if (provider === this.sharedProvider && model === this.shared.model) return this.shared;
    const key = `${provider}\u0000${model}`;
    let routed = this.models.get(key);
    if (!routed) {
      routed = createProviderModel(provider, model, this.config);
      this.models.set(key, routed);
    }
    return routed;
  }
}
