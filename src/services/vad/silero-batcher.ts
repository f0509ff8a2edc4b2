/**
 * @module services/vad/silero-batcher
 * The part of Silero VAD v5 that is the same wherever the model runs: per-bot streams holding a few
 * hundred bytes of recurrent state, and a batcher that gathers windows submitted within a few
 * milliseconds into one run. A stream's next window is never scored before its previous result
 * came back (it needs that state), so each bot's windows are scored in order even with several
 * runs in flight at once.
 */
import type { VoiceActivityModel, VoiceActivityStream } from "./voice-activity.js";

export const SILERO_WINDOW = 512;
export const SILERO_CONTEXT = 64;
export const SILERO_STATE = 128;
/** How long windows wait to share a run: small next to the 250 ms a speech start must last. */
const BATCH_WINDOW_MS = 4;
/**
 * Most windows in one run. A run in this thread holds the event loop (about 0.2 ms a window here),
 * so a burst of many bots' windows is cut into runs of a few milliseconds each, with timers and
 * I/O (the bots' paced voices) served between them.
 */
export const MAX_BATCH = 24;

/** One run of `batch` windows: inputs [batch, 576] and state [2, batch, 128] in, the same out. */
export interface SileroRun {
  batch: number;
  /** Fresh arrays the runner may transfer to another thread. */
  input: Float32Array<ArrayBuffer>;
  state: Float32Array<ArrayBuffer>;
}

export interface SileroResult {
  output: Float32Array;
  state: Float32Array;
}

interface Pending {
  stream: SileroStream;
  input: Float32Array;
  resolve: (probability: number) => void;
  reject: (error: Error) => void;
}

class SileroStream implements VoiceActivityStream {
  /** [layer 0 (128), layer 1 (128)] of the model's recurrent state. */
  state = new Float32Array(2 * SILERO_STATE);
  context = new Float32Array(SILERO_CONTEXT);

  constructor(private readonly batcher: SileroBatcher) {}

  score(window: Float32Array): Promise<number> {
    if (window.length !== SILERO_WINDOW) return Promise.reject(new Error(`Silero needs ${SILERO_WINDOW}-sample windows, got ${window.length}`));
    const input = new Float32Array(SILERO_CONTEXT + SILERO_WINDOW);
    input.set(this.context);
    input.set(window, SILERO_CONTEXT);
    this.context.set(window.subarray(SILERO_WINDOW - SILERO_CONTEXT));
    return this.batcher.enqueue(this, input);
  }

  reset(): void {
    this.state.fill(0);
    this.context.fill(0);
  }
}

export abstract class SileroBatcher implements VoiceActivityModel {
  readonly sampleRate = 16000;
  readonly windowSamples = SILERO_WINDOW;
  /** Windows scored and batches run, for benchmarks. */
  readonly stats = { windows: 0, batches: 0 };
  private pending: Pending[] = [];
  private scheduled = false;
  /** Streams whose window is being scored: their next one waits for the new state. */
  private readonly inFlight = new Set<SileroStream>();

  /** Scores one batch; runs may overlap when the runner has room for several. */
  protected abstract run(job: SileroRun): Promise<SileroResult>;

  createStream(): VoiceActivityStream {
    return new SileroStream(this);
  }

  /** @internal Queues one window; the batch runs once the current submissions are in. */
  enqueue(stream: SileroStream, input: Float32Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending.push({ stream, input, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Runs the pending windows after the batch window, or (`leftOver`: windows a full run left behind)
   * as soon as the timers and I/O waiting meanwhile have run.
   */
  private schedule(leftOver = false): void {
    if (this.scheduled || !this.pending.length) return;
    this.scheduled = true;
    if (leftOver) setImmediate(() => void this.runBatch());
    else setTimeout(() => void this.runBatch(), BATCH_WINDOW_MS);
  }

  private async runBatch(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    const now: Pending[] = [];
    for (const item of batch) {
      // A stream that submitted twice, or whose last window is still out, must see that result's state.
      if (now.length >= MAX_BATCH || this.inFlight.has(item.stream)) this.pending.push(item);
      else {
        this.inFlight.add(item.stream);
        now.push(item);
      }
    }
    if (now.length === MAX_BATCH) this.schedule(true);
    if (!now.length) return;
    try {
      await this.score(now);
    } catch (error) {
      for (const item of now) item.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      for (const item of now) this.inFlight.delete(item.stream);
      this.schedule();
    }
  }

  private async score(items: Pending[]): Promise<void> {
    const b = items.length;
    const input = new Float32Array(b * (SILERO_CONTEXT + SILERO_WINDOW));
    const state = new Float32Array(2 * b * SILERO_STATE);
    items.forEach((item, i) => {
      input.set(item.input, i * (SILERO_CONTEXT + SILERO_WINDOW));
      state.set(item.stream.state.subarray(0, SILERO_STATE), i * SILERO_STATE);
      state.set(item.stream.state.subarray(SILERO_STATE), (b + i) * SILERO_STATE);
    });
    const result = await this.run({ batch: b, input, state });
    if (result.output.length < b || result.state.length < 2 * b * SILERO_STATE) throw new Error(`Silero returned ${result.output.length} scores for ${b} windows`);
    this.stats.windows += b;
    this.stats.batches += 1;
    items.forEach((item, i) => {
      item.stream.state.set(result.state.subarray(i * SILERO_STATE, (i + 1) * SILERO_STATE), 0);
      item.stream.state.set(result.state.subarray((b + i) * SILERO_STATE, (b + i + 1) * SILERO_STATE), SILERO_STATE);
      item.resolve(result.output[i] ?? 0);
    });
  }
}
