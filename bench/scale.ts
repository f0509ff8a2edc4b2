/**
 * @module bench/scale
 * How many bots one process carries in real time: for each N, a simulated provider in another
 * process streams real-time audio to N bots, each answering a question every few seconds, with the
 * speech servers in a third process (as remote providers are). Reported
 * per N: CPU, memory in total and per bot, event-loop delay, late output frames (gaps in the bots'
 * voices) and turn overhead.
 */
import { execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { outputTiming } from "../src/pipeline/stages/audio-output.js";
import { INJECTED } from "./fakes.js";
import { benchMeetingUrl, benchServer, sleep, stats } from "./harness.js";

export interface ScaleStep {
  bots: number;
  cpuPercent: number;
  rssMb: number;
  rssPerBotMb: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** Frames of the bots' voices sent, and those sent too late for a player with our 60 ms lead. */
  frames: number;
  lateFrames: number;
  /** The same as seen by the simulated provider, whose own event loop adds to it. */
  heardLateFrames: number;
  replies: number;
  overheadP95Ms: number | null;
  realTime: boolean;
}

const QUESTION_PERIOD_MS = 5000;
/** The event-loop histogram records the time between ticks of a timer with this period, so the
 * delay is what exceeds it (an idle loop reads about 10 ms at p99 with a 10 ms period, and 0 here). */
const LOOP_SAMPLE_MS = 5;
const loopDelayMs = (intervalNs: number) => Math.max(0, Math.round((intervalNs / 1e6 - LOOP_SAMPLE_MS) * 10) / 10);
const WARM_UP_MS = QUESTION_PERIOD_MS + 3000;

interface Simulator {
  env: Record<string, string>;
  report: Promise<Record<string, number>>;
  /** Opens and closes the window the simulator counts what it hears in. */
  mark(edge: "window-start" | "window-end"): void;
}

function startSimulator(durationMs: number): Promise<Simulator> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/provider-sim.ts", String(durationMs), String(QUESTION_PERIOD_MS)], { stdio: ["pipe", "pipe", "inherit"] });
  const mark = (edge: "window-start" | "window-end") => child.stdin.write(`${edge}\n`);
  const lines = createInterface({ input: child.stdout });
  let resolveReport: (r: Record<string, number>) => void = () => {};
  const report = new Promise<Record<string, number>>((resolve) => (resolveReport = resolve));
  return new Promise((resolve) => {
    lines.on("line", (line) => {
      const message = JSON.parse(line) as { env?: Record<string, string>; report?: Record<string, number> };
      if (message.env) resolve({ env: message.env, report, mark });
      if (message.report) resolveReport(message.report);
    });
  });
}

/** The speech servers in their own process; closing its standard input stops it. */
function startSpeechFakesProcess(): Promise<{ env: Record<string, string>; stop(): void }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/speech-fakes.ts"], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve) => {
    lines.once("line", (line) => {
      const { env } = JSON.parse(line) as { env: Record<string, string> };
      resolve({ env, stop: () => child.stdin.end() });
    });
  });
}

/** The one line a single step ends with, so a figure can be checked at a glance. */
export function scaleSummaryLine(step: ScaleStep): string {
  return `scale: ${step.bots} bots, late frames ${step.lateFrames}, event loop p99 ${step.eventLoopP99Ms} ms, rss per bot ${step.rssPerBotMb} MB`;
}

/** Runs one step in a fresh process, so memory per bot is measured from a clean start. */
export function measureScale(bots: number, durationMs: number): ScaleStep {
  const output = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", "bench/scale.ts", String(bots), String(durationMs)], { encoding: "utf8" });
  return JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as ScaleStep;
}

async function measureScaleHere(bots: number, durationMs: number): Promise<ScaleStep> {
  const simulator = await startSimulator(durationMs + WARM_UP_MS + 5000);
  const speech = await startSpeechFakesProcess();
  const server = await benchServer({ ...simulator.env, ...speech.env });
  global.gc?.();
  await sleep(200);
  const rssBefore = process.memoryUsage().rss;
  for (let i = 0; i < bots; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, bots - i) }, (_, j) =>
        fetch(`${server.url}/bots`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ meeting_url: benchMeetingUrl("scal", i + j), personas: ["interviewer"], entry_message: "Hi." }),
        }),
      ),
    );
  }
  // Every bot answers its first question before the window opens, so one-time start-up costs
  // (code compiled on first use, first connections to providers) stay out of the steady state.
  await sleep(WARM_UP_MS);
  const framesBefore = { ...outputTiming };
  const turnsBefore = new Map(server.bots.list().map((b) => [b.id, b.info().metrics.turns.length]));
  const loop = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  loop.enable();
  simulator.mark("window-start");
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await sleep(durationMs);
  const cpu = process.cpuUsage(cpuStart);
  const wall = performance.now() - wallStart;
  simulator.mark("window-end");
  const framesAfter = { ...outputTiming };
  loop.disable();
  global.gc?.();
  const rss = process.memoryUsage().rss;
  const injected = INJECTED.sttFinalMs + INJECTED.llmFirstTokenMs + INJECTED.ttsFirstAudioMs;
  const overheads = server.bots.list().flatMap((b) =>
    b
      .info()
      .metrics.turns.slice(turnsBefore.get(b.id) ?? 0)
      .map((t) => (typeof t.first_audio_out === "number" ? t.first_audio_out - injected : null))
      .filter((v): v is number => v !== null),
  );
  const report = await simulator.report;
  await server.close();
  speech.stop();
  const overheadP95 = stats(overheads).p95;
  const step: ScaleStep = {
    bots,
    cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / wall) * 1000) / 10,
    rssMb: Math.round(rss / 1e6),
    rssPerBotMb: Math.round(((rss - rssBefore) / 1e6 / bots) * 100) / 100,
    eventLoopP99Ms: loopDelayMs(loop.percentile(99)),
    eventLoopMaxMs: loopDelayMs(loop.max),
    frames: framesAfter.framesSent - framesBefore.framesSent,
    lateFrames: framesAfter.lateFrames - framesBefore.lateFrames,
    heardLateFrames: report.lateFrames ?? 0,
    replies: report.replies ?? 0,
    overheadP95Ms: overheadP95,
    realTime: false,
  };
  step.realTime = step.lateFrames === 0 && step.replies > 0 && overheadP95 !== null && overheadP95 < 20;
  return step;
}

if (process.argv[1]?.endsWith("bench/scale.ts")) {
  const step = await measureScaleHere(Number(process.argv[2]), Number(process.argv[3]));
  process.stdout.write(`${JSON.stringify(step)}\n`);
  process.exit(0);
}
