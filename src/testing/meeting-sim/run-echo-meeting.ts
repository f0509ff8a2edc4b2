/**
 * @module testing/meeting-sim/run-echo-meeting
 * A bot that hears itself: the whole bot pipeline (echo suppression, Silero VAD, barge-in, audio
 * output…) in a meeting whose mix plays the bot's own voice back at a delay and gain, with or
 * without a person talking over it. The meeting runs in lock-step on the caller's clock: 20 ms of
 * mixed audio in, the clock moved on 20 ms, then a wait until the VAD has scored what it got, so a
 * busy machine changes nothing. Each run reports whether the bot interrupted itself, whether the
 * person's interruption was detected, and how long the bot took to fall silent.
 */
import { silentLogger } from "../../logger.js";
import { BotPipeline } from "../../pipeline/bot-pipeline.js";
import { type EchoSuppressionMode, resolveTurnPolicy } from "../../core/turn-policy.js";
import type { VoiceActivityModel } from "../../services/vad/voice-activity.js";
import { EchoMix } from "./echo-mix.js";
import { DeafSpeechToText, RecordedVoice } from "./echo-engines.js";
import { SIM_DELAYS, ScriptedLanguageModel } from "./sim-engines.js";

const RATE = 16000;
const STEP_MS = 20;
/** How long after the bot falls silent the run goes on, to catch a late echo. */
const AFTER_MS = 1500;

export interface EchoRun {
  delayMs: number;
  gain: number;
  /** A person starts talking this long after the bot's first frame; none when undefined. */
  personAfterMs?: number;
  mode: EchoSuppressionMode;
}

export interface EchoRunResult extends EchoRun {
  /** Interruptions before any person spoke: the bot stopped by its own voice. */
  selfInterruptions: number;
  /** Speech starts the VAD reported before any person spoke. */
  ownVoiceSpeechStarts: number;
  /** A person spoke and the bot was interrupted after they began. */
  personInterrupted: boolean | null;
  /** From the person's first word to the bot's last frame sent. */
  stopMs: number | null;
  echoDelayFoundMs: number | null;
}

export interface EchoVoices {
  /** What the bot says (real speech, at 16 kHz). */
  bot: Int16Array;
  /** What the person says over it. */
  person: Int16Array;
}

export async function runEchoMeeting(run: EchoRun, voices: EchoVoices, vadModel: VoiceActivityModel, advance: (ms: number) => Promise<unknown>): Promise<EchoRunResult> {
  const mix = new EchoMix({ delayMs: run.delayMs, gain: run.gain, noise: 20 });
  const sent: number[] = [];
  const failures: Error[] = [];
  const pipeline = new BotPipeline({
    botId: "echo-sim",
    streamSampleRate: RATE,
    persona: { key: "sim", name: "Sam", systemPrompt: "Be brief.", entryMessage: "Here is the weekly update for everyone.", voiceId: undefined, gender: "male", language: "en-US", image: undefined, chosenBy: "test" },
    enableTools: false,
    sendAudio: (pcm) => {
      sent.push(performance.now());
      mix.botSent(pcm);
    },
    onFatal: (error) => failures.push(error),
    services: {
      vadModel,
      stt: new DeafSpeechToText(),
      llm: new ScriptedLanguageModel(),
      tts: new RecordedVoice(voices.bot),
      tools: [],
      vadParams: { threshold: 0.5, minSpeechMs: SIM_DELAYS.vadStartMs, minSilenceMs: SIM_DELAYS.vadStopMs, minVolume: 0.6 },
    },
    logger: silentLogger,
    maxContextMessages: 20,
    weatherApiUrl: "http://127.0.0.1:9",
    // The recogniser here hears no words, so every interruption would count as a false alarm and
    // the reply resume; that is not what is measured.
    turnPolicy: resolveTurnPolicy({ echo_suppression: run.mode, interruption: { resume_false_interruption: false } }),
  });
  const interruptions: number[] = [];
  let speechStarts = 0;
  let personAt: number | undefined;
  const step = async () => {
    pipeline.pushAudio(mix.next((RATE * STEP_MS) / 1000));
    await advance(STEP_MS);
    await pipeline.vad.settled();
    const at = pipeline.bargeIn.lastInterruptionAt;
    if (at !== undefined && at !== interruptions.at(-1)) interruptions.push(at);
    const started = pipeline.vad.lastSpeechStartAt;
    if (started !== undefined && personAt === undefined && started !== lastStart) speechStarts += 1;
    lastStart = started;
  };
  let lastStart: number | undefined;
  try {
    await pipeline.start();
    for (let t = 0; t < 500; t += STEP_MS) await step();
    pipeline.admitted();
    for (let t = 0; t < 2000 && sent.length === 0; t += STEP_MS) await step();
    const firstFrame = sent[0] ?? performance.now();
    for (let quiet = 0; quiet < AFTER_MS; quiet += STEP_MS) {
      if (run.personAfterMs !== undefined && personAt === undefined && performance.now() - firstFrame >= run.personAfterMs) {
        personAt = performance.now();
        mix.say(voices.person);
      }
      await step();
      if (pipeline.isSpeaking() || mix.personSpeaking) quiet = 0;
    }
  } finally {
    await pipeline.stop();
  }
  if (failures.length) throw failures[0];
  const before = personAt ?? Number.POSITIVE_INFINITY;
  const after = interruptions.find((t) => t >= before);
  // The bot has fallen silent with the last frame it sent up to one frame after the interruption.
  const lastSent = after === undefined ? undefined : sent.filter((t) => t <= after + STEP_MS).at(-1);
  return {
    ...run,
    selfInterruptions: interruptions.filter((t) => t < before).length,
    ownVoiceSpeechStarts: speechStarts,
    personInterrupted: personAt === undefined ? null : after !== undefined,
    stopMs: personAt !== undefined && after !== undefined && lastSent !== undefined ? Math.round(lastSent - personAt) : null,
    echoDelayFoundMs: pipeline.echo.delayMs(pipeline.ownVoice) ?? null,
  };
}
