/**
 * @module bots/cluster/leave-provider-bot
 * Removes a bot another worker left behind (it died, or handed the bot over) from its meeting,
 * through the provider, with the key the bot was sent with. A bot the provider no longer knows or
 * has already ended is out, which is all that matters.
 */
import { ProviderError, errorMessage } from "../../core/errors.js";
import type { Logger } from "../../logger.js";
import type { MeetingProvider } from "../../meeting/meeting-provider.js";
import { backoffDelay } from "../../util/backoff.js";
import { retry } from "../../util/retry.js";

const ATTEMPTS = 3;
const RETRY_DELAY_MS = 500;

/** Resolves whether the bot is out of its meeting; never rejects. */
export async function leaveProviderBot(provider: MeetingProvider, providerBotId: string, apiKey: string | undefined, logger: Logger): Promise<boolean> {
  try {
    await retry(() => provider.leave(providerBotId, apiKey), {
      attempts: ATTEMPTS,
      delayMs: (error, attempt) => (!alreadyGone(error) && retryable(error) ? backoffDelay({ initialMs: RETRY_DELAY_MS, maxMs: RETRY_DELAY_MS * 4 }, attempt) : undefined),
    });
    return true;
  } catch (error) {
    if (alreadyGone(error)) return true;
    logger.error({ providerBotId, err: errorMessage(error) }, "could not remove a bot left behind by another worker; it may still be in its meeting");
    return false;
  }
}

function alreadyGone(error: unknown): boolean {
  return error instanceof ProviderError && [404, 409, 410].includes(error.statusCode ?? 0);
}

function retryable(error: unknown): boolean {
  return !(error instanceof ProviderError) || error.retryable;
}
