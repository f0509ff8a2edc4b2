/**
 * @module bots/bot
 * One bot in one meeting: its status, the stream the provider opened to us, and the engine (voice
 * pipeline, Pipecat relay or recorder) that the stream feeds. Status moves joining → in_call →
 * leaving → ended, or to failed when the stream never comes, drops for good, the provider refuses,
 * or the engine fails.
 *
 * Fault isolation: every call into the engine is guarded. A throw, a rejected promise, or a fatal
 * report from the engine fails this bot alone (reason in `last_error`) and makes it leave the
 * meeting; it never reaches the WebSocket handler or timer that made the call, so neither the
 * process nor another bot notices.
 */
import { errorMessage } from "../core/errors.js";
import type { Logger } from "../logger.js";
import type { Speaker } from "../core/speaker.js";
import { asError, guardedCall } from "../util/guarded-call.js";
import type { BotInfo, BotStatus } from "./bot-request.js";
import type { MeetingStream, TranscriptLine, TurnMetricsSnapshot, VoicePipeline, VoiceState } from "../core/bot-contracts.js";

export interface BotSettings {
  clientId: string;
  botName: string;
  personaKey: string;
  meetingUrl: string;
  providerName: string;
  pipeline: "builtin" | "pipecat";
  recorder: boolean;
  /** PCM rate of the meeting stream, in Hz. */
  streamSampleRate: number;
  /** The WebSocket base the provider was told to dial (`ws(s)://host`); peers of this bot use it too. */
  streamBase: string;
  connectTimeoutMs: number;
  /** How long a dropped stream may take to come back before the bot counts as failed. */
  reconnectGraceMs: number;
  /** The tenant (API key) that sent the bot; only it sees and removes the bot. */
  tenant?: string | undefined;
  /** Bots of this server with the same group (and tenant) are siblings. */
  meetingGroup: string;
}

type EarlyInput = { kind: "audio"; pcm: Int16Array } | { kind: "speakers"; speakers: Speaker[] };

/** What the bot hands the engine it creates. */
export interface EngineHooks {
  /** Sends the bot's voice to the meeting. */
  sendAudio(pcm: Int16Array): void;
  /** The engine cannot go on: the bot fails with this error and leaves the meeting. */
  onFatal(error: Error): void;
}

export interface BotEvents {
  /** The bot reached a final status and wants its resources freed. */
  onFinished(bot: Bot): void;
  /** The bot failed for good while the provider may still have it in the meeting: take it out. */
  onFailed(bot: Bot): void;
  onTranscript(bot: Bot, line: TranscriptLine): void;
  /** The bot's voice started listening, thinking, speaking or holding for the floor. */
  onVoiceState?(bot: Bot, state: VoiceState): void;
  /** The bot is now in the call or leaving (final statuses arrive through `onFinished`). */
  onStatusChange?(bot: Bot): void;
  /** The other bots of this server in the bot's meeting group. */
  siblingsOf?(bot: Bot): { bot_id: string; bot_name: string }[];
}

/** After this long with audio but no roster or webhook, the bot counts as admitted. */
const ADMISSION_BY_AUDIO_MS = 3000;
/** An engine that does not stop in this time is abandoned, so the bot still finishes. */
const ENGINE_STOP_TIMEOUT_MS = 5000;
const MAX_REASON_CHARS = 500;
/** Ten seconds of 24 kHz audio, the most held while the engine starts. */
const MAX_EARLY_SAMPLES = 240_000;
const EMPTY_METRICS: TurnMetricsSnapshot = { turns: [], stages: {} };

export class Bot {
  readonly settings: BotSettings;
  readonly startedAt = new Date();
  providerBotId: string | undefined;
  private statusValue: BotStatus = "joining";
  private ending = false;
  private endedAt: Date | undefined;
  private lastError: string | undefined;
  private stream: MeetingStream | undefined;
  private current: VoicePipeline | undefined;
  /** Set once the first stream attached; leaving waits for it, so nothing held is lost. */
  private startup: Promise<void> | undefined;
  /** The engine has started and takes input directly. */
  private ready = false;
  /** Meeting audio and rosters that arrived while the engine was starting, played in once it has. */
  private early: EarlyInput[] = [];
  private earlySamples = 0;
  private timer: NodeJS.Timeout | undefined;
  private firstAudioAt: number | undefined;

  constructor(
    settings: BotSettings,
    createEngine: (hooks: EngineHooks) => VoicePipeline,
    private readonly events: BotEvents,
    private readonly logger: Logger,
  ) {
    this.settings = settings;
    const engine = createEngine({
      sendAudio: (pcm) => this.sendToMeeting(pcm),
      onFatal: (error) => this.engineFailed(undefined, error),
    });
    this.current = engine;
    this.useEngine("onTranscript", (e) => e.onTranscript((line) => this.transcribed(line)));
    this.useEngine("onVoiceState", (e) => e.onVoiceState?.((state) => this.voiceStateChanged(state)));
    this.armTimer(settings.connectTimeoutMs, "the meeting provider never opened the audio stream");
  }

