/**
 * @module pipeline/testing/fake-services
 * In-memory stand-ins for the speech services, for stage tests: no engine, no socket. They keep the
 * contracts of the real ones (a VAD stream scores one window at a time, an STT session takes PCM and
 * reports through its handlers, a synthesis stops when its signal aborts) and record every call.
 * Delays run on the global timers, so fake timers drive them.
 */
import { ProviderError } from "../../core/errors.js";
import type { LanguageModel, LlmEvent, LlmRequest } from "../../services/llm/language-model.js";
import type { SpeechToText, SttSession, SttSessionHandlers, SttSessionOptions } from "../../services/stt/speech-to-text.js";
import type { SynthesisOptions, TextToSpeech } from "../../services/tts/text-to-speech.js";
import type { VoiceActivityModel, VoiceActivityStream } from "../../services/vad/voice-activity.js";
import { sleep } from "../../util/backoff.js";

/** A scripted LLM text event or a sentence given to ChunkedTts that contains this fails there. */
export const FAIL_MARK = "xfailx";

/** Scores a window as speech when its loudest sample passes `loudAbove`; `failNext` makes scoring throw. */
export class LoudnessVadModel implements VoiceActivityModel {
  readonly sampleRate = 16000;
  readonly windowSamples = 512;
  failNext = 0;
  scored = 0;

  constructor(private readonly loudAbove = 1000) {}

  createStream(): VoiceActivityStream {
    return {
      score: async (window) => {
        this.scored += 1;
        if (this.failNext > 0) {
          this.failNext -= 1;
          throw new Error("scoring failed");
        }
        const peak = window.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
        return peak * 32768 > this.loudAbove ? 1 : 0;
      },
      reset: () => undefined,
    };
  }
}

/** `ms` of 16 kHz audio: a loud square wave when `loud`, else silence. */
export function pcm16k(ms: number, loud: boolean): Int16Array {
  const out = new Int16Array((16000 * ms) / 1000);
  if (loud) for (let i = 0; i < out.length; i++) out[i] = i % 32 < 16 ? 8000 : -8000;
  return out;
}

export class RecordedSttSession implements SttSession {
  readonly written: Int16Array[] = [];
  finalized = 0;
  closed: { discard?: boolean } | undefined;

  constructor(
    readonly options: SttSessionOptions,
    readonly handlers: SttSessionHandlers,
  ) {}

  write(audio: Int16Array): void {
    this.written.push(audio.slice());
  }

  finalize(): void {
    this.finalized += 1;
  }

  async close(options: { discard?: boolean } = {}): Promise<void> {
    this.closed = options;
  }

  get samplesWritten(): number {
    return this.written.reduce((n, c) => n + c.length, 0);
  }
}

/** Opens sessions that record what they are given; `failOpens` makes the next opens fail. */
export class RecordingSpeechToText implements SpeechToText {
  readonly name = "recording";
  readonly sampleRates = [16000] as const;
  readonly sessions: RecordedSttSession[] = [];
  failOpens = 0;
  opens = 0;

  async open(options: SttSessionOptions, handlers: SttSessionHandlers): Promise<SttSession> {
    this.opens += 1;
    if (this.failOpens > 0) {
      this.failOpens -= 1;
      throw new ProviderError("recording", "could not open a session", { retryable: true });
    }
    const session = new RecordedSttSession(options, handlers);
    this.sessions.push(session);
    return session;
  }

  get last(): RecordedSttSession | undefined {
    return this.sessions.at(-1);
  }
}

/** Answers each request with the next scripted reply, one event every `stepMs`; records the requests. */
export class ScriptedLlm implements LanguageModel {
  readonly name = "scripted";
  readonly model = "scripted";
  readonly requests: LlmRequest[] = [];

  constructor(
    private readonly replies: LlmEvent[][],
    private readonly stepMs = 10,
  ) {}

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    this.requests.push({ ...request, messages: [...request.messages] });
    const reply = this.replies.shift();
    if (!reply) throw new ProviderError("scripted", "no reply scripted for this request", { retryable: false });
    for (const event of reply) {
      if (!(await sleep(this.stepMs, { signal: request.signal }))) return;
      if (event.type === "text" && event.text === FAIL_MARK) throw new ProviderError("scripted", "the model failed mid-answer", { retryable: true });
      yield event;
    }
  }
}

/** Speaks each sentence as `chunks` chunks of 10 ms, one every `stepMs`; a sentence containing FAIL_MARK fails. */
export class ChunkedTts implements TextToSpeech {
  readonly name = "chunked";
  readonly calls: { text: string; context: string; sampleRate: number; aborted: boolean }[] = [];

  constructor(
    private readonly chunks = 3,
    private readonly stepMs = 10,
  ) {}

  async *synthesize(text: string, options: SynthesisOptions & { context: string }): AsyncIterable<Int16Array> {
    const call = { text, context: options.context, sampleRate: options.sampleRate, aborted: false };
    this.calls.push(call);
    options.signal.addEventListener("abort", () => (call.aborted = true), { once: true });
    if (text.includes(FAIL_MARK)) throw new ProviderError("chunked", "synthesis failed", { retryable: false });
    for (let i = 0; i < this.chunks; i++) {
      if (!(await sleep(this.stepMs, { signal: options.signal }))) return;
      yield new Int16Array(options.sampleRate / 100).fill(1000 + i);
    }
  }
}
