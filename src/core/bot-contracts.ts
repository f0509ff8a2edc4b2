/**
 * @module core/bot-contracts
 * What a bot needs from the rest of the server, as narrow interfaces: a resolved persona, the
 * per-bot voice pipeline and the meeting stream it is attached to. The bot
 * manager receives implementations; tests can hand in their own.
 */
import type { Speaker } from "./speaker.js";
import type { DecisionRecord, RosterParticipant } from "./turn-records.js";
import type { TurnPolicyInput } from "./turn-policy.js";

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

export interface TranscriptLine {
  role: "heard" | "said";
  text: string;
  speaker: string | null;
  final: boolean;
  /** A said line cut short because someone talked over the bot. */
  interrupted?: boolean;
  /** For a reply: milliseconds from the end of the speech it answers to its first audio sent. */
  latencyMs?: number;
}

/**
 * What a bot's voice is doing: `listening` for its turn, `thinking` about an answer, `speaking`, or
 * `holding`: it has an answer ready and waits for the floor (several bots in one meeting).
 */
export type VoiceState = "listening" | "thinking" | "speaking" | "holding";

export interface TurnMetricsSnapshot {
  turns: Record<string, number | null>[];
  stages: Record<string, { count: number; p50: number | null; p95: number | null; p99: number | null }>;
}

/** How much a bot took part in the last 10 minutes. */
export interface ParticipationReport {
  turns10Min: number;
  /** Its share of all talk heard, 0 to 1. */
  talkShare: number;
}

/** The voice pipeline of one bot, as the bot sees it. */
export interface VoicePipeline {
  start(): Promise<void>;
  /** The bot is in the call: a speaking engine greets it with the entry message, once (a recorder does nothing). */
  admitted(): void;
  pushAudio(pcm: Int16Array): void;
  pushSpeakers(speakers: Speaker[]): void;
  isSpeaking(): boolean;
  metrics(): TurnMetricsSnapshot;
  /** The meeting's participants as the bot knows them, when the engine tracks them. */
  roster?(): RosterParticipant[];
  /** The last turn-taking decisions (speak or stay silent, and why), when the engine makes them. */
  turnDecisions?(): DecisionRecord[];
  /** Replies and talk share over the last 10 minutes, when the engine speaks. */
  participation?(): ParticipationReport;
  onTranscript(listener: (line: TranscriptLine) => void): void;
  /** Called with each change of the voice's state (engines that know it). */
  onVoiceState?(listener: (state: VoiceState) => void): void;
  stop(): Promise<void>;
  /** The secret an external peer presents to connect to this engine (Pipecat relays only). */
  readonly peerToken?: string;
}

/** The provider's live audio connection to one bot, seen from the bot. */
export interface MeetingStream {
  sendAudio(pcm: Int16Array): void;
  close(code: number, reason: string): void;
}