  get status(): BotStatus {
    return this.statusValue;
  }

  get id(): string {
    return this.providerBotId ?? this.settings.clientId;
  }

  get isFinal(): boolean {
    return this.statusValue === "ended" || this.statusValue === "failed";
  }

  /** The engine driving the bot, until it leaves; read it, do not drive it. */
  get engine(): VoicePipeline | undefined {
    return this.current;
  }

  /**
   * Where an external Pipecat pipeline connects to this bot, with the secret that lets it in. Only
   * the creator of the bot is told (in the answer to POST /bots); listings never show it.
   */
  pipecatAccess(): { url: string; token: string } | undefined {
    const token = this.current?.peerToken;
    if (!token) return undefined;
    return { url: `${this.settings.streamBase.replace(/\/+$/, "")}/pipecat/${token}`, token };
  }

  /** The provider connected (or reconnected) its stream. */
  attachStream(stream: MeetingStream): void {
    if (this.isFinal || this.ending) {
      stream.close(1008, "this bot has left the meeting");
      return;
    }
    this.clearTimer();
    this.stream?.close(1000, "replaced by a newer connection");
    this.stream = stream;
    this.logger.info({ clientId: this.settings.clientId }, "meeting stream attached");
    const engine = this.current;
    if (engine && !this.startup) this.startup = this.startEngine(engine);
  }

