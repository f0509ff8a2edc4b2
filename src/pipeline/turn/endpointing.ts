/**
 * @module pipeline/turn/endpointing
 * How long to wait, once the voice activity detector says a person stopped and the transcript is
 * in, before taking their turn as finished. A sentence that ends like a sentence (or a question)
 * waits only `completeDelayMs` (0 by default, so a one-to-one conversation is as quick as ever); one
 * left hanging ("…and", "…so the", a trailing comma) waits `incompleteDelayMs` for the rest.
 */
import type { TurnPolicy } from "../../core/turn-policy.js";
import { soundsUnfinished } from "./utterance-text.js";

export interface EndpointDecision {
  delayMs: number;
  reason: "complete" | "unfinished";
}

export function endpointDelay(text: string, endpointing: TurnPolicy["endpointing"]): EndpointDecision {
  if (soundsUnfinished(text)) return { delayMs: endpointing.incompleteDelayMs, reason: "unfinished" };
  return { delayMs: endpointing.completeDelayMs, reason: "complete" };
}
