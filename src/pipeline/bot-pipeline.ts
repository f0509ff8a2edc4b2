/**
 * @module pipeline/bot-pipeline
 * Assembles one bot's voice, in the order audio travels:
 * meeting PCM → audio input → echo suppression → voice activity → transcription → speaker attribution → barge-in →
 * user turn → response (LLM + tools) → speech synthesis → floor gate → audio output → meeting.
 * Errors that travel up past the first stage are judged by the fault policy; one that makes the
 * pipeline unusable is reported once through `onFatal`, and the bot fails and leaves.
 */
import type { ParticipationReport, TranscriptLine, TurnMetricsSnapshot, VoicePipeline, VoiceState } from "../core/bot-contracts.js";
import type { VoicePipelineOptions } from "./voice-pipeline-options.js";
import type { SpeechServices } from "../services/speech-services.js";
import type { Logger } from "../logger.js";
import { Conversation } from "./conversation.js";
import { StageFaultPolicy } from "./fault-policy.js";
import { type Direction, type Frame, type Speaker, frame } from "./frames.js";
import { Pipeline } from "./pipeline.js";
import type { FrameObserver, FrameProcessor } from "./processor.js";
import { OutputReference } from "../audio/echo/output-reference.js";
import { EchoReferenceSet } from "../audio/echo/reference-set.js";
import { StreamClock } from "../audio/echo/stream-clock.js";
import { AudioInputStage, PIPELINE_RATE } from "./stages/audio-input.js";
import { AudioOutputStage } from "./stages/audio-output.js";
import { BargeInStage } from "./stages/barge-in.js";
import { EchoSuppressionStage } from "./stages/echo-suppression.js";
import { FloorGateStage } from "./stages/floor-gate.js";
import { ResponseStage } from "./stages/response.js";
import { SpeakerAttributionStage } from "./stages/speaker-attribution.js";
import { SpeechSynthesisStage } from "./stages/speech-synthesis.js";
import { TranscriptionStage } from "./stages/transcription.js";
import { UserTurnStage } from "./stages/user-turn.js";
import { VoiceActivityStage } from "./stages/voice-activity.js";
import { transcriptLineOf } from "./transcript-lines.js";
import type { Floor } from "./turn/floor.js";
import { createLlmFloorClassifier } from "./turn/llm-floor-check.js";
import type { RosterParticipant } from "./turn/roster.js";
import { type DecisionRecord, TurnContext } from "./turn/turn-context.js";
import { DEFAULT_TURN_POLICY, type TurnPolicy } from "../core/turn-policy.js";
import { TurnMetrics } from "./turn-metrics.js";
import { VoiceStateTracker } from "./voice-state.js";

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

/** The part of the persona's prompt that says what it is about, for the relevance of room questions. */
const PERSONA_TEXT_CHARS = 2000;

/** What a bot is asked to do when it joins without an entry message. */
const GREETING_INSTRUCTION = "(You have just joined the meeting. Greet everyone in one short sentence, in character.)";

export class BotPipeline implements VoicePipeline {
  readonly metricsTracker = new TurnMetrics();
  readonly vad: VoiceActivityStage;
  readonly output: AudioOutputStage;
  readonly bargeIn: BargeInStage;
  readonly echo: EchoSuppressionStage;
  /** What this bot sent, on the inbound clock: the reference its echo handling removes. */
  readonly ownVoice: OutputReference;
  readonly turns: TurnContext;
  private readonly pipeline: Pipeline;
  private readonly transcriptListeners: ((line: TranscriptLine) => void)[] = [];
  private readonly faults = new StageFaultPolicy();
  private readonly voiceState: VoiceStateTracker;
  private greeted = false;
  private failed = false;

