/**
 * @module bots/engines/create-engine
 * Chooses what drives a bot once its meeting stream is open: the built-in voice pipeline, a relay to
 * an external Pipecat pipeline, or the listen-only recorder.
 */
import { join } from "node:path";
import type { Config } from "../../config.js";
import type { Logger } from "../../logger.js";
import { PipecatRelay } from "../../meeting/pipecat/pipecat-relay.js";
import { createBotPipeline } from "../../pipeline/bot-pipeline.js";
import { resolveTurnPolicy } from "../../pipeline/turn/turn-policy.js";
import type { SpeechServices, VoicePipeline, VoicePipelineOptions } from "../bot-contracts.js";
import type { BotRequest } from "../bot-request.js";
import { MeetingRecorder } from "./meeting-recorder.js";

export interface EngineFactoryDeps {
  config: Config;
  speech: SpeechServices;
  logger: Logger;
  /** Relays waiting for their Pipecat pipeline, by client id. */
  pipecatRelays: Map<string, PipecatRelay>;
}

export function createEngineFactory(deps: EngineFactoryDeps): (options: VoicePipelineOptions, request: BotRequest) => VoicePipeline {
  return (options, request) => {
    const logger = deps.logger.child({ botId: options.botId });
    if (request.recorder) {
      return new MeetingRecorder({ ...options, speech: deps.speech, directory: join(deps.config.DATA_DIR, "recordings"), logger });
    }
    if (request.pipeline === "pipecat") {
      const relay = new PipecatRelay(options);
      deps.pipecatRelays.set(options.botId, relay);
      const stop = relay.stop.bind(relay);
      relay.stop = async () => {
        deps.pipecatRelays.delete(options.botId);
        await stop();
      };
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
