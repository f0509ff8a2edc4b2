/**
 * @module bots/cluster/redis-bot-registry
 * What a worker's bot manager writes its bots into in cluster mode, in place of the SQLite file:
 * the same calls (launch, provider id, status), recorded on the cluster record of the bot being
 * placed. The placement runs the launch inside `within(botId, …)`; AsyncLocalStorage carries that
 * bot id through the manager's awaits to `saveLaunch`, so the manager needs no cluster knowledge.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { errorMessage } from "../../core/errors.js";
import type { Logger } from "../../logger.js";
import { SerialQueue } from "../../util/serial-queue.js";
import type { BotStatus } from "../bot-request.js";
import type { BotRegistry } from "../registry/bot-store.js";
import type { NewSavedBot, SavedBot } from "../registry/saved-bot.js";
import type { ClusterRegistry } from "./cluster-registry.js";

interface Placed {
  botId: string;
  tenant: string | undefined;
}

export class RedisBotRegistry implements BotRegistry {
  private readonly placing = new AsyncLocalStorage<{ botId: string }>();
  private readonly byClientId = new Map<string, Placed>();
  /** Writes run one after another, so a bot's status never lands before its launch. */
  private readonly writes = new SerialQueue();

  constructor(
    private readonly registry: ClusterRegistry,
    private readonly workerId: string,
    private readonly logger: Logger,
  ) {}

  /** Runs a launch whose bot belongs to the cluster record `botId`. */
  within<T>(botId: string, launch: () => Promise<T>): Promise<T> {
    return this.placing.run({ botId }, launch);
  }

  /** The cluster bot a local stream id belongs to. */
  botIdOf(clientId: string): string | undefined {
    return this.byClientId.get(clientId)?.botId;
  }

  /** Resolves once every write issued so far has reached Redis (or failed and been logged). */
  flush(): Promise<void> {
    return this.writes.idle();
  }

  saveLaunch(bot: NewSavedBot): void {
    const placing = this.placing.getStore();
    if (!placing) {
      this.logger.error({ clientId: bot.clientId }, "a bot was launched outside a cluster placement; the cluster registry does not know it");
      return;
    }
    this.byClientId.set(bot.clientId, { botId: placing.botId, tenant: bot.tenant });
    this.write(() => this.registry.notePendingLaunch(placing.botId, { clientId: bot.clientId, provider: bot.provider, botName: bot.botName, persona: bot.persona }));
  }

  saveProviderId(clientId: string, providerBotId: string): void {
    const placed = this.byClientId.get(clientId);
    if (placed) this.write(() => this.registry.notePendingProviderId(placed.botId, clientId, providerBotId));
  }

  saveStatus(clientId: string, status: BotStatus, lastError: string | null): void {
    const placed = this.byClientId.get(clientId);
    if (!placed) return;
    if (status === "ended" || status === "failed") this.byClientId.delete(clientId);
    this.write(() => this.registry.reportStatus({ botId: placed.botId, tenant: placed.tenant, worker: this.workerId, clientId, status, lastError }));
  }

  /** Status queries go to API nodes, which read the cluster registry; a worker keeps no history. */
  find(_botId: string): SavedBot | undefined {
    return undefined;
  }

  recentFinished(): SavedBot[] {
    return [];
  }

  private write(action: () => Promise<void>): void {
    this.writes.run(action).catch((error: unknown) => {
      this.logger.error({ err: errorMessage(error) }, "could not update the cluster registry");
    });
  }
}
