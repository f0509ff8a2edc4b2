/**
 * @module pipeline/voice-pipeline-options
 * What a bot hands the engine it creates (voice pipeline, Pipecat relay or recorder).
 */
import type { ResolvedPersona } from "../core/bot-contracts.js";
import type { BotServiceOverrides } from "../services/speech-services.js";
import type { SiblingGroup } from "./turn/sibling-group.js";

export interface VoicePipelineOptions {
  botId: string;
  streamSampleRate: 16000 | 24000;
  persona: ResolvedPersona;
  enableTools: boolean;
  /** The bot's own LLM, tools, turn-taking and speed, where its request chose them. */
  overrides?: BotServiceOverrides;
  sendAudio(pcm: Int16Array): void;
  /** The engine cannot go on (a broken stage, a failed relay or recording): the bot fails and leaves. */
  onFatal(error: Error): void;
  /** The other bots of this server in the meeting, with the floor they share (speaking bots only). */
  group?: SiblingGroup;
}
