// One Silero VAD session in a worker thread. It receives batches ({ id, batch, input, state }, the
// arrays transferred) and answers { id, output, state } or { id, error }; it holds no per-bot state.
// Plain JavaScript so that it loads the same under tsx, vitest and a build.
import { parentPort, workerData } from "node:worker_threads";
import ort from "onnxruntime-node";

const WINDOW_WITH_CONTEXT = 576;
const STATE = 128;
const session = await ort.InferenceSession.create(workerData.modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential" });
const sr = new ort.Tensor("int64", BigInt64Array.from([16000n]), []);

parentPort.on("message", (job) => {
  session
    .run({
      input: new ort.Tensor("float32", job.input, [job.batch, WINDOW_WITH_CONTEXT]),
      state: new ort.Tensor("float32", job.state, [2, job.batch, STATE]),
      sr,
    })
    .then((result) => {
      const output = Float32Array.from(result.output.data);
      const state = Float32Array.from(result.stateN.data);
      parentPort.postMessage({ id: job.id, output, state }, [output.buffer, state.buffer]);
    })
    .catch((error) => parentPort.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) }));
});
parentPort.postMessage({ ready: true });
