/**
 * @module server/readiness
 * Whether this server can take a bot right now, and if not why: every speech provider configured,
 * the voice activity model loaded, fewer bots than MAX_BOTS, and not shutting down. `/health` says
 * the process is alive; this says a new bot would work.
 */
import type { SpeechServices } from "../services/speech-services.js";
import type { ProviderPlan } from "../services/select-providers.js";

export interface ReadinessInputs {
  plan: ProviderPlan;
  speech: Pick<SpeechServices, "vadModel">;
  maxBots: number;
  activeBots: () => number;
  acceptingBots: () => boolean;
}

export interface Readiness {
  ready: boolean;
  /** One sentence per thing in the way; empty when ready. */
  reasons: string[];
  bots: { running: number; max: number };
}

export function checkReadiness(inputs: ReadinessInputs): Readiness {
  const reasons: string[] = [];
  for (const [stage, choice] of [["speech-to-text", inputs.plan.stt], ["language model", inputs.plan.llm], ["text-to-speech", inputs.plan.tts]] as const) {
    if (choice.name === "none") reasons.push(`no ${stage} provider: ${choice.missing.join(", ")}`);
  }
  const vad = inputs.speech.vadModel;
  if (!vad || !(vad.windowSamples > 0) || !(vad.sampleRate > 0)) reasons.push("the voice activity model is not loaded");
  const running = inputs.activeBots();
  if (running >= inputs.maxBots) reasons.push(`at capacity: ${running} of ${inputs.maxBots} bots running (MAX_BOTS)`);
  if (!inputs.acceptingBots()) reasons.push("shutting down: no new bots");
  return { ready: reasons.length === 0, reasons, bots: { running, max: inputs.maxBots } };
}