  /** The stream closed. A live bot waits a little for the provider to reconnect. */
  detachStream(stream: MeetingStream): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    if (this.isFinal || this.ending) return;
    this.logger.warn("meeting stream closed; waiting for the provider to reconnect");
    this.armTimer(this.settings.reconnectGraceMs, "the meeting provider's audio stream dropped and did not come back");
  }

  receiveAudio(pcm: Int16Array): void {
    if (!this.current || !this.startup || this.ending) return;
    if (this.ready) this.useEngine("pushAudio", (e) => e.pushAudio(pcm));
    else this.holdEarly({ kind: "audio", pcm });
    if (this.statusValue !== "joining") return;
    const now = performance.now();
    this.firstAudioAt ??= now;
    if (now - this.firstAudioAt >= ADMISSION_BY_AUDIO_MS) this.markInCall("audio");
  }

  receiveSpeakers(speakers: Speaker[]): void {
    if (!this.current || !this.startup || this.ending) return;
    if (this.ready) this.useEngine("pushSpeakers", (e) => e.pushSpeakers(speakers));
    else this.holdEarly({ kind: "speakers", speakers });
    // The provider streams the roster only once the bot is admitted.
    this.markInCall("roster");
  }

  /** The provider told us (roster, webhook or status) that the bot is in the call. */
  markInCall(evidence: string): void {
    if (this.statusValue !== "joining" || this.ending) return;
    this.statusValue = "in_call";
    this.events.onStatusChange?.(this);
    this.logger.info({ evidence }, "bot is in the call");
    if (this.ready) this.useEngine("admitted", (e) => e.admitted());
  }

  /** Starts leaving: stops the engine and closes the stream. Safe to call more than once. */
  async leave(): Promise<void> {
    if (this.isFinal || this.ending) return;
    this.ending = true;
    this.statusValue = "leaving";
    this.events.onStatusChange?.(this);
    await this.release(1000, "bot left the meeting");
    this.finish("ended");
  }

  /** Ends the bot as failed. The caller decides whether the provider must be told to take it out. */
  fail(reason: string): void {
    if (this.isFinal || this.ending) return;
    this.ending = true;
    this.lastError = reason.slice(0, MAX_REASON_CHARS);
    this.logger.warn({ reason: this.lastError }, "bot failed");
    this.release(1011, "bot failed").then(
      () => this.finish("failed"),
      (error: unknown) => {
        this.logger.error({ err: errorMessage(error) }, "bot did not release cleanly");
        this.finish("failed");
      },
    );
  }

  info(): BotInfo {
    const metrics = this.useEngine("metrics", (e) => e.metrics()) ?? EMPTY_METRICS;
    return {
      bot_id: this.id,
      bot_name: this.settings.botName,
      status: this.statusValue,
      speaking: this.useEngine("isSpeaking", (e) => e.isSpeaking()) ?? false,
      persona: this.settings.personaKey,
      meeting_url: this.settings.meetingUrl,
      provider: this.settings.providerName,
      pipeline: this.settings.pipeline,
      recorder: this.settings.recorder,
      started_at: this.startedAt.toISOString(),
      ended_at: this.endedAt?.toISOString() ?? null,
      last_error: this.lastError ?? null,
      roster: this.engine?.roster?.() ?? [],
      meeting_group: this.settings.meetingGroup,
      siblings: this.events.siblingsOf?.(this) ?? [],
      participation: this.participation(),
      turn_decisions: (this.engine?.turnDecisions?.() ?? []).map((d) => ({ at: new Date(d.at).toISOString(), speaker: d.speaker, speak: d.speak, reason: d.reason, turn_id: d.turnId })),
      metrics,
    };
  }

  private participation(): BotInfo["participation"] {
    const report = this.useEngine("participation", (e) => e.participation?.());
    return report ? { turns_10min: report.turns10Min, talk_share: report.talkShare } : null;
  }

  /** Fails the bot and asks the provider to take it out of the meeting. */
  private failInCall(reason: string): void {
    if (this.isFinal || this.ending) return;
    this.fail(reason);
    this.events.onFailed(this);
  }

  private get engineLabel(): string {
    if (this.settings.recorder) return "recorder";
    return this.settings.pipeline === "pipecat" ? "Pipecat relay" : "voice pipeline";
  }

  private engineFailed(method: string | undefined, error: Error): void {
    if (this.isFinal || this.ending) return;
    this.logger.error({ err: error.message, method }, "engine failed");
    this.failInCall(`${this.engineLabel} failed${method ? ` in ${method}` : ""}: ${error.message}`);
  }

  /** Calls the engine; a throw or rejection fails the bot instead of escaping to the caller. */
  private useEngine<T>(method: string, call: (engine: VoicePipeline) => T): T | undefined {
    const engine = this.current;
    if (!engine) return undefined;
    return guardedCall(
      () => call(engine),
      (error) => this.engineFailed(method, error),
    );
  }

  /**
   * Starts the engine, then plays in what the meeting sent meanwhile (a local recogniser can take
   * seconds to load on a busy machine), even when the bot is leaving by then. Never rejects.
   */
  private async startEngine(engine: VoicePipeline): Promise<void> {
    try {
      await engine.start();
    } catch (error) {
      this.engineFailed("start", asError(error));
      return;
    }
    this.ready = true;
    const early = this.early;
    this.early = [];
    this.earlySamples = 0;
    for (const input of early) {
      guardedCall(
        () => (input.kind === "audio" ? engine.pushAudio(input.pcm) : engine.pushSpeakers(input.speakers)),
        (error) => this.engineFailed(input.kind === "audio" ? "pushAudio" : "pushSpeakers", error),
      );
    }
    if (this.current === engine && this.statusValue === "in_call") this.useEngine("admitted", (e) => e.admitted());
  }

  private holdEarly(input: EarlyInput): void {
    this.early.push(input);
    if (input.kind !== "audio") return;
    this.earlySamples += input.pcm.length;
    while (this.earlySamples > MAX_EARLY_SAMPLES) {
      const dropped = this.early.shift();
      if (dropped?.kind === "audio") this.earlySamples -= dropped.pcm.length;
    }
  }

  private sendToMeeting(pcm: Int16Array): void {
    guardedCall(
      () => this.stream?.sendAudio(pcm),
      (error) => this.logger.warn({ err: error.message }, "could not send audio to the meeting"),
    );
  }

  private transcribed(line: TranscriptLine): void {
    try {
      this.events.onTranscript(this, line);
    } catch (error) {
      // A listener's failure is the listener's; the bot and its engine go on.
      this.logger.warn({ err: errorMessage(error) }, "a transcript listener failed");
    }
  }

  private voiceStateChanged(state: VoiceState): void {
    try {
      this.events.onVoiceState?.(this, state);
    } catch (error) {
      this.logger.warn({ err: errorMessage(error) }, "a voice state listener failed");
    }
  }

  private async release(code: number, reason: string): Promise<void> {
    this.clearTimer();
    const engine = this.current;
    this.current = undefined;
    if (engine) await this.stopEngine(engine);
    this.stream?.close(code, reason);
    this.stream = undefined;
  }

  private async stopEngine(engine: VoicePipeline): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), ENGINE_STOP_TIMEOUT_MS);
    });
    try {
      const stopped = Promise.resolve()
        .then(() => this.startup)
        .then(() => engine.stop());
      const outcome = await Promise.race([stopped, timeout]);
      if (outcome === "timeout") this.logger.error({ timeoutMs: ENGINE_STOP_TIMEOUT_MS }, "the engine did not stop in time; leaving without it");
    } catch (error) {
      this.logger.error({ err: errorMessage(error) }, "the engine did not stop cleanly");
    } finally {
      clearTimeout(timer);
    }
  }

  private finish(status: "ended" | "failed"): void {
    this.statusValue = status;
    this.endedAt = new Date();
    this.events.onFinished(this);
  }

  private armTimer(ms: number, reason: string): void {
    this.clearTimer();
    this.timer = setTimeout(() => this.failInCall(reason), ms);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
