/**
 * @module bots/registry/recover-bots
 * What a starting server does with the bots the last one left in meetings (after a crash, SIGKILL
 * or power loss): each unfinished bot is resumed under its old stream id, or told to leave through
 * its provider with the key it was sent with. Nothing stays in a meeting without a server.
 */
import { ProviderError, errorMessage } from "../../core/errors.js";
import type { Logger } from "../../logger.js";
import type { ProviderRegistry } from "../../meeting/provider-registry.js";
import { backoffDelay } from "../../util/backoff.js";
import { retry } from "../../util/retry.js";
import type { BotManager } from "../bot-manager.js";
import type { BotStatus } from "../bot-request.js";
import type { BotStore } from "./bot-store.js";
import type { ResumableBot, SavedBot } from "./saved-bot.js";

/** `resume` rebuilds bots so the provider's redial is accepted; `leave` makes every one leave. */
export type RecoveryMode = "resume" | "leave";

export type RecoveryAction =
  | { kind: "resume"; bot: ResumableBot }
  | { kind: "leave"; reason: string }
  | { kind: "close"; status: Extract<BotStatus, "ended" | "failed">; reason: string };

export interface RecoveryDeps {
  store: Pick<BotStore, "unfinished" | "saveStatus">;
  bots: Pick<BotManager, "resume">;
  providers: Pick<ProviderRegistry, "named">;
  mode: RecoveryMode;
  serverApiKey: string | undefined;
  logger: Logger;
  /** First pause before retrying a failed leave call; it grows fourfold per attempt. */
  leaveRetryDelayMs?: number;
}

export interface RecoverySummary {
  resumed: number;
  left: number;
  /** Bots that could not be resumed and whose leave call failed: they may still be in a meeting. */
  leaveFailed: number;
  closed: number;
}

export interface Recovery {
  /** Client ids of the bots resumed (registered before this function returned). */
  resumed: string[];
  /** Settles once every leave call has been answered or has failed. */
  done: Promise<RecoverySummary>;
}

/** Decides, without side effects, what happens to one saved bot. */
export function recoveryAction(saved: SavedBot, mode: RecoveryMode): RecoveryAction {
  if (saved.provider === "local") return { kind: "close", status: "ended", reason: "the built-in room closed when the server stopped" };
  if (!saved.providerBotId) {
    return { kind: "close", status: "failed", reason: "the server stopped before the provider answered, so the provider's id for this bot is unknown" };
  }
  if (saved.status === "leaving") return { kind: "leave", reason: "it was leaving when the server stopped" };
  if (mode === "leave") return { kind: "leave", reason: "made to leave after a server restart (RECOVER_BOTS=leave)" };
  if (!saved.persona) return { kind: "leave", reason: "made to leave after a server restart: its persona could not be read back" };
  return { kind: "resume", bot: { ...saved, persona: saved.persona, providerBotId: saved.providerBotId } };
}

/**
 * Resumes or closes every unfinished bot. Resumed bots are registered before this returns, so the
 * caller starts listening only afterwards; leave calls continue in the background (`done`).
 */
export function recoverBots(deps: RecoveryDeps): Recovery {
  const { store, logger } = deps;
  const resumed: string[] = [];
  const leaving: Promise<boolean>[] = [];
  let closed = 0;
  for (const saved of store.unfinished()) {
    let action = recoveryAction(saved, deps.mode);
    if (action.kind === "resume") {
      try {
        deps.bots.resume(action.bot);
        resumed.push(saved.clientId);
        continue;
      } catch (error) {
        action = { kind: "leave", reason: `made to leave after a server restart: it could not be resumed (${errorMessage(error)})` };
      }
    }
    if (action.kind === "close") {
      store.saveStatus(saved.clientId, action.status, action.reason);
      logger.info({ clientId: saved.clientId, botId: saved.providerBotId, status: action.status, reason: action.reason }, "saved bot closed");
      closed += 1;
      continue;
    }
    store.saveStatus(saved.clientId, "leaving", null);
    leaving.push(leaveSaved(saved, action.reason, deps));
  }
  const done = Promise.all(leaving).then((outcomes) => {
    const summary = { resumed: resumed.length, left: outcomes.filter(Boolean).length, leaveFailed: outcomes.filter((ok) => !ok).length, closed };
    if (summary.resumed + summary.left + summary.leaveFailed + summary.closed > 0) logger.info(summary, "bots from before the restart recovered");
    return summary;
  });
  return { resumed, done };
}

/** Attempts at a leave call that failed for a reason worth retrying (network, 5xx, 429). */
const LEAVE_ATTEMPTS = 3;
const LEAVE_RETRY_DELAY_MS = 1000;

/** Tells the provider to take one saved bot out; resolves whether it is out (never rejects). */
async function leaveSaved(saved: SavedBot, reason: string, deps: RecoveryDeps): Promise<boolean> {
  const botId = saved.providerBotId ?? saved.clientId;
  const log = deps.logger.child({ clientId: saved.clientId, botId });
  const record = (status: BotStatus, why: string | null) => {
    try {
      deps.store.saveStatus(saved.clientId, status, why);
    } catch (error) {
      log.error({ err: errorMessage(error), status }, "could not update the bot registry");
    }
  };
  const provider = deps.providers.named(saved.provider);
  if (!provider) {
    record("failed", `could not make it leave: this server has no meeting provider named ${saved.provider}`);
    log.error({ provider: saved.provider }, "saved bot's provider is not configured; it may still be in its meeting");
    return false;
  }
  const firstPause = deps.leaveRetryDelayMs ?? LEAVE_RETRY_DELAY_MS;
  try {
    // The key it was sent with, else the server's own key for that provider.
    const apiKey = saved.apiKey ?? provider.credentials?.serverKey ?? (saved.provider === "meetingbaas" ? deps.serverApiKey : undefined);
    await retry(() => provider.leave(botId, apiKey), {
      attempts: LEAVE_ATTEMPTS,
      delayMs: (error, attempt) => (!alreadyGone(error) && retryable(error) ? backoffDelay({ initialMs: firstPause, maxMs: firstPause * 16, factor: 4 }, attempt) : undefined),
    });
    record("ended", reason);
    log.info({ reason }, "saved bot told to leave its meeting");
    return true;
  } catch (error) {
    if (alreadyGone(error)) {
      record("ended", `${reason}; the provider had already ended it`);
      log.info("saved bot had already left its meeting");
      return true;
    }
    record("failed", `could not make it leave: ${errorMessage(error)}`);
    log.error({ err: errorMessage(error) }, "saved bot could not be told to leave; it may still be in its meeting");
    return false;
  }
}

/** The provider no longer knows the bot, or it has already finished. */
function alreadyGone(error: unknown): boolean {
  return error instanceof ProviderError && (error.statusCode === 404 || error.statusCode === 409 || error.statusCode === 410);
}

function retryable(error: unknown): boolean {
  return !(error instanceof ProviderError) || error.retryable;
}
