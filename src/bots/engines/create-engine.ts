/**
 * @module bots/engines/create-engine
 * Chooses what drives a bot once its meeting stream is open: the built-in voice pipeline, a relay to
 * an external Pipecat pipeline, or the listen-only recorder.
 */
import { join } from "node:path";
import type { Config } from "../../config.js";
import type { Logger } from "../../logger.js";
import { PipecatRelay } from "../../meeting/pipecat/pipecat-relay.js";
import { type PipecatRelayRegistry, createPipecatToken } from "../../meeting/pipecat/pipecat-relay-registry.js";
import { createBotPipeline } from "../../pipeline/bot-pipeline.js";
import type { VoicePipeline } from "../../core/bot-contracts.js";
import type { VoicePipelineOptions } from "../../pipeline/voice-pipeline-options.js";
import type { SpeechServices } from "../../services/speech-services.js";
import { resolveTurnPolicy } from "../../core/turn-policy.js";
import type { BotRequest } from "../bot-request.js";
import { MeetingRecorder } from "./meeting-recorder.js";

export interface EngineFactoryDeps {
  config: Config;
  speech: SpeechServices;
  logger: Logger;
  /** Relays waiting for their Pipecat pipeline, by secret token. */
  pipecatRelays: PipecatRelayRegistry;
}

export function createEngineFactory(deps: EngineFactoryDeps): (options: VoicePipelineOptions, request: BotRequest) => VoicePipeline {
  return (options, request) => {
    const logger = deps.logger.child({ botId: options.botId });
    if (request.recorder) {
      const vadParams = options.overrides?.vadParams;
      const speech = vadParams ? { ...deps.speech, vadParams } : deps.speech;
      return new MeetingRecorder({ ...options, speech, directory: join(deps.config.DATA_DIR, "recordings"), logger });
    }
    if (request.pipeline === "pipecat") {
      const token = createPipecatToken();
      const relay = new PipecatRelay(options, { token, logger, onStop: () => deps.pipecatRelays.remove(token) });
      deps.pipecatRelays.add(token, relay);
      return relay;
    }
    return createBotPipeline({
      ...options,
      services: deps.speech,
      logger,
      maxContextMessages: deps.config.LLM_MAX_CONTEXT_MESSAGES,
      weatherApiUrl: deps.config.WEATHER_API_URL,
      botName: request.bot_name || options.persona.name,
      turnPolicy: resolveTurnPolicy(options.persona.turnPolicy, request.turn_policy),
    });
  };
}
