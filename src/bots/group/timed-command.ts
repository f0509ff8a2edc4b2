/**
 * @module bots/group/timed-command
 * One Redis call for the meeting groups, bounded in time: a bot deciding whether to speak cannot
 * wait on a Redis that has gone away. A failure or a late answer is reported and reads as undefined,
 * which each caller turns into its safe answer (floor busy, claim lost).
 */
import { errorMessage } from "../../core/errors.js";

/** A command slower than this is given up on. */
export const COMMAND_TIMEOUT_MS = 1000;

export async function timedCommand<T>(what: string, call: () => Promise<T>, onError: (error: string) => void, timeoutMs = COMMAND_TIMEOUT_MS): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([call(), late]);
    if (outcome === "late") {
      onError(`could not ${what}: Redis did not answer within ${timeoutMs} ms`);
      return undefined;
    }
    return outcome;
  } catch (error) {
    onError(`could not ${what}: ${errorMessage(error)}`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
