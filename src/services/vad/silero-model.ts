/**
 * @module services/vad/silero-model
 * Silero VAD v5 on onnxruntime-node in this thread: one inference session for the whole process,
 * a few hundred bytes of recurrent state per bot, windows of many bots scored in one batched run.
 * The server runs the same model in worker threads (silero-worker-pool); this one serves tests and
 * tools that want no threads.
 *
 * onnxruntime-node rather than sherpa-onnx: sherpa's VAD object loads its own copy of the model per
 * instance (measured 10.2 MB RSS per bot here), while one ORT session is shared by every bot.
 */
import { fileURLToPath } from "node:url";
import ort from "onnxruntime-node";
import { SILERO_CONTEXT, SILERO_STATE, SILERO_WINDOW, SileroBatcher, type SileroResult, type SileroRun } from "./silero-batcher.js";

export const SILERO_MODEL_PATH = fileURLToPath(new URL("../../../models/silero-vad/silero_vad.onnx", import.meta.url));

export class SileroVadModel extends SileroBatcher {
  private readonly sr = new ort.Tensor("int64", BigInt64Array.from([16000n]), []);

  private constructor(private readonly session: ort.InferenceSession) {
    super();
  }

  static async load(path = SILERO_MODEL_PATH): Promise<SileroVadModel> {
    const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential" });
    return new SileroVadModel(session);
  }

  private released: Promise<void> | undefined;

  /** Releases the session; windows submitted afterwards fail. Idempotent. */
  close(): Promise<void> {
    this.released ??= this.session.release();
    return this.released;
  }

  protected async run(job: SileroRun): Promise<SileroResult> {
    if (this.released !== undefined) throw new Error("the VAD model is closed");
    const result = await this.session.run({
      input: new ort.Tensor("float32", job.input, [job.batch, SILERO_CONTEXT + SILERO_WINDOW]),
      state: new ort.Tensor("float32", job.state, [2, job.batch, SILERO_STATE]),
      sr: this.sr,
    });
    return { output: result.output?.data as Float32Array, state: result.stateN?.data as Float32Array };
  }
}
