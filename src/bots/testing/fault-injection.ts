/**
 * @module bots/testing/fault-injection
 * Breaks one part of one running bot on purpose, to prove a failure stays inside that bot: a stage
 * of its voice pipeline, or a method of its Pipecat relay or recorder. The method is replaced on
 * that one object only, so every other bot keeps the real code.
 */
import type { FrameProcessor } from "../../pipeline/processor.js";
import type { Bot } from "../bot.js";

export type FaultMode = "throw" | "reject";

export class InjectedFault extends Error {
  override readonly name = "InjectedFault";
}

/** Makes every call of `method` on `target` fail: a synchronous throw, or a rejected promise. */
export function injectFault(target: object, method: string, mode: FaultMode, label = method): void {
  const holder = target as Record<string, unknown>;
  if (typeof holder[method] !== "function") throw new Error(`${target.constructor.name} has no method ${method} to break`);
  const message = `injected ${mode} in ${label}`;
  holder[method] =
    mode === "throw"
      ? () => {
          throw new InjectedFault(message);
        }
      : () => Promise.reject(new InjectedFault(message));
}

/** The stage called `name` of a bot driven by the built-in voice pipeline. */
export function stageOf(bot: Bot, name: string): FrameProcessor {
  const engine = bot.engine as { stages?: readonly FrameProcessor[] } | undefined;
  const stage = engine?.stages?.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`bot ${bot.id} has no pipeline stage ${name}`);
  return stage;
}

/** Makes one stage of one bot's pipeline fail on every frame it handles from now on. */
export function breakStage(bot: Bot, name: string, mode: FaultMode): void {
  injectFault(stageOf(bot, name), "processFrame", mode, `stage ${name}`);
}
