/**
 * @module services/vad/silero-model
 * Silero VAD v5 on onnxruntime-node: one inference session for the whole process, a few hundred
 * bytes of recurrent state per bot. Windows submitted by different bots within a few milliseconds are
 * scored in one batched run, which costs a fraction of running them one by one.
 *
 * onnxruntime-node rather than sherpa-onnx: sherpa's VAD object loads its own copy of the model per
 * instance (measured 10.2 MB RSS per bot here), while one ORT session is shared by every bot.
 */
import { fileURLToPath } from "node:url";
import ort from "onnxruntime-node";
import type { VoiceActivityModel, VoiceActivityStream } from "./voice-activity.js";

export const SILERO_MODEL_PATH = fileURLToPath(new URL("../../../models/silero-vad/silero_vad.onnx", import.meta.url));

const WINDOW = 512;
const CONTEXT = 64;
const STATE = 128;
/** How long windows wait to share a run: small next to the 250 ms a speech start must last. */
const BATCH_WINDOW_MS = 4;

interface Pending {
  stream: SileroStream;
  input: Float32Array;
  resolve: (probability: number) => void;
  reject: (error: Error) => void;
}

class SileroStream implements VoiceActivityStream {
  /** [layer 0 (128), layer 1 (128)] of the model's recurrent state. */
  state = new Float32Array(2 * STATE);
  context = new Float32Array(CONTEXT);

  constructor(private readonly model: SileroVadModel) {}

  score(window: Float32Array): Promise<number> {
    if (window.length !== WINDOW) return Promise.reject(new Error(`Silero needs ${WINDOW}-sample windows, got ${window.length}`));
    const input = new Float32Array(CONTEXT + WINDOW);
    input.set(this.context);
    input.set(window, CONTEXT);
    this.context = window.slice(WINDOW - CONTEXT);
    return this.model.enqueue(this, input);
  }

  reset(): void {
    this.state.fill(0);
    this.context.fill(0);
  }
}

export class SileroVadModel implements VoiceActivityModel {
  readonly sampleRate = 16000;
  readonly windowSamples = WINDOW;
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly sr = new ort.Tensor("int64", BigInt64Array.from([16000n]), []);
  /** Windows scored and batches run, for benchmarks. */
  readonly stats = { windows: 0, batches: 0 };

  private constructor(private readonly session: ort.InferenceSession) {}

  static async load(path = SILERO_MODEL_PATH): Promise<SileroVadModel> {
    const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential" });
    return new SileroVadModel(session);
  }

  createStream(): VoiceActivityStream {
    return new SileroStream(this);
  }

  /** @internal Queues one window; the batch runs once the current tick's submissions are in. */
  enqueue(stream: SileroStream, input: Float32Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending.push({ stream, input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        this.scheduleBatch();
      }
    });
  }

  /**
   * onnxruntime-node runs inference on the main thread, and a run costs about the same for one
   * window as for dozens, so windows are gathered for a few milliseconds before each run.
   */
  private scheduleBatch(): void {
    setTimeout(() => void this.runBatch(), BATCH_WINDOW_MS);
  }

  private async runBatch(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    // A stream that submitted twice before the run must see its first result's state.
    const seen = new Set<SileroStream>();
    const now: Pending[] = [];
    for (const item of batch) {
      if (seen.has(item.stream)) this.pending.push(item);
      else {
        seen.add(item.stream);
        now.push(item);
      }
    }
    if (this.pending.length && !this.scheduled) {
      this.scheduled = true;
      this.scheduleBatch();
    }
    try {
      await this.score(now);
    } catch (error) {
      for (const item of now) item.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async score(items: Pending[]): Promise<void> {
    const b = items.length;
    const input = new Float32Array(b * (CONTEXT + WINDOW));
    const state = new Float32Array(2 * b * STATE);
    items.forEach((item, i) => {
      input.set(item.input, i * (CONTEXT + WINDOW));
      state.set(item.stream.state.subarray(0, STATE), i * STATE);
      state.set(item.stream.state.subarray(STATE), (b + i) * STATE);
    });
    const result = await this.session.run({
      input: new ort.Tensor("float32", input, [b, CONTEXT + WINDOW]),
      state: new ort.Tensor("float32", state, [2, b, STATE]),
      sr: this.sr,
    });
    const output = result.output?.data as Float32Array;
    const next = result.stateN?.data as Float32Array;
    this.stats.windows += b;
    this.stats.batches += 1;
    items.forEach((item, i) => {
      item.stream.state.set(next.subarray(i * STATE, (i + 1) * STATE), 0);
      item.stream.state.set(next.subarray((b + i) * STATE, (b + i + 1) * STATE), STATE);
      item.resolve(output[i] ?? 0);
    });
  }
}
