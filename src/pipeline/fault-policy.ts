/**
 * @module pipeline/fault-policy
 * When an error inside a bot's pipeline ends the bot. The rule, for every stage alike:
 *
 * 1. An `error` frame marked `fatal` ends the bot at once: the stage itself says it cannot go on.
 * 2. Otherwise a stage that reports `STAGE_ERROR_LIMIT` errors within `STAGE_ERROR_WINDOW_MS` is
 *    broken, and that ends the bot too. A throw (or rejection) inside a stage counts as an error of
 *    that stage: the processor turns it into an error frame from that stage.
 *
 * Single errors are normal and the bot goes on: an LLM turn that failed is abandoned, a sentence
 * the TTS could not say is skipped, a speech-to-text session is reopened with a doubling backoff
 * (0.5, 1, 2, 4 s... so a dead recogniser alone never reaches the limit). A stage that throws on
 * every audio frame reaches it in half a second.
 */
import type { FrameOf } from "./frames.js";

export const STAGE_ERROR_LIMIT = 5;
export const STAGE_ERROR_WINDOW_MS = 5000;

export class StageFaultPolicy {
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Records one error; returns why the bot must fail, or `undefined` when the stage copes. */
  judge(error: FrameOf<"error">): string | undefined {
    const { source } = error;
    if (error.fatal) return `stage ${source} reported a fatal error: ${error.error.message}`;
    const now = this.now();
    const times = (this.recent.get(source) ?? []).filter((at) => now - at < STAGE_ERROR_WINDOW_MS);
    times.push(now);
    this.recent.set(source, times);
    if (times.length < STAGE_ERROR_LIMIT) return undefined;
    return `stage ${source} failed ${times.length} times within ${STAGE_ERROR_WINDOW_MS / 1000} s; last error: ${error.error.message}`;
  }
}
