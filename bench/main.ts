/**
 * @module bench/main
 * `npm run bench`: the project's measuring stick. Prints a table and writes the figures as JSON to
 * bench/results/<date>.json (with `--quick`, a short smoke run that only checks the harness, written
 * to test-artifacts/). Sections: pipeline overhead per turn, bots per process in real time, the
 * local engines, our VAD against a peer, memory per bot against one process per bot, and the
 * meeting simulator (when the bot speaks in a group), cluster (launch throughput, failover time,
 * Redis traffic per bot).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { describeCluster, measureCluster } from "./cluster.js";
import { measureLocalEngines } from "./local-engines.js";
import { measureMemoryCycles } from "./memory-cycles.js";
import { describeEcho, measureEcho } from "./echo.js";
import { measureMeetingSim } from "./meeting-sim.js";
import { measureOverhead } from "./overhead.js";
import { processPerBotRssMb } from "./process-per-bot.js";
import { type ScaleStep, measureScale } from "./scale.js";
import { compareVad } from "./vad-peer.js";

const quick = process.argv.includes("--quick");
const plan = quick
  ? { overhead: [1, 2] as const, scale: [3], scaleMs: 4000, vadStreams: 0, memoryCycles: { bots: 2, rounds: 1 } }
  : { overhead: [10, 20] as const, scale: [10, 25, 50, 75, 100], scaleMs: 20_000, vadStreams: 50, memoryCycles: { bots: 30, rounds: 4 } };

const line = (text = "") => process.stdout.write(`${text}\n`);
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : String(v));

async function main(): Promise<void> {
  const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, memoryGb: Math.round(totalmem() / 1e9), node: process.version };
  line(`Speaking Bots benchmark${quick ? " (quick smoke run)" : ""} — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);

  const overhead = await measureOverhead(plan.overhead[0], plan.overhead[1]);
  line(`\n1. Pipeline overhead per turn (${overhead.overheadMs.count} turns, ${overhead.bots} bots; injected STT+LLM+TTS delays ${overhead.injectedMs} ms)`);
  line(`   overhead ms     p50 ${fmt(overhead.overheadMs.p50)}  p95 ${fmt(overhead.overheadMs.p95)}  p99 ${fmt(overhead.overheadMs.p99)}`);
  line(`   VAD stop → first audio out ms  p50 ${fmt(overhead.firstAudioOutMs.p50)}  p95 ${fmt(overhead.firstAudioOutMs.p95)}`);

  line("\n2. Scale: bots fed real-time 16 kHz audio by a provider in another process");
  line("   bots  cpu%   rss MB  MB/bot  loop p99 ms  frames  late (heard)  overhead p95 ms  real time");
  const scale: ScaleStep[] = [];
  for (const bots of plan.scale) {
    const step = measureScale(bots, plan.scaleMs);
    scale.push(step);
    line(`   ${String(bots).padStart(4)}  ${String(step.cpuPercent).padStart(5)}  ${String(step.rssMb).padStart(6)}  ${String(step.rssPerBotMb).padStart(6)}  ${String(step.eventLoopP99Ms).padStart(11)}  ${String(step.frames).padStart(6)}  ${String(step.lateFrames).padStart(4)} ${`(${step.heardLateFrames})`.padStart(7)}  ${fmt(step.overheadP95Ms).padStart(15)}  ${step.realTime ? "yes" : "no"}`);
  }
  const maxRealTime = Math.max(0, ...scale.filter((s) => s.realTime).map((s) => s.bots));

  const local = await measureLocalEngines(quick);
  line("\n3. Local engines (PocketSphinx, flite)");
  line(`   STT on synthetic speech: WER ${fmt(local.sttSynthetic?.wer)} %, RTF p50 ${fmt(local.sttSynthetic?.rtf.p50)}`);
  if (local.sttHuman) line(`   STT on LibriVox read speech (${local.sttHuman.clips} clips, ${local.sttHuman.words} words): WER ${local.sttHuman.wer} %, RTF p50 ${fmt(local.sttHuman.rtf.p50)}`);
  line(`   TTS time to first audio ms  p50 ${fmt(local.ttsFirstAudioMs.p50)}  p95 ${fmt(local.ttsFirstAudioMs.p95)}`);
  line(`   voice to voice (VAD stop → first audio out, instant LLM) ms  p50 ${fmt(local.voiceToVoiceMs.p50)}  p95 ${fmt(local.voiceToVoiceMs.p95)}`);

  const vad = plan.vadStreams ? await compareVad(plan.vadStreams) : null;
  const perProcessMb = quick ? null : processPerBotRssMb();
  line("\n4. Side by side");
  if (vad) line(`   VAD CPU ms per 32 ms window, ${vad.streams} streams: ours ${vad.oursMsPerWindow}, sherpa-onnx ${vad.peerMsPerWindow} → peer/ours ${vad.peerOverOurs}×; memory per stream ${vad.oursRssPerStreamKb} KB vs ${vad.peerRssPerStreamKb} KB`);
  const perBot = scale.at(-1)?.rssPerBotMb ?? null;
  if (perProcessMb) line(`   memory per bot: in-process ${fmt(perBot)} MB vs one process per bot ${perProcessMb} MB`);
  const cycles = measureMemoryCycles(plan.memoryCycles.bots, plan.memoryCycles.rounds);
  line(`\n5. Memory with the embedded engines: ${cycles.rounds} rounds of ${cycles.botsPerRound} bots, each asking one question, then removed`);
  line(`   rss MB  start ${cycles.startRssMb}  peak ${cycles.peakRssMb}  after each round ${cycles.afterRoundRssMb.join(" ")}  → ${cycles.perBotMb} MB per bot in a meeting`);
  if (cycles.decoders) {
    const d = cycles.decoders;
    line(`   shared decoders: ${d.leases} utterances, ${d.waited} waited for a decoder, mean wait ${d.waited ? Math.round(d.totalWaitMs / d.waited) : 0} ms, longest ${Math.round(d.maxWaitMs)} ms`);
  }
  const meetings = await measureMeetingSim(quick);
  line(`\n6. Group meetings: ${meetings.meetings} simulated meetings, ${meetings.utterances} labelled utterances, rule-based turn policy`);
  for (const row of meetings.table) line(`   ${row}`);
  const llm = meetings.withLlmCheck;
  line(`   with llm_check: balanced accuracy ${llm.total.balancedAccuracy}, ${llm.checks} yes/no checks, ~${fmt(llm.promptTokensPerCheck)} prompt tokens each, check p50 ${fmt(llm.checkMs.p50)} ms`);
  line(`   transcript of "${meetings.transcript.scenario}":`);
  for (const row of meetings.transcript.lines) line(`     ${row}`);

  const echo = await measureEcho(quick);
  line("\n6b. The bot's own voice in the meeting mix (bench/echo.ts)");
  for (const text of describeEcho(echo)) line(text);

  const cluster = await measureCluster(quick);
  line("\n7. Cluster: an API process and worker processes on Redis (bench/cluster.ts)");
  for (const text of describeCluster(cluster)) line(text);
  line(`\nHeadline: overhead p95 ${fmt(overhead.overheadMs.p95)} ms; ${maxRealTime} bots in real time on ${machine.cores} cores; ${fmt(perBot)} MB per bot.`);

  const result = { date: new Date().toISOString(), quick, machine, overhead, scale, maxRealTimeBots: maxRealTime, local, vad, perProcessMb, memoryCycles: cycles, meetings, echo, cluster };
  const dir = quick ? "test-artifacts" : "bench/results";
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${quick ? "bench-quick" : result.date.slice(0, 19).replace(/:/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  line(`Results written to ${file}`);
}

await main();
process.exit(0);
