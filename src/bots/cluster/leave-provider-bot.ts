/**
 * @module bots/cluster/leave-provider-bot
 * Removes a bot another worker left behind (it died, or handed the bot over) from its meeting,
 * through the provider, with the key the bot was sent with. A bot the provider no longer knows or
 * has already ended is out, which is all that matters.
 */
import { setTimeout as delay } from "node:timers/promises";
import { ProviderError, errorMessage } from "../../core/errors.js";
import type { Logger } from "../../logger.js";
import type { MeetingProvider } from "../../meeting/meeting-provider.js";

const ATTEMPTS = 3;
const RETRY_DELAY_MS = 500;

/** Resolves whether the bot is out of its meeting; never rejects. */
export async function leaveProviderBot(provider: MeetingProvider, providerBotId: string, apiKey: string | undefined, logger: Logger): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await provider.leave(providerBotId, apiKey);
      return true;
    } catch (error) {
      if (error instanceof ProviderError && [404, 409, 410].includes(error.statusCode ?? 0)) return true;
      const retryable = !(error instanceof ProviderError) || error.retryable;
      if (attempt < ATTEMPTS && retryable) {
        await delay(RETRY_DELAY_MS * attempt);
        continue;
      }
      logger.error({ providerBotId, err: errorMessage(error) }, "could not remove a bot left behind by another worker; it may still be in its meeting");
      return false;
    }
  }
}
