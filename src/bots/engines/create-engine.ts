/**
 * @module bots/engines/create-engine
 * Chooses what drives a bot once its meeting stream is open: the built-in voice pipeline, a relay to
 * an external Pipecat pipeline, or the listen-only recorder.
 */
import type { Config } from "../../config.js";
import type { Logger } from "../../logger.js";
import { createBotPipeline } from "../../pipeline/bot-pipeline.js";
import type { SpeechServices, VoicePipeline, VoicePipelineOptions } from "../bot-contracts.js";
import type { BotRequest } from "../bot-request.js";

export interface EngineFactoryDeps {
  config: Config;
  speech: SpeechServices;
  logger: Logger;
}

export function createEngineFactory(deps: EngineFactoryDeps): (options: VoicePipelineOptions, request: BotRequest) => VoicePipeline {
  return (options) =>
    createBotPipeline({
      ...options,
      services: deps.speech,
      logger: deps.logger.child({ botId: options.botId }),
      maxContextMessages: deps.config.LLM_MAX_CONTEXT_MESSAGES,
      weatherApiUrl: deps.config.WEATHER_API_URL,
    });
}
