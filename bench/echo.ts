/**
 * @module bench/echo
 * The bot's own voice in the meeting mix: what echo handling costs per 20 ms frame (passing through
 * while the bot is quiet, and delay search plus canceller while it speaks over its echo), and the
 * echo simulation on the machine's real clock (self-interruptions, people still heard, time to stop).
 */
import { EchoSuppressor } from "../src/audio/echo/echo-suppressor.js";
import { ReferenceRing } from "../src/audio/echo/reference-ring.js";
import { concatPcm } from "../src/audio/pcm.js";
import { type EchoRunResult, runEchoMeeting } from "../src/testing/meeting-sim/run-echo-meeting.js";
import { pause } from "../src/testing/meeting-sim/sim-engines.js";
import { SileroVadModel } from "../src/services/vad/silero-model.js";
import { loadSpeech } from "../test/fixtures/load-fixture.js";

const FRAME = 320;

export interface EchoReport {
  /** Microseconds of CPU per 20 ms frame, and the share of one core a speaking bot uses for it. */
  passThroughUsPerFrame: number;
  activeUsPerFrame: number;
  activeCorePercent: number;
  runs: EchoRunResult[];
}

/** Plays `bot` back at 150 ms and gain 0.5 through the suppressor and times the frames. */
function frameCost(bot: Int16Array, withReference: boolean, rounds: number): number {
  const ring = new ReferenceRing(1 << 17);
  ring.write(bot, 0, 1 / 32768);
  const reference = { name: "bot", get end() { return ring.end; }, read: (out: Float32Array, from: number, count: number) => ring.read(out, from, count) };
  const delay = 150 * 16;
  const frames: Int16Array[] = [];
  for (let p = 0; p + FRAME <= bot.length; p += FRAME) frames.push(Int16Array.from({ length: FRAME }, (_, i) => Math.round(0.5 * (bot[p + i - delay] ?? 0))));
  let elapsed = 0;
  for (let round = 0; round < rounds; round++) {
    const suppressor = new EchoSuppressor({ references: () => (withReference ? [reference] : []) });
    const started = performance.now();
    for (const [i, f] of frames.entries()) suppressor.process(f, i * FRAME);
    elapsed += performance.now() - started;
  }
  return (elapsed * 1000) / (rounds * frames.length);
}

/**
 * Moves a run on by wall time, holding the inbound stream to real-time pace as a provider does:
 * a step that ran long is made up by a shorter wait before the next.
 */
function realTimePacer(): (ms: number) => Promise<boolean> {
  let due = performance.now();
  return (ms) => {
    due += ms;
    return pause(Math.max(0, due - performance.now()));
  };
}

export async function measureEcho(quick: boolean): Promise<EchoReport> {
  const bot = concatPcm([await loadSpeech("weather-question"), await loadSpeech("time-question")]);
  const person = await loadSpeech("interruption");
  frameCost(bot, true, 1);
  const passThroughUsPerFrame = frameCost(bot, false, 5);
  const activeUsPerFrame = frameCost(bot, true, quick ? 2 : 5);
  const vad = await SileroVadModel.load();
  const plan = quick ? [{ delayMs: 150, gain: 0.8 }] : [50, 150, 300].flatMap((delayMs) => [0.3, 0.8].map((gain) => ({ delayMs, gain })));
  const runs: EchoRunResult[] = [];
  // Two meetings at a time, so the figures are the echo handling's and not an overloaded machine's.
  for (const { delayMs, gain } of plan) {
    runs.push(
      ...(await Promise.all([
        runEchoMeeting({ delayMs, gain, mode: "auto" }, { bot, person }, vad, realTimePacer()),
        runEchoMeeting({ delayMs, gain, mode: "auto", personAfterMs: 1500 }, { bot, person }, vad, realTimePacer()),
      ])),
    );
  }
  return {
    passThroughUsPerFrame: Math.round(passThroughUsPerFrame * 10) / 10,
    activeUsPerFrame: Math.round(activeUsPerFrame),
    activeCorePercent: Math.round((activeUsPerFrame / 20_000) * 1000) / 10,
    runs,
  };
}

export function describeEcho(report: EchoReport): string[] {
  const over = report.runs.filter((r) => r.personAfterMs !== undefined);
  const stops = over.map((r) => r.stopMs).filter((v): v is number => v !== null);
  return [
    `   cost per 20 ms frame: ${report.passThroughUsPerFrame} µs while the bot is quiet (pass-through), ${report.activeUsPerFrame} µs while it speaks over its echo (${report.activeCorePercent} % of a core per speaking bot)`,
    `   ${report.runs.length} runs at echo delays ${[...new Set(report.runs.map((r) => r.delayMs))].join("/")} ms, gains ${[...new Set(report.runs.map((r) => r.gain))].join("/")}:` +
      ` self-interruptions ${report.runs.reduce((n, r) => n + r.selfInterruptions, 0)}, own voice taken for speech ${report.runs.reduce((n, r) => n + r.ownVoiceSpeechStarts, 0)},` +
      ` people talking over the bot detected ${over.filter((r) => r.personInterrupted).length}/${over.length}, time to stop the bot ms ${stops.length ? `${Math.min(...stops)}–${Math.max(...stops)}` : "–"}`,
  ];
}
