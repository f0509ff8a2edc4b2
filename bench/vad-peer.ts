/**
 * @module bench/vad-peer
 * Our VAD against a peer implementation on the same workload, in CPU time per window: many bots' worth of real speech
 * through our shared, batched onnxruntime Silero session, and through sherpa-onnx's Silero VAD
 * (one detector per bot, as its API requires). The peer is installed for the benchmark only, into
 * bench/.peer, from the npm registry.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { int16ToFloat32 } from "../src/audio/pcm.js";
import { SILERO_MODEL_PATH, SileroVadModel } from "../src/services/vad/silero-model.js";
import { loadSpeech } from "../test/fixtures/load-fixture.js";
import { DEFAULT_VAD } from "../src/core/vad-defaults.js";

const PEER_DIR = join(process.cwd(), "bench/.peer");

interface SherpaVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  pop(): void;
}

function loadSherpa(): { Vad: new (config: object, seconds: number) => SherpaVad } {
  if (!existsSync(join(PEER_DIR, "node_modules/sherpa-onnx-node"))) {
    execFileSync("npm", ["install", "--prefix", PEER_DIR, "--no-audit", "--no-fund", "--no-save", "sherpa-onnx-node@1.13"], { stdio: "ignore" });
  }
  return createRequire(join(PEER_DIR, "package.json"))("sherpa-onnx-node");
}

async function windows(): Promise<Float32Array[]> {
  const speech = await loadSpeech("weather-question");
  const all: Float32Array[] = [];
  for (let i = 0; i + 512 <= speech.length; i += 512) all.push(int16ToFloat32(speech.subarray(i, i + 512)));
  return all;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

export interface VadComparison {
  streams: number;
  windowsPerStream: number;
  oursMsPerWindow: number;
  peerMsPerWindow: number;
  peerOverOurs: number;
  oursRssPerStreamKb: number;
  peerRssPerStreamKb: number;
}

export async function compareVad(streams: number): Promise<VadComparison> {
  const work = await windows();
  const model = await SileroVadModel.load();
  global.gc?.();
  let rss = process.memoryUsage().rss;
  const ours = Array.from({ length: streams }, () => model.createStream());
  const oursRss = process.memoryUsage().rss - rss;
  // CPU time, not wall time: our scheduler waits a few milliseconds to gather a batch, which costs
  // latency but no processor time.
  let start = process.cpuUsage();
  for (const window of work) await Promise.all(ours.map((s) => s.score(window)));
  const oursMs = cpuMs(start) / (work.length * streams);

  const { Vad } = loadSherpa();
  const config = { sileroVad: { model: SILERO_MODEL_PATH, threshold: DEFAULT_VAD.threshold, minSpeechDuration: DEFAULT_VAD.minSpeechMs / 1000, minSilenceDuration: DEFAULT_VAD.minSilenceMs / 1000, windowSize: 512 }, sampleRate: 16000, debug: false, numThreads: 1 };
  global.gc?.();
  rss = process.memoryUsage().rss;
  const peers = Array.from({ length: streams }, () => new Vad(config, 30));
  const peerRss = process.memoryUsage().rss - rss;
  start = process.cpuUsage();
  for (const window of work) {
    for (const vad of peers) {
      vad.acceptWaveform(window);
      while (!vad.isEmpty()) vad.pop();
    }
  }
  const peerMs = cpuMs(start) / (work.length * streams);
  const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    streams,
    windowsPerStream: work.length,
    oursMsPerWindow: round(oursMs),
    peerMsPerWindow: round(peerMs),
    peerOverOurs: round(peerMs / oursMs, 2),
    oursRssPerStreamKb: Math.round(oursRss / streams / 1024),
    peerRssPerStreamKb: Math.round(peerRss / streams / 1024),
  };
}
