/**
 * @module bots/bot-contracts
 * What a bot needs from the rest of the server, as narrow interfaces: a resolved persona, the shared
 * speech services, the per-bot voice pipeline and the meeting stream it is attached to. The bot
 * manager receives implementations; tests can hand in their own.
 */
import type { Speaker } from "../pipeline/frames.js";
import type { RosterParticipant } from "../pipeline/turn/roster.js";
import type { DecisionRecord } from "../pipeline/turn/turn-context.js";
import type { TurnPolicyInput } from "../pipeline/turn/turn-policy.js";
import type { LanguageModel } from "../services/llm/language-model.js";
import type { SpeechToText } from "../services/stt/speech-to-text.js";
import type { TextToSpeech } from "../services/tts/text-to-speech.js";
import type { VadParams, VoiceActivityModel } from "../services/vad/voice-activity.js";
import type { Tool } from "../tools/tool.js";

/** A persona made ready for one bot. */
export interface ResolvedPersona {
  key: string;
  name: string;
  systemPrompt: string;
  entryMessage: string | undefined;
  voiceId: string | undefined;
  /** "male", "female", … from the persona; local engines pick a voice from it. */
  gender: string | undefined;
  language: string;
  image: string | undefined;
  /** How the persona was chosen (request prompt, requested name, bot name, default, random). */
  chosenBy: string;
  /** Turn-taking settings from the persona's metadata (mode, aliases, room questions). */
  turnPolicy?: TurnPolicyInput;
}

export interface PersonaResolver {
  resolve(request: { prompt: string | undefined; personas: string[] | undefined; botName: string | undefined }): Promise<ResolvedPersona>;
}

/** Loaded once per process and shared by every bot. */
export interface SpeechServices {
  vadModel: VoiceActivityModel;
  stt: SpeechToText;
  llm: LanguageModel;
  tts: TextToSpeech;
  tools: Tool[];
  vadParams: VadParams;
}

export interface TranscriptLine {
  role: "heard" | "said";
  text: string;
  speaker: string | null;
  final: boolean;
}

export interface TurnMetricsSnapshot {
  turns: Record<string, number | null>[];
  stages: Record<string, { count: number; p50: number | null; p95: number | null; p99: number | null }>;
}

/** The voice pipeline of one bot, as the bot sees it. */
export interface VoicePipeline {
  start(): Promise<void>;
  /** The bot is in the call: speak the entry message once. */
  admitted(): void;
  pushAudio(pcm: Int16Array): void;
  pushSpeakers(speakers: Speaker[]): void;
  isSpeaking(): boolean;
  metrics(): TurnMetricsSnapshot;
  /** The meeting's participants as the bot knows them, when the engine tracks them. */
  roster?(): RosterParticipant[];
  /** The last turn-taking decisions (speak or stay silent, and why), when the engine makes them. */
  turnDecisions?(): DecisionRecord[];
  onTranscript(listener: (line: TranscriptLine) => void): void;
  stop(): Promise<void>;
}

export interface VoicePipelineOptions {
  botId: string;
  streamSampleRate: 16000 | 24000;
  persona: ResolvedPersona;
  enableTools: boolean;
  sendAudio(pcm: Int16Array): void;
}

/** The provider's live audio connection to one bot, seen from the bot. */
export interface MeetingStream {
  sendAudio(pcm: Int16Array): void;
  close(code: number, reason: string): void;
}
