/**
 * @module bench/main
 * `npm run bench`: the project's measuring stick. Prints a table and writes the figures as JSON to
 * bench/results/<date>.json (with `--quick`, a short smoke run that only checks the harness, written
 * to test-artifacts/). Sections: pipeline overhead per turn, bots per process in real time, the
 * local engines, our VAD against a peer, memory per bot against one process per bot, and the
 * meeting simulator (when the bot speaks in a group), cluster (launch throughput, failover time,
 * Redis traffic per bot). `--only scale --bots N` runs one scale step and ends with its summary line.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { describeCluster, measureCluster } from "./cluster.js";
import { measureLocalEngines } from "./local-engines.js";
import { measureMemoryCycles } from "./memory-cycles.js";
import { describeEcho, measureEcho } from "./echo.js";
import { describeRoomGroup, measureRoomGroup } from "./room-group.js";
import { measureMeetingSim } from "./meeting-sim.js";
import { type BenchOptions, SECTIONS, parseBenchOptions } from "./options.js";
import { measureOverhead } from "./overhead.js";
import { processPerBotRssMb } from "./process-per-bot.js";
import { type ScaleStep, measureScale, scaleSummaryLine } from "./scale.js";
import { searchLargestRealTime } from "./scale-search.js";
import { measureTurnLatency } from "./turn-latency.js";
import { compareVad } from "./vad-peer.js";

const line = (text = "") => process.stdout.write(`${text}\n`);
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : String(v));

function planFor(quick: boolean) {
  return quick
    ? { overhead: [1, 2] as const, turn: [1, 2] as const, scale: [3], scaleMs: 4000, scaleResolution: Number.POSITIVE_INFINITY, vadStreams: 0, memoryCycles: { bots: 2, rounds: 1 } }
    : { overhead: [10, 20] as const, turn: [4, 8] as const, scale: [10, 25, 50, 75, 100, 150], scaleMs: 20_000, scaleResolution: 10, vadStreams: 50, memoryCycles: { bots: 30, rounds: 4 } };
}

function printStep(step: ScaleStep): void {
  line(`   ${String(step.bots).padStart(4)}  ${String(step.cpuPercent).padStart(5)}  ${String(step.rssMb).padStart(6)}  ${String(step.rssPerBotMb).padStart(6)}  ${String(step.eventLoopP99Ms).padStart(11)}  ${String(step.frames).padStart(6)}  ${String(step.lateFrames).padStart(4)} ${`(${step.heardLateFrames})`.padStart(7)}  ${fmt(step.overheadP95Ms).padStart(15)}  ${step.realTime ? "yes" : "no"}`);
}

async function main(options: BenchOptions): Promise<void> {
  const { quick, only } = options;
  const plan = planFor(quick);
  const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, memoryGb: Math.round(totalmem() / 1e9), node: process.version };
  const result: Record<string, unknown> = { date: new Date().toISOString(), quick, only: [...only], machine };
  line(`Speaking Bots benchmark${quick ? " (quick smoke run)" : ""} — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
  const headline: string[] = [];

  if (only.has("overhead")) {
    const overhead = await measureOverhead(plan.overhead[0], plan.overhead[1]);
    result.overhead = overhead;
    line(`\n1. Pipeline overhead per turn (${overhead.overheadMs.count} turns, ${overhead.bots} bots; injected STT+LLM+TTS delays ${overhead.injectedMs} ms)`);
    line(`   overhead ms     p50 ${fmt(overhead.overheadMs.p50)}  p95 ${fmt(overhead.overheadMs.p95)}  p99 ${fmt(overhead.overheadMs.p99)}`);
    line(`   VAD stop → first audio out ms  p50 ${fmt(overhead.firstAudioOutMs.p50)}  p95 ${fmt(overhead.firstAudioOutMs.p95)}`);
    headline.push(`overhead p95 ${fmt(overhead.overheadMs.p95)} ms`);
  }

  if (only.has("turn")) {
    const turn = await measureTurnLatency(plan.turn[0], plan.turn[1]);
    result.turnLatency = turn;
    const at = (stage: string) => `${fmt(turn.stages[stage]?.p50)}/${fmt(turn.stages[stage]?.p95)}`;
    line(`\n1b. Turn latency, a three-sentence answer streamed at 40 words/s (${turn.turns} turns, ${turn.bots} bots)`);
    line(`   VAD stop → first audio out ms  p50 ${fmt(turn.firstAudioOutMs.p50)}  p95 ${fmt(turn.firstAudioOutMs.p95)}  (stages p50/p95: transcript ${at("transcript")}, first token ${at("llm_first_token")}, first TTS audio ${at("tts_first_audio")})`);
    line(`   end of speech → first audio out ms (adds the ${turn.vadStopMs} ms stop delay)  p50 ${fmt(turn.endOfSpeechToAudioMs.p50)}  p95 ${fmt(turn.endOfSpeechToAudioMs.p95)}`);
  }

  let scale: ScaleStep[] = [];
  if (only.has("scale")) {
    line("\n2. Scale: bots fed real-time 16 kHz audio by a provider in another process (speech servers in a third), each step in a fresh process");
    line("   bots  cpu%   rss MB  MB/bot  loop p99 ms  frames  late (heard)  overhead p95 ms  real time");
    const run = (bots: number) => {
      const step = measureScale(bots, plan.scaleMs);
      printStep(step);
      return step;
    };
    const series = options.bots === null ? plan.scale : [options.bots];
    const search = await searchLargestRealTime(series, options.bots === null ? plan.scaleResolution : Number.POSITIVE_INFINITY, run);
    scale = search.steps;
    result.scale = scale;
    result.maxRealTimeBots = search.largest;
    if (options.bots === null) line(`   largest N in strict real time (no late frame, overhead p95 < 20 ms, every smaller step holding): ${search.largest}`);
    const single = options.bots === null ? null : scale[0];
    headline.push(single ? `${single.bots} bots ${single.realTime ? "in" : "not in"} real time` : `${search.largest} bots in real time on ${machine.cores} cores`);
  }
  const perBot = scale.at(-1)?.rssPerBotMb ?? null;

  if (only.has("local")) {
    const local = await measureLocalEngines(quick);
    result.local = local;
    line("\n3. Local engines (PocketSphinx, flite)");
    line(`   STT on synthetic speech: WER ${fmt(local.sttSynthetic?.wer)} %, RTF p50 ${fmt(local.sttSynthetic?.rtf.p50)}`);
    if (local.sttHuman) line(`   STT on LibriVox read speech (${local.sttHuman.clips} clips, ${local.sttHuman.words} words): WER ${local.sttHuman.wer} %, RTF p50 ${fmt(local.sttHuman.rtf.p50)}`);
    line(`   TTS time to first audio ms  p50 ${fmt(local.ttsFirstAudioMs.p50)}  p95 ${fmt(local.ttsFirstAudioMs.p95)}`);
    line(`   voice to voice (VAD stop → first audio out, instant LLM) ms  p50 ${fmt(local.voiceToVoiceMs.p50)}  p95 ${fmt(local.voiceToVoiceMs.p95)}`);
  }

  if (only.has("side-by-side")) {
    const vad = plan.vadStreams ? await compareVad(plan.vadStreams) : null;
    const perProcessMb = quick ? null : processPerBotRssMb();
    Object.assign(result, { vad, perProcessMb });
    line("\n4. Side by side");
    if (vad) line(`   VAD CPU ms per 32 ms window, ${vad.streams} streams: ours ${vad.oursMsPerWindow}, sherpa-onnx ${vad.peerMsPerWindow} → peer/ours ${vad.peerOverOurs}×; memory per stream ${vad.oursRssPerStreamKb} KB vs ${vad.peerRssPerStreamKb} KB`);
    if (perProcessMb) line(`   memory per bot: in-process ${fmt(perBot)} MB vs one process per bot ${perProcessMb} MB`);
  }

  if (only.has("memory")) {
    const cycles = measureMemoryCycles(plan.memoryCycles.bots, plan.memoryCycles.rounds);
    result.memoryCycles = cycles;
    line(`\n5. Memory with the embedded engines: ${cycles.rounds} rounds of ${cycles.botsPerRound} bots, each asking one question, then removed`);
    line(`   rss MB  start ${cycles.startRssMb}  peak ${cycles.peakRssMb}  after each round ${cycles.afterRoundRssMb.join(" ")}  → ${cycles.perBotMb} MB per bot in a meeting`);
    line(`   beyond the shared base (decoders, models): ${fmt(cycles.marginalPerBotMb)} MB per bot (rss with ${cycles.halfBots} bots ${cycles.halfRoundRssMb} MB, before the rounds; with ${cycles.botsPerRound} bots ${cycles.firstRoundRssMb} MB)`);
    if (cycles.decoders) {
      const d = cycles.decoders;
      line(`   shared decoders: ${d.leases} utterances, ${d.waited} waited for a decoder, mean wait ${d.waited ? Math.round(d.totalWaitMs / d.waited) : 0} ms, longest ${Math.round(d.maxWaitMs)} ms`);
    }
  }

  if (only.has("meetings")) {
    const meetings = await measureMeetingSim(quick);
    result.meetings = meetings;
    line(`\n6. Group meetings: ${meetings.meetings} simulated meetings, ${meetings.utterances} labelled utterances, rule-based turn policy`);
    for (const row of meetings.table) line(`   ${row}`);
    const llm = meetings.withLlmCheck;
    line(`   with llm_check: balanced accuracy ${llm.total.balancedAccuracy}, ${llm.checks} yes/no checks, ~${fmt(llm.promptTokensPerCheck)} prompt tokens each, check p50 ${fmt(llm.checkMs.p50)} ms`);
    line(`   transcript of "${meetings.transcript.scenario}":`);
    for (const row of meetings.transcript.lines) line(`     ${row}`);
  }

  if (only.has("echo")) {
    const echo = await measureEcho(quick);
    result.echo = echo;
    line("\n6b. The bot's own voice in the meeting mix (bench/echo.ts)");
    for (const text of describeEcho(echo)) line(text);
  }

  if (only.has("room-group")) {
    const roomGroup = await measureRoomGroup(quick);
    result.roomGroup = roomGroup;
    line(`\n6c. Several bots in one built-in room: ${roomGroup.bots} bots, ${roomGroup.people} person, embedded engines (bench/room-group.ts)`);
    for (const text of describeRoomGroup(roomGroup)) line(text);
  }

  if (only.has("cluster")) {
    const cluster = await measureCluster(quick);
    result.cluster = cluster;
    line("\n7. Cluster: an API process and worker processes on Redis (bench/cluster.ts)");
    for (const text of describeCluster(cluster)) line(text);
  }

  if (perBot !== null) headline.push(`${fmt(perBot)} MB per bot`);
  line(`\nHeadline: ${headline.join("; ") || "–"}.`);
  const dir = quick ? "test-artifacts" : "bench/results";
  mkdirSync(dir, { recursive: true });
  const partial = only.size < SECTIONS.length ? `-${[...only].join("-")}${options.bots === null ? "" : `-${options.bots}`}` : "";
  const file = join(dir, `${quick ? "bench-quick" : String(result.date).slice(0, 19).replace(/:/g, "-")}${quick ? "" : partial}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  line(`Results written to ${file}`);
  // One scale step ends with its summary, so a single figure can be checked from the last line.
  if (options.bots !== null && scale[0]) line(scaleSummaryLine(scale[0]));
}

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(2);
}
await main(options);
process.exit(0);
