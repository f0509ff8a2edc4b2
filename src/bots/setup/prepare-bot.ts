/**
 * @module bots/setup/prepare-bot
 * Everything a `POST /bots` request adds to its bot beyond a persona, made ready before the bot is
 * sent to its meeting, so a mistake is a precise 4xx instead of a bot that joins half-working:
 *
 * - `llm_provider` / `llm_model`: the bot's own model (400 when the provider is not configured);
 * - `prompt_data_sources`: fetched once, appended to the system prompt within the token caps;
 * - `mcp` / `mcp_profile`: sessions opened and tools listed now, closed when the bot ends;
 * - `turn_config`: the bot's VAD parameters; `speech_speed`: its speaking pace.
 *
 * Bots that do not speak through the built-in pipeline (Pipecat relays, recorders) take none of the
 * speaking fields; sending them is a 400 rather than silently ignored.
 */
import type { Config } from "../../config.js";
import type { Logger } from "../../logger.js";
import type { AddressPolicy } from "../../net/address-policy.js";
import type { Resolver } from "../../net/pinned-origin.js";
import { loadPromptData } from "../../prompt-data/load-prompt-data.js";
import { DEFAULT_PROMPT_DATA_TOKEN_LIMIT } from "../../prompt-data/prompt-data-request.js";
import { AppError } from "../../core/errors.js";
import type { LlmRouter } from "../../services/llm/llm-routing.js";
import { type BotMcp, NO_MCP, connectBotMcp } from "../../tools/mcp/bot-mcp.js";
import { EMPTY_MCP_PLAN, planMcp } from "../../tools/mcp/mcp-plan.js";
import type { McpProfiles } from "../../tools/mcp/mcp-profiles.js";
import type { BotServiceOverrides } from "../../services/speech-services.js";
import type { SpeechServices } from "../../services/speech-services.js";
import type { BotRequest } from "../bot-request.js";
import { vadParamsFor } from "../turn-config.js";

export interface BotSetup {
  /** Appended to the persona's system prompt for good (it is saved with the bot): the prompt data. */
  promptAddition: string;
  overrides: BotServiceOverrides;
  /** Frees what the bot holds (MCP sessions); never rejects. */
  close(): Promise<void>;
}

/** Prepares a bot; `logger` is the bot's own. Throws an AppError (4xx or 502) the caller can send back. */
export type PrepareBot = (request: BotRequest, logger: Logger) => Promise<BotSetup>;

export const NO_SETUP: BotSetup = { promptAddition: "", overrides: {}, close: async () => {} };

export interface PrepareBotDeps {
  config: Pick<Config, "MCP_TIMEOUT_SECONDS" | "PROMPT_DATA_FETCH_TIMEOUT_MS" | "PROMPT_DATA_MAX_BYTES" | "TTS_SPEED">;
  speech: Pick<SpeechServices, "llm" | "tools" | "vadParams">;
  llm: LlmRouter;
  mcpProfiles: McpProfiles;
  policy: AddressPolicy;
  resolve?: Resolver;
}

/** Fields that only mean something for a bot that speaks with the built-in pipeline. */
const SPEAKING_FIELDS = ["prompt_data_sources", "mcp", "mcp_profile", "llm_provider", "llm_model", "speech_speed"] as const;

export function createBotPreparer(deps: PrepareBotDeps): PrepareBot {
  return async (request, logger) => {
    const vadParams = request.turn_config ? vadParamsFor(request.turn_config, deps.speech.vadParams) : undefined;
    if (request.recorder || request.pipeline === "pipecat") {
      refuseSpeakingFields(request);
      return { ...NO_SETUP, overrides: vadParams && request.recorder ? { vadParams } : {} };
    }
    const llm = deps.llm.forRequest(request);
    const mcpPlan = request.mcp || request.mcp_profile ? planMcp(request, deps.mcpProfiles, deps.config.MCP_TIMEOUT_SECONDS) : EMPTY_MCP_PLAN;
    const [promptData, mcp] = await Promise.allSettled([
      loadPromptData(request.prompt_data_sources, request.prompt_data_token_limit ?? DEFAULT_PROMPT_DATA_TOKEN_LIMIT, {
        policy: deps.policy,
        timeoutMs: deps.config.PROMPT_DATA_FETCH_TIMEOUT_MS,
        maxBytes: deps.config.PROMPT_DATA_MAX_BYTES,
        resolve: deps.resolve,
      }),
      connectBotMcp(mcpPlan, { policy: deps.policy, logger, reservedNames: deps.speech.tools.map((tool) => tool.name), resolve: deps.resolve }),
    ]);
    if (promptData.status === "rejected" || mcp.status === "rejected") {
      if (mcp.status === "fulfilled") await mcp.value.close();
      throw promptData.status === "rejected" ? promptData.reason : (mcp as PromiseRejectedResult).reason;
    }
    const speed = request.speech_speed ?? deps.config.TTS_SPEED;
    const overrides: BotServiceOverrides = {
      ...(llm !== deps.speech.llm ? { llm } : {}),
      ...(mcp.value.tools.length ? { tools: mcp.value.tools } : {}),
      ...(mcp.value.promptSection ? { toolInstructions: mcp.value.promptSection } : {}),
      ...(vadParams ? { vadParams } : {}),
      ...(speed !== 1 ? { speechSpeed: speed } : {}),
    };
    logger.info(
      {
        llm: `${llm.name}/${llm.model}`,
        promptData: promptData.value.sources.length ? { tokens: promptData.value.tokens, sources: promptData.value.sources } : undefined,
        mcpTools: overrides.tools?.map((tool) => tool.name),
        speechSpeed: overrides.speechSpeed,
        vad: vadParams,
      },
      "bot setup ready",
    );
    return { promptAddition: promptData.value.block, overrides, close: closer(mcp.value, logger) };
  };
}

function refuseSpeakingFields(request: BotRequest): void {
  const given = SPEAKING_FIELDS.find((field) => request[field] !== undefined);
  if (given) {
    const kind = request.recorder ? "a recorder, which never speaks" : "a pipecat bot, whose own pipeline speaks";
    throw new AppError("VALIDATION_FAILED", `${given}: not used by ${kind}; it applies to bots of the builtin pipeline`);
  }
  if (request.pipeline === "pipecat" && request.turn_config) {
    throw new AppError("VALIDATION_FAILED", "turn_config: not used by a pipecat bot, whose own pipeline detects turns");
  }
}

function closer(mcp: BotMcp, logger: Logger): () => Promise<void> {
  if (mcp === NO_MCP) return NO_SETUP.close;
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= mcp.close().then(
      () => logger.debug("MCP sessions closed"),
      (error: unknown) => logger.warn({ err: String(error) }, "MCP sessions did not close cleanly"),
    );
    return closing;
  };
}
