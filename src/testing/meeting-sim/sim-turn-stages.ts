/**
 * @module testing/meeting-sim/sim-turn-stages
 * The real turn-taking stages a simulated bot runs, from speaker attribution to the floor gate, with
 * the simulator's tone voice; the caller adds its own output stage after them.
 */
import type { Conversation } from "../../pipeline/conversation.js";
import type { FrameProcessor } from "../../pipeline/processor.js";
import { BargeInStage } from "../../pipeline/stages/barge-in.js";
import { FloorGateStage } from "../../pipeline/stages/floor-gate.js";
import { ResponseStage } from "../../pipeline/stages/response.js";
import { SpeakerAttributionStage } from "../../pipeline/stages/speaker-attribution.js";
import { SpeechSynthesisStage } from "../../pipeline/stages/speech-synthesis.js";
import { type UserTurnOptions, UserTurnStage } from "../../pipeline/stages/user-turn.js";
import type { TurnContext } from "../../pipeline/turn/turn-context.js";
import type { TurnMetrics } from "../../pipeline/turn-metrics.js";
import type { LanguageModel } from "../../services/llm/language-model.js";
import { SIM_DELAYS, ToneTextToSpeech } from "./sim-engines.js";

export interface SimTurnStagesOptions {
  turns: TurnContext;
  conversation: Conversation;
  metrics: TurnMetrics;
  llm: LanguageModel;
  outputRate: number;
  /** Whether a person is audible right now, as the meeting side knows it (barge-in's witness). */
  voiced: () => boolean;
  userTurn?: UserTurnOptions;
}

export function simTurnStages(options: SimTurnStagesOptions): FrameProcessor[] {
  const { turns, conversation, metrics, llm } = options;
  return [
    new SpeakerAttributionStage(turns, { minSpeechMs: SIM_DELAYS.vadStartMs, minSilenceMs: SIM_DELAYS.vadStopMs }),
    new BargeInStage(turns, SIM_DELAYS.vadStartMs, options.voiced),
    new UserTurnStage(conversation, metrics, turns, options.userTurn),
    new ResponseStage({ llm, conversation, metrics, tools: [], toolContext: { weatherApiUrl: "http://127.0.0.1:9", now: () => new Date() } }),
    new SpeechSynthesisStage({ tts: new ToneTextToSpeech(), outputRate: options.outputRate, voiceId: undefined, gender: undefined, language: "en-US", metrics }),
    new FloorGateStage(turns),
  ];
}
