/**
 * @module bench/provider-sim
 * The meeting side of the scale benchmark, in its own process like a real provider: a MeetingBaas
 * emulator whose bots stream 16 kHz PCM in real time in 20 ms frames, each speaking a question every
 * few seconds, plus the fixed-delay STT/LLM/TTS servers. It prints the servers' settings as one JSON
 * line, and after `durationMs` a JSON report of the bots' voice as heard: replies and late frames.
 */
import { loadSpeech } from "../test/fixtures/load-fixture.js";
import { startFakes } from "./fakes.js";

const durationMs = Number(process.argv[2] ?? 20_000);
const periodMs = Number(process.argv[3] ?? 6000);
/** Frames are 20 ms and the server keeps a 40 ms lead: a longer wait than this starves the player. */
const LATE_MS = 60;
const NEW_REPLY_MS = 400;

const fakes = await startFakes();
fakes.baas.options.script = { participants: ["Alice"], connectDelayMs: 10, chunkSamples: 320 };
process.stdout.write(`${JSON.stringify({ env: fakes.env })}\n`);
const speech = await loadSpeech("weather-question");
const started = new Set<string>();

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
  for (const record of fakes.baas.bots.values()) {
    const times = record.bot.arrivals;
    frames += times.length;
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
      if (gap > NEW_REPLY_MS) replies += 1;
      else if (gap > LATE_MS) late += 1;
    }
    if (times.length) replies += 1;
  }
  process.stdout.write(`${JSON.stringify({ report: { bots: fakes.baas.bots.size, connected: started.size, frames, lateFrames: late, replies } })}\n`);
  void fakes.stop().then(() => process.exit(0));
}, durationMs);