  constructor(private readonly options: BotPipelineOptions) {
    const { services, persona } = options;
    const overrides = options.overrides ?? {};
    const systemPrompt = overrides.toolInstructions ? `${persona.systemPrompt}\n\n${overrides.toolInstructions}` : persona.systemPrompt;
    const conversation = new Conversation(systemPrompt, options.maxContextMessages);
    const metrics = this.metricsTracker;
    // The LLM stage caches schemas by list: bots without tools of their own share the built-in list.
    const builtIn = options.enableTools ? services.tools : [];
    const tools = overrides.tools?.length ? [...builtIn, ...overrides.tools] : builtIn;
    this.vad = new VoiceActivityStage(services.vadModel, overrides.vadParams ?? services.vadParams, metrics);
    const policy = options.turnPolicy ?? DEFAULT_TURN_POLICY;
    const clock = new StreamClock(PIPELINE_RATE);
    this.ownVoice = new OutputReference("own voice", options.streamSampleRate, clock);
    const echoOn = policy.echoSuppression === "auto";
    this.echo = new EchoSuppressionStage({ clock, references: new EchoReferenceSet([this.ownVoice]), mode: policy.echoSuppression });
    this.output = new AudioOutputStage(options.streamSampleRate, options.sendAudio, metrics, echoOn ? this.ownVoice : undefined);
    this.voiceState = new VoiceStateTracker(() => this.output.speaking);
    const transcripts: FrameObserver = { onPush: (source, f, direction) => this.observe(source, f, direction) };
    this.turns = new TurnContext({
      policy,
      botName: options.botName ?? persona.name,
      personaName: persona.name,
      holderId: options.botId,
      floor: options.floor,
      isBot: options.isBot,
      group: options.group,
      personaText: persona.systemPrompt.slice(0, PERSONA_TEXT_CHARS),
    });
    this.bargeIn = new BargeInStage(this.turns, services.vadParams.minSpeechMs, () => this.vad.voicedNow);
        this.pipeline = new Pipeline(
      [
        new AudioInputStage(options.streamSampleRate),
        this.echo,
        this.vad,
        new TranscriptionStage(services.stt, persona.language, this.turns.botNames),
        new SpeakerAttributionStage(this.turns, services.vadParams),
        this.bargeIn,
        new UserTurnStage(conversation, metrics, this.turns, {
          classifier: createLlmFloorClassifier(services.llm, conversation, options.botName ?? persona.name, persona.name),
        }),
        new ResponseStage({
          llm: overrides.llm ?? services.llm,
          conversation,
          metrics,
          tools,
          toolContext: { weatherApiUrl: options.weatherApiUrl, now: () => new Date() },
        }),
        new SpeechSynthesisStage({ tts: services.tts, outputRate: options.streamSampleRate, voiceId: persona.voiceId, gender: persona.gender, language: persona.language, metrics, speed: overrides.speechSpeed }),
        new FloorGateStage(this.turns),
        this.output,
      ],
      {
        logger: options.logger,
        observers: [transcripts],
        onUpstream: (f) => {
          if (f.type === "error") this.judge(f);
        },
      },
    );
  }

  /** The stages in the order audio travels through them. */
  get stages(): readonly FrameProcessor[] {
    return this.pipeline.processors;
  }

  async start(): Promise<void> {
    await this.pipeline.start(this.options.streamSampleRate);
    this.voiceState.started();
  }

  admitted(): void {
    if (this.greeted) return;
    this.greeted = true;
    // A listen-only bot never speaks, not even to say hello.
    if (this.turns.policy.mode === "listen_only") return;
    const entry = this.options.persona.entryMessage;
    if (entry) this.queue(frame("speak", { text: entry, turnId: 0 }));
    else this.queue(frame("llm-run", { turnId: 0, instruction: GREETING_INSTRUCTION }));
  }

  pushAudio(pcm: Int16Array): void {
    this.queue(frame("input-audio", { audio: pcm, sampleRate: this.options.streamSampleRate }));
  }

  pushSpeakers(speakers: Speaker[]): void {
    this.queue(frame("speakers-update", { speakers }));
  }

  isSpeaking(): boolean {
    return this.output.speaking;
  }

  /** The meeting's participants as the bot knows them. */
  roster(): RosterParticipant[] {
    return this.turns.roster.participants();
  }

  participation(): ParticipationReport {
    const { turns10Min, talkShare } = this.turns.participation.snapshot(performance.now());
    return { turns10Min, talkShare };
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

  onVoiceState(listener: (state: VoiceState) => void): void {
    this.voiceState.onChange(listener);
  }

  async stop(): Promise<void> {
    await this.pipeline.cancel("bot stopped");
    await this.pipeline.stop("bot stopped");
  }

  /** Puts a frame in without waiting; the pipeline catches stage failures, this owns the rest. */
  private queue(f: Frame): void {
    this.pipeline.queue(f).catch((error: unknown) => this.fatal(error instanceof Error ? error : new Error(String(error))));
  }

  private judge(error: Extract<Frame, { type: "error" }>): void {
    this.options.logger.warn({ err: error.error.message, stage: error.source, fatal: error.fatal }, "pipeline reported an error");
    const reason = this.faults.judge(error);
    if (reason) this.fatal(new Error(reason, { cause: error.error }));
  }

  private fatal(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.options.onFatal(error);
  }

  /** Each frame is seen at every stage it passes; see transcript-lines for where a line is taken. */
  private observe(source: string, f: Frame, direction: Direction): void {
    this.voiceState.observe(source, f);
    const line = transcriptLineOf(source, f, direction, (turnId) => this.metricsTracker.firstAudioOut(turnId));
    if (line) for (const listener of this.transcriptListeners) listener(line);
  }
}

export function createBotPipeline(options: BotPipelineOptions): BotPipeline {
  return new BotPipeline(options);
}
