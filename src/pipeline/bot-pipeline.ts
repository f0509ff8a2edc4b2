/**
 * @module pipeline/bot-pipeline
 * Assembles one bot's voice, in the order audio travels:
 * meeting PCM → audio input → voice activity → transcription → speaker attribution → barge-in →
 * user turn → response (LLM + tools) → speech synthesis → floor gate → audio output → meeting.
 */
import type { SpeechServices, TranscriptLine, TurnMetricsSnapshot, VoicePipeline, VoicePipelineOptions } from "../bots/bot-contracts.js";
import type { Logger } from "../logger.js";
import { Conversation } from "./conversation.js";
import { type Frame, type Speaker, frame } from "./frames.js";
import { Pipeline } from "./pipeline.js";
import type { FrameObserver } from "./processor.js";
import { AudioInputStage } from "./stages/audio-input.js";
import { AudioOutputStage } from "./stages/audio-output.js";
import { BargeInStage } from "./stages/barge-in.js";
import { FloorGateStage } from "./stages/floor-gate.js";
import { ResponseStage } from "./stages/response.js";
import { SpeakerAttributionStage } from "./stages/speaker-attribution.js";
import { SpeechSynthesisStage } from "./stages/speech-synthesis.js";
import { TranscriptionStage } from "./stages/transcription.js";
import { UserTurnStage } from "./stages/user-turn.js";
import { VoiceActivityStage } from "./stages/voice-activity.js";
import type { Floor } from "./turn/floor.js";
import { createLlmFloorClassifier } from "./turn/llm-floor-check.js";
import type { RosterParticipant } from "./turn/roster.js";
import { type DecisionRecord, TurnContext } from "./turn/turn-context.js";
import { DEFAULT_TURN_POLICY, type TurnPolicy } from "./turn/turn-policy.js";
import { TurnMetrics } from "./turn-metrics.js";

export interface BotPipelineOptions extends VoicePipelineOptions {
  services: SpeechServices;
  logger: Logger;
  maxContextMessages: number;
  weatherApiUrl: string;
  /** When the bot takes the floor; defaults to DEFAULT_TURN_POLICY. */
  turnPolicy?: TurnPolicy;
  /** The bot's display name in the meeting; defaults to the persona's name. */
  botName?: string;
  /** A floor shared with other bots of the meeting; a private one otherwise. */
  floor?: Floor;
  /** Tells other bots in the roster apart from people (they do not count as humans present). */
  isBot?: (name: string) => boolean;
}

/** What a bot is asked to do when it joins without an entry message. */
const GREETING_INSTRUCTION = "(You have just joined the meeting. Greet everyone in one short sentence, in character.)";

export class BotPipeline implements VoicePipeline {
  readonly metricsTracker = new TurnMetrics();
  readonly vad: VoiceActivityStage;
  readonly output: AudioOutputStage;
  readonly bargeIn: BargeInStage;
  readonly turns: TurnContext;
  private readonly pipeline: Pipeline;
  private readonly transcriptListeners: ((line: TranscriptLine) => void)[] = [];
  private greeted = false;

  constructor(private readonly options: BotPipelineOptions) {
    const { services, persona } = options;
    const conversation = new Conversation(persona.systemPrompt, options.maxContextMessages);
    const metrics = this.metricsTracker;
    this.vad = new VoiceActivityStage(services.vadModel, services.vadParams, metrics);
    this.output = new AudioOutputStage(options.streamSampleRate, options.sendAudio, metrics);
    this.turns = new TurnContext({
      policy: options.turnPolicy ?? DEFAULT_TURN_POLICY,
      botName: options.botName ?? persona.name,
      personaName: persona.name,
      holderId: options.botId,
      floor: options.floor,
      isBot: options.isBot,
    });
    this.bargeIn = new BargeInStage(this.turns, services.vadParams.minSpeechMs, () => this.vad.voicedNow);
    const transcripts: FrameObserver = { onPush: (source, f) => this.observe(source, f) };
    this.pipeline = new Pipeline(
      [
        new AudioInputStage(options.streamSampleRate),
        this.vad,
        new TranscriptionStage(services.stt, persona.language, this.turns.botNames),
        new SpeakerAttributionStage(this.turns, services.vadParams),
        this.bargeIn,
        new UserTurnStage(conversation, metrics, this.turns, {
          classifier: createLlmFloorClassifier(services.llm, conversation, options.botName ?? persona.name, persona.name),
        }),
        new ResponseStage({
          llm: services.llm,
          conversation,
          metrics,
          tools: options.enableTools ? services.tools : [],
          toolContext: { weatherApiUrl: options.weatherApiUrl, now: () => new Date() },
        }),
        new SpeechSynthesisStage({ tts: services.tts, outputRate: options.streamSampleRate, voiceId: persona.voiceId, gender: persona.gender, language: persona.language, metrics }),
        new FloorGateStage(this.turns),
        this.output,
      ],
      {
        logger: options.logger,
        observers: [transcripts],
        onUpstream: (f) => {
          if (f.type === "error") options.logger.warn({ err: f.error.message }, "pipeline reported an error");
        },
      },
    );
  }

  start(): Promise<void> {
    return this.pipeline.start(this.options.streamSampleRate);
  }

  admitted(): void {
    if (this.greeted) return;
    this.greeted = true;
    // A listen-only bot never speaks, not even to say hello.
    if (this.turns.policy.mode === "listen_only") return;
    const entry = this.options.persona.entryMessage;
    if (entry) void this.pipeline.queue(frame("speak", { text: entry, turnId: 0 }));
    else void this.pipeline.queue(frame("llm-run", { turnId: 0, instruction: GREETING_INSTRUCTION }));
  }

  pushAudio(pcm: Int16Array): void {
    void this.pipeline.queue(frame("input-audio", { audio: pcm, sampleRate: this.options.streamSampleRate }));
  }

  pushSpeakers(speakers: Speaker[]): void {
    void this.pipeline.queue(frame("speakers-update", { speakers }));
  }

  isSpeaking(): boolean {
    return this.output.speaking;
  }

  /** The meeting's participants as the bot knows them. */
  roster(): RosterParticipant[] {
    return this.turns.roster.participants();
  }

  turnDecisions(): DecisionRecord[] {
    return this.turns.recentDecisions();
  }

  metrics(): TurnMetricsSnapshot {
    return this.metricsTracker.snapshot();
  }

  onTranscript(listener: (line: TranscriptLine) => void): void {
    this.transcriptListeners.push(listener);
  }

  async stop(): Promise<void> {
    await this.pipeline.cancel("bot stopped");
    await this.pipeline.stop("bot stopped");
  }

  /** Each frame is seen once per stage it passes; only its first appearance becomes a line. */
  private observe(source: string, f: Frame): void {
    let line: TranscriptLine | undefined;
    if (source !== "speaker-attribution" && source !== "audio-output") return;
    if (f.type === "transcription") line = { role: "heard", text: f.text, speaker: f.speaker, final: true };
    else if (f.type === "interim-transcription") line = { role: "heard", text: f.text, speaker: f.speaker, final: false };
    else if (f.type === "bot-spoken-text" && f.text) line = { role: "said", text: f.text, speaker: null, final: f.complete };
    if (line) for (const listener of this.transcriptListeners) listener(line);
  }
}

export function createBotPipeline(options: BotPipelineOptions): BotPipeline {
  return new BotPipeline(options);
}
