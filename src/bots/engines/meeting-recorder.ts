/**
 * @module bots/engines/meeting-recorder
 * A listen-only bot: it never speaks, records the meeting's audio to a WAV file and writes what was
 * said, with speaker names and times, to a transcript file beside it. Speech is found with the
 * shared VAD so the recogniser only works while someone talks.
 */
import { mkdirSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { PreRollBuffer } from "../../audio/pre-roll.js";
import { createResampler, type Resampler } from "../../audio/resampler.js";
import { errorMessage } from "../../core/errors.js";
import type { Logger } from "../../logger.js";
import type { Speaker } from "../../core/speaker.js";
import type { SttSession } from "../../services/stt/speech-to-text.js";
import { VadAnalyzer } from "../../services/vad/vad-analyzer.js";
import type { TranscriptLine, TurnMetricsSnapshot, VoicePipeline } from "../../core/bot-contracts.js";
import type { VoicePipelineOptions } from "../../pipeline/voice-pipeline-options.js";
import type { SpeechServices } from "../../services/speech-services.js";
import { SerialQueue } from "../../util/serial-queue.js";
import { WavFileWriter } from "./wav-file-writer.js";

export interface RecorderOptions extends VoicePipelineOptions {
  speech: SpeechServices;
  directory: string;
  logger: Logger;
}

export class MeetingRecorder implements VoicePipeline {
  readonly wavPath: string;
  readonly transcriptPath: string;
  private readonly wav: WavFileWriter;
  private readonly vad: VadAnalyzer;
  private session: SttSession | undefined;
  private toRecogniser: Resampler | undefined;
  private speaker: string | null = null;
  private listening = false;
  /** Where in the meeting the latest utterance began: its transcript line is stamped there, not when recognition finished. */
  private utteranceStartMs = 0;
  private readonly preRoll = new PreRollBuffer(16000 * 1.5);
  private readonly listeners: ((line: TranscriptLine) => void)[] = [];
  /** Transcript lines are appended one at a time, in order. */
  private readonly transcriptWrites = new SerialQueue();
  /** Audio waiting for the VAD's verdict before it is routed to the recogniser or the pre-roll. */
  private readonly routing = new SerialQueue();

  constructor(private readonly options: RecorderOptions) {
    mkdirSync(options.directory, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const base = join(options.directory, `${stamp}-${options.botId.slice(0, 8)}`);
    this.wavPath = `${base}.wav`;
    this.transcriptPath = `${base}.txt`;
    // The recording is this bot's whole job: when it cannot be written, the bot has failed.
    this.wav = new WavFileWriter(this.wavPath, options.streamSampleRate, (error) => options.onFatal(new Error(`recording failed: ${error.message}`)));
    // A transcript reads better in whole sentences than in the short turns a conversation needs.
    const params = { ...options.speech.vadParams, minSilenceMs: Math.max(options.speech.vadParams.minSilenceMs, 600) };
    this.vad = new VadAnalyzer(
      options.speech.vadModel,
      params,
      (t) => {
        this.listening = t.event === "speech-start";
        if (this.listening) {
          // The start is reported once enough speech was heard; the words began that much earlier.
          this.utteranceStartMs = Math.max(0, t.streamMs - params.minSpeechMs);
          for (const chunk of this.preRoll.drain()) this.session?.write(chunk);
        } else this.session?.finalize();
      },
      (error) => options.logger.warn({ err: error }, "voice activity scoring failed; the window counts as silence"),
    );
  }

  async start(): Promise<void> {
    this.toRecogniser = await createResampler(this.options.streamSampleRate, 16000);
    try {
      this.session = await this.options.speech.stt.open(
        { sampleRate: 16000, language: this.options.persona.language },
        {
          onTranscript: (t) => {
            if (!t.final) return;
            this.record(t.text);
          },
          onError: (error) => this.options.logger.warn({ err: error.message }, "recorder speech-to-text failed"),
        },
      );
    } catch (error) {
      this.options.logger.warn({ err: String(error) }, "recorder records audio only: speech-to-text unavailable");
    }
    this.options.logger.info({ wav: this.wavPath, transcript: this.transcriptPath }, "recording the meeting");
  }

  admitted(): void {}

  pushAudio(pcm: Int16Array): void {
    this.wav.write(pcm);
    const audio = this.toRecogniser?.process(pcm);
    if (!audio) return;
    // Routed only once scored, so a speech start or stop falls at its exact place in the audio.
    const scored = this.vad.push(audio);
    this.routing
      .run(async () => {
        await scored;
        this.route(audio);
      })
      .catch((error: unknown) => this.options.logger.warn({ err: errorMessage(error) }, "recorder could not pass audio to speech-to-text"));
  }

  private route(audio: Int16Array): void {
    if (this.listening) this.session?.write(audio);
    else this.preRoll.push(audio);
  }

  pushSpeakers(speakers: Speaker[]): void {
    this.speaker = speakers.find((s) => s.isSpeaking)?.name ?? this.speaker;
  }

  isSpeaking(): boolean {
    return false;
  }

  metrics(): TurnMetricsSnapshot {
    return { turns: [], stages: {} };
  }

  onTranscript(listener: (line: TranscriptLine) => void): void {
    this.listeners.push(listener);
  }

  async stop(): Promise<void> {
    // The recording is complete as soon as the audio stops; it must not wait on recognition, which
    // can lag far behind on a busy machine (and be abandoned if the bot's stop runs out of time).
    const recording = this.wav.close().then(
      () => undefined,
      (error: unknown) => error,
    );
    await this.routing.idle();
    this.vad.close();
    this.session?.finalize();
    try {
      await this.session?.close();
    } catch (error) {
      this.options.logger.warn({ err: errorMessage(error) }, "recorder speech-to-text did not close cleanly");
    }
    this.toRecogniser?.destroy();
    this.toRecogniser = undefined;
    await this.transcriptWrites.idle();
    const failure = await recording;
    if (failure !== undefined) throw failure;
  }

  private record(text: string): void {
    const at = this.utteranceStartMs / 1000;
    const stamp = `${String(Math.floor(at / 60)).padStart(2, "0")}:${String(Math.floor(at % 60)).padStart(2, "0")}`;
    const line = `[${stamp}] ${this.speaker ?? "Someone"}: ${text}\n`;
    this.transcriptWrites
      .run(() => appendFile(this.transcriptPath, line))
      .catch((error: unknown) => this.options.logger.error({ err: errorMessage(error) }, "could not write the transcript line"));
    for (const l of this.listeners) l({ role: "heard", text, speaker: this.speaker, final: true });
  }
}
