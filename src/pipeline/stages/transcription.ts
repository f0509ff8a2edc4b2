/**
 * @module pipeline/stages/transcription
 * Turns speech into text. The recogniser hears only what the VAD calls speech, plus a short
 * pre-roll of the audio just before it (the VAD decides a quarter second late): it saves cloud
 * minutes and, with the local engine, most of the CPU. The session is reopened with backoff when the
 * provider fails, and the bot keeps listening meanwhile.
 */
import { FrameChunker } from "../../audio/frame-chunker.js";
import { PreRollBuffer } from "../../audio/pre-roll.js";
import { errorMessage } from "../../core/errors.js";
import { HeldSttInput } from "../../services/stt/held-stt-input.js";
import type { SpeechToText, SttSession, Transcript } from "../../services/stt/speech-to-text.js";
import { Backoff } from "../../util/backoff.js";
import { type Direction, type Frame, type Speaker, frame } from "../frames.js";
import { FrameProcessor, type FrameWork } from "../processor.js";
import { PIPELINE_RATE } from "./audio-input.js";

/** Covers the VAD's 250 ms start window plus scoring delays under load. */
const PRE_ROLL_MS = 1000;
/** Reopening a failed session waits 0.5, 1, 2, 4, then 8 s at most. */
const REOPEN_BACKOFF = { initialMs: 500, maxMs: 8000 };
/** Speech held while the recogniser's session opens or reopens. */
const MAX_HELD_MS = 10_000;
/**
 * Speech goes to the recogniser in chunks of this length rather than frame by frame: a third of the
 * writes (each a WebSocket message, or a call into a decoder). The rest is sent before each
 * utterance end, so the final text waits for nothing; only interim text comes up to 40 ms later.
 */
const SEND_CHUNK_MS = 60;

export class TranscriptionStage extends FrameProcessor {
  private readonly input = new HeldSttInput((MAX_HELD_MS / 1000) * PIPELINE_RATE);
  private opening: Promise<void> | undefined;
  private readonly preRoll = new PreRollBuffer((PRE_ROLL_MS / 1000) * PIPELINE_RATE);
  private readonly sendChunks = new FrameChunker((SEND_CHUNK_MS / 1000) * PIPELINE_RATE);
  private listening = false;
  private speaker: string | null = null;
  private readonly reopen = new Backoff(REOPEN_BACKOFF);
  /** Aborted on end, cancel and cleanup: a pending reopen pause ends with its timer. */
  private readonly stopping = new AbortController();
  private stopped = false;

  constructor(
    private readonly stt: SpeechToText,
    private readonly language: string,
    /** Names the recogniser should expect (see SttSessionOptions.keyterms). */
    private readonly keyterms: readonly string[] = [],
  ) {
    super("transcription");
  }

  protected override processFrame(f: Frame, direction: Direction): FrameWork {
    // The meeting's sound ends here: no later stage listens to it, and it is most of the frames.
    if (f.type === "input-audio") {
      if (direction === "downstream") this.hear(f.audio);
      return;
    }
    return this.handle(f, direction);
  }

  private async handle(f: Frame, direction: Direction): Promise<void> {
    switch (f.type) {
      case "start":
        void this.open();
        break;
      case "speakers-update":
        this.speaker = currentSpeaker(f.speakers) ?? this.speaker;
        break;
      case "user-started-speaking":
        this.listening = true;
        for (const chunk of this.preRoll.drain()) this.send(chunk);
        break;
      case "user-stopped-speaking":
        this.listening = false;
        this.sendRest();
        this.input.finalize();
        break;
      case "end":
      case "cancel":
        this.stop();
        break;
    }
    await this.push(f, direction);
  }

  private hear(audio: Int16Array): void {
    if (this.listening) this.send(audio);
    else this.preRoll.push(audio);
  }

  private send(audio: Int16Array): void {
    for (const chunk of this.sendChunks.push(audio)) this.input.write(chunk);
  }

  private sendRest(): void {
    const rest = this.sendChunks.takeRest();
    if (rest.length) this.input.write(rest);
  }

  private open(): Promise<void> {
    this.opening ??= this.stt
      .open(
        { sampleRate: PIPELINE_RATE, language: this.language, keyterms: this.keyterms },
        { onTranscript: (t) => this.detached(() => this.transcribed(t)), onError: (e) => this.detached(() => this.failed(e)) },
      )
      .then(async (session) => {
        // The bot may have left while the session was opening.
        if (this.stopped) return this.closeSession(session);
        this.input.attach(session);
        this.reopen.reset();
      })
      .catch((error: unknown) => this.failed(error))
      .finally(() => {
        this.opening = undefined;
      });
    return this.opening;
  }

  private failed(error: unknown): void {
    this.logger.warn({ err: errorMessage(error) }, "speech-to-text failed; reopening");
    void this.closeSession(this.input.detach());
    if (this.stopped) return;
    // The pause never rejects, and open() owns its own failures.
    void this.reopen.wait({ signal: this.stopping.signal, ref: false }).then((waited) => {
      if (waited && !this.stopped) void this.open();
    });
    void this.pushError(error instanceof Error ? error : new Error(errorMessage(error)));
  }

  private stop(): void {
    this.stopped = true;
    this.stopping.abort();
  }

  protected override async cleanup(): Promise<void> {
    this.stop();
    this.input.clear();
    await this.closeSession(this.input.detach(), { discard: true });
  }

  /** Closing a session that already broke may fail too; that is worth a line, not more. */
  private async closeSession(session: SttSession | undefined, options?: { discard: boolean }): Promise<void> {
    try {
      await session?.close(options);
    } catch (error) {
      this.logger.debug({ err: errorMessage(error) }, "speech-to-text session did not close cleanly");
    }
  }

  private async transcribed(t: Transcript): Promise<void> {
    const text = t.text.trim();
    if (!text) return;
    const diarization = t.speakerLabel ?? null;
    if (t.final) await this.push(frame("transcription", { text, speaker: this.speaker, language: t.language, diarization }));
    else await this.push(frame("interim-transcription", { text, speaker: this.speaker, language: t.language, diarization }));
  }
}

function currentSpeaker(speakers: Speaker[]): string | null {
  return speakers.find((s) => s.isSpeaking)?.name ?? null;
}
