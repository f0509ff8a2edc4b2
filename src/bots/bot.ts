/**
 * @module bots/bot
 * One bot in one meeting: its status, the stream the provider opened to us, and the voice pipeline
 * (or relay, or recorder) that the stream feeds. Status moves joining → in_call → leaving → ended,
 * or to failed when the stream never comes, drops for good, or the provider refuses.
 */
import type { Logger } from "../logger.js";
import type { Speaker } from "../pipeline/frames.js";
import type { BotInfo, BotStatus } from "./bot-request.js";
import type { MeetingStream, TranscriptLine, VoicePipeline } from "./bot-contracts.js";

export interface BotSettings {
  clientId: string;
  botName: string;
  personaKey: string;
  meetingUrl: string;
  providerName: string;
  pipeline: "builtin" | "pipecat";
  recorder: boolean;
  connectTimeoutMs: number;
  /** How long a dropped stream may take to come back before the bot counts as failed. */
  reconnectGraceMs: number;
}

export interface BotEvents {
  /** The bot reached a final status and wants its resources freed. */
  onFinished(bot: Bot): void;
  /** The stream failed for good: the manager asks the provider to take the bot out. */
  onStreamLost(bot: Bot): void;
  onTranscript(bot: Bot, line: TranscriptLine): void;
}

/** After this long with audio but no roster or webhook, the bot counts as admitted. */
const ADMISSION_BY_AUDIO_MS = 3000;

export class Bot {
  readonly settings: BotSettings;
  readonly startedAt = new Date();
  providerBotId: string | undefined;
  private statusValue: BotStatus = "joining";
  private endedAt: Date | undefined;
  private lastError: string | undefined;
  private stream: MeetingStream | undefined;
  private engine: VoicePipeline | undefined;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private firstAudioAt: number | undefined;

  constructor(
    settings: BotSettings,
    createEngine: (sendAudio: (pcm: Int16Array) => void) => VoicePipeline,
    private readonly events: BotEvents,
    private readonly logger: Logger,
  ) {
    this.settings = settings;
    this.engine = createEngine((pcm) => this.stream?.sendAudio(pcm));
    this.engine.onTranscript((line) => this.events.onTranscript(this, line));
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

  /** The provider connected (or reconnected) its stream. */
  async attachStream(stream: MeetingStream): Promise<void> {
    if (this.isFinal || this.statusValue === "leaving") {
      stream.close(1008, "this bot has left the meeting");
      return;
    }
    this.clearTimer();
    this.stream?.close(1000, "replaced by a newer connection");
    this.stream = stream;
    if (this.engine && !this.started) {
      this.started = true;
      await this.engine.start();
      if (this.statusValue === "in_call") this.engine.admitted();
    }
    this.logger.info({ clientId: this.settings.clientId }, "meeting stream attached");
  }

  /** The stream closed. A live bot waits a little for the provider to reconnect. */
  detachStream(stream: MeetingStream): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    if (this.isFinal || this.statusValue === "leaving") return;
    this.logger.warn("meeting stream closed; waiting for the provider to reconnect");
    this.armTimer(this.settings.reconnectGraceMs, "the meeting provider's audio stream dropped and did not come back");
  }

  receiveAudio(pcm: Int16Array): void {
    if (!this.engine || !this.started || this.isFinal) return;
    this.engine.pushAudio(pcm);
    if (this.statusValue !== "joining") return;
    const now = performance.now();
    this.firstAudioAt ??= now;
    if (now - this.firstAudioAt >= ADMISSION_BY_AUDIO_MS) this.markInCall("audio");
  }

  receiveSpeakers(speakers: Speaker[]): void {
    if (!this.engine || !this.started || this.isFinal) return;
    this.engine.pushSpeakers(speakers);
    // The provider streams the roster only once the bot is admitted.
    this.markInCall("roster");
  }

  /** The provider told us (roster, webhook or status) that the bot is in the call. */
  markInCall(evidence: string): void {
    if (this.statusValue !== "joining") return;
    this.statusValue = "in_call";
    this.logger.info({ evidence }, "bot is in the call");
    if (this.started) this.engine?.admitted();
  }

  /** Starts leaving: stops the pipeline and closes the stream. Safe to call more than once. */
  async leave(): Promise<void> {
    if (this.isFinal || this.statusValue === "leaving") return;
    this.statusValue = "leaving";
    await this.release(1000, "bot left the meeting");
    this.finish("ended");
  }

  fail(reason: string): void {
    if (this.isFinal) return;
    this.lastError = reason;
    this.logger.warn({ reason }, "bot failed");
    void this.release(1011, "bot failed").finally(() => this.finish("failed"));
  }

  info(): BotInfo {
    const metrics = this.engine?.metrics() ?? { turns: [], stages: {} };
    return {
      bot_id: this.id,
      bot_name: this.settings.botName,
      status: this.statusValue,
      speaking: this.engine?.isSpeaking() ?? false,
      persona: this.settings.personaKey,
      meeting_url: this.settings.meetingUrl,
      provider: this.settings.providerName,
      pipeline: this.settings.pipeline,
      recorder: this.settings.recorder,
      started_at: this.startedAt.toISOString(),
      ended_at: this.endedAt?.toISOString() ?? null,
      last_error: this.lastError ?? null,
      roster: this.engine?.roster?.() ?? [],
      turn_decisions: (this.engine?.turnDecisions?.() ?? []).map((d) => ({ at: new Date(d.at).toISOString(), speaker: d.speaker, speak: d.speak, reason: d.reason, turn_id: d.turnId })),
      metrics,
    };
  }

  private async release(code: number, reason: string): Promise<void> {
    this.clearTimer();
    const engine = this.engine;
    this.engine = undefined;
    try {
      await engine?.stop();
    } catch (error) {
      this.logger.error({ err: error }, "pipeline did not stop cleanly");
    }
    this.stream?.close(code, reason);
    this.stream = undefined;
  }

  private finish(status: "ended" | "failed"): void {
    this.statusValue = status;
    this.endedAt = new Date();
    this.events.onFinished(this);
  }

  private armTimer(ms: number, reason: string): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.fail(reason);
      this.events.onStreamLost(this);
    }, ms);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
