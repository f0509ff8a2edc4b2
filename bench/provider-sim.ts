/**
 * @module bench/provider-sim
 * The meeting side of the scale benchmark, in its own process like a real provider: a MeetingBaas
 * emulator whose bots stream 16 kHz PCM in real time in 20 ms frames, each speaking a question every
 * few seconds. The fixed-delay STT/LLM/TTS servers run in a third process (bench/speech-fakes), so
 * neither this process's load nor the server's shows up as provider latency. It prints the emulator's
 * settings as one JSON line, and after `durationMs` a JSON report of the bots' voice as heard:
 * replies and late frames within the measured window, which the parent opens and closes with the
 * lines `window-start` and `window-end` on standard input.
 */
import { createInterface } from "node:readline";
import { loadSpeech } from "../test/fixtures/load-fixture.js";
import { startMeetingFake } from "./fakes.js";

const durationMs = Number(process.argv[2] ?? 20_000);
const periodMs = Number(process.argv[3] ?? 6000);
/** Each received frame is 20 ms; a reply is a run of frames with no pause longer than this. */
const FRAME_MS = 20;
const NEW_REPLY_MS = 400;
/** Timer jitter a real player absorbs without an audible gap. */
const TOLERANCE_MS = 2;

const fakes = await startMeetingFake();
fakes.baas.options.script = { participants: ["Alice"], connectDelayMs: 10, chunkSamples: 320 };
process.stdout.write(`${JSON.stringify({ env: fakes.env })}\n`);
const speech = await loadSpeech("weather-question");
const started = new Set<string>();
const window = { start: Number.POSITIVE_INFINITY, end: Number.POSITIVE_INFINITY };
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "window-start") window.start = performance.now();
  if (line === "window-end") window.end = performance.now();
});
const inWindow = (at: number) => at >= window.start && at <= window.end;

const driver = setInterval(() => {
  for (const [id, record] of fakes.baas.bots) {
    if (started.has(id) || !record.bot.connected) continue;
    started.add(id);
    const speak = () => !record.bot.left && record.bot.say(speech);
    setTimeout(() => {
      speak();
      setInterval(speak, periodMs).unref();
    }, Math.random() * periodMs).unref();
  }
}, 100);

setTimeout(() => {
  clearInterval(driver);
  let frames = 0;
  let late = 0;
  let replies = 0;
  // A player starts a reply when its first frame arrives and then needs frame i at start + i × 20 ms;
  // a frame that arrives after that moment is a gap in the bot's voice.
  for (const record of fakes.baas.bots.values()) {
    const times = record.bot.arrivals;
    let start = 0;
    let index = 0;
    for (let i = 0; i < times.length; i++) {
      const at = times[i] ?? 0;
      const counted = inWindow(at);
      if (counted) frames += 1;
      if (i === 0 || at - (times[i - 1] ?? 0) > NEW_REPLY_MS) {
        if (counted) replies += 1;
        start = at;
        index = 0;
      }
      if (at > start + index * FRAME_MS + TOLERANCE_MS) {
        if (counted) late += 1;
        start = at - index * FRAME_MS;
      }
      index += 1;
    }
  }
  process.stdout.write(`${JSON.stringify({ report: { bots: fakes.baas.bots.size, connected: started.size, frames, lateFrames: late, replies } })}\n`);
  void fakes.stop().then(() => process.exit(0));
}, durationMs);
