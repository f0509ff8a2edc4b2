/**
 * @module bots/cluster/placement-runner
 * What a worker does with a placement job: launch the bot here with this worker's BASE_URL (so
 * the provider's audio stream connects straight to the pipeline), commit the placement in the
 * registry, then remove whatever bot an earlier placement left in the meeting (a dead worker's, a
 * draining worker's, or a half-made one). A full or overloaded worker refuses the job, and so does
 * one busier than another live worker while the job is fresh, so bots spread over the cluster.
 * A bot for a built-in room is placed only on the worker the room is pinned to (and never spread).
 */
import { DelayedError, type Job } from "bullmq";
import { AppError, errorMessage } from "../../core/errors.js";
import type { Logger } from "../../logger.js";
import type { MeetingProvider } from "../../meeting/meeting-provider.js";
import type { BotManager } from "../bot-manager.js";
import { type ClusterBotRecord, isFinalStatus } from "./cluster-bot-record.js";
import type { ClusterRegistry } from "./cluster-registry.js";
import { leaveProviderBot } from "./leave-provider-bot.js";
import { type Placement, type PlacementOutcome, placementSchema } from "./placement-jobs.js";
import type { RedisBotRegistry } from "./redis-bot-registry.js";
import { roomOfPlacement } from "./room-bot-requests.js";
import type { RoomPins } from "./room-pins.js";
import type { WorkerCapacity } from "./worker-capacity.js";
import type { WorkerView } from "./worker-presence.js";

/** A refused job comes back this much later, for another worker (or this one, with room again). */
const REFUSED_RETRY_MS = 250;
/** A job this old goes to whichever worker has room, even a busier one. */
const SPREAD_WINDOW_MS = 2000;

export interface PlacementRunnerOptions {
  workerId: string;
  bots: Pick<BotManager, "launch" | "leave" | "meetingLinkOf">;
  registry: ClusterRegistry;
  records: RedisBotRegistry;
  pins: Pick<RoomPins, "pinnedTo">;
  capacity: WorkerCapacity;
  /** The provider a record names, to remove bots left behind. */
  provider: (name: string) => MeetingProvider | undefined;
  serverApiKey: string | undefined;
  /** Every live worker's load, to leave a fresh job to a less busy one. */
  liveWorkers: () => Promise<WorkerView[]>;
  /** Called when this worker's load changed. */
  loadChanged: () => void;
  logger: Logger;
}

export class PlacementRunner {
  constructor(private readonly options: PlacementRunnerOptions) {}

  /** The BullMQ processor. */
  async process(job: Job<Placement, PlacementOutcome>, token: string | undefined): Promise<PlacementOutcome> {
    const placement = placementSchema.parse(job.data);
    const record = await this.options.registry.get(placement.botId);
    if (!record) return { ok: false, code: "BOT_NOT_FOUND", status: 404, message: `No bot with id ${placement.botId}` };
    if (record.launches >= placement.launch) return { ok: true, skipped: "this placement already ran" };
    if (isFinalStatus(record.status)) return { ok: true, skipped: `the bot has ${record.status}` };
    const slot = this.options.capacity.admit();
    if (!slot.ok) return this.refuse(job, token, slot.reason);
    try {
      if (placement.room === undefined && Date.now() - job.timestamp < SPREAD_WINDOW_MS && (await this.lessBusyWorkerExists())) {
        return await this.refuse(job, token, "another worker runs fewer bots");
      }
      this.options.loadChanged();
      return await this.place(placement, record);
    } finally {
      slot.release();
      this.options.loadChanged();
    }
  }

  private async place(placement: Placement, record: ClusterBotRecord): Promise<PlacementOutcome> {
    const { registry, workerId, logger } = this.options;
    const log = logger.child({ botId: record.botId, placement: placement.launch, reason: placement.reason });
    // Bots an earlier placement left in the meeting: its committed one when moving, and a half-made one.
    const leftBehind = [placement.launch > 1 ? record.providerBotId : undefined, await registry.pendingProviderId(record.botId)].filter(
      (id): id is string => id !== undefined && id !== "",
    );
    if (record.provider === "local" && placement.launch > 1) {
      // A built-in room lives in its worker's memory: it closed with that worker.
      await registry.close(record, "ended", "the built-in room closed when its worker stopped");
      return { ok: true, skipped: "built-in room closed" };
    }
    if (record.leaveRequested) {
      await this.removeLeftBehind(record, leftBehind, log);
      await registry.close(record, "ended", "asked to leave before it was placed");
      return { ok: false, code: "BOT_NOT_FOUND", status: 404, message: `Bot ${record.botId} was asked to leave before it joined` };
    }
    const room = roomOfPlacement(placement, record.request, this.options.provider("local"));
    if (room !== undefined && (await this.options.pins.pinnedTo(room)) !== workerId) {
      // Its people and its other bots are on the worker holding the room: a bot made here would be alone.
      const message = `meeting_url: the room "${room}" is held by another worker of this cluster; send the bot through an API node`;
      log.warn({ room }, "room bot refused: the room is not pinned to this worker");
      await registry.close(record, "failed", message);
      return { ok: false, code: "ROOM_ACCESS_DENIED", status: 409, message };
    }
    let launched: Awaited<ReturnType<BotManager["launch"]>>;
    try {
      launched = await this.options.records.within(record.botId, () =>
        this.options.bots.launch(record.request, {
          apiKey: record.apiKey,
          tenant: record.tenant,
          mayUseServerKey: record.mayUseServerKey,
          headers: {},
          encrypted: false,
          persona: record.persona,
        }),
      );
    } catch (error) {
      await this.options.records.flush();
      const outcome = failureOutcome(error);
      const reason = placement.launch > 1 ? `could not be relaunched after worker ${placement.from ?? "?"} stopped: ${outcome.message}` : outcome.message;
      log.warn({ err: outcome.message }, "placement failed");
      await this.removeLeftBehind(record, leftBehind, log);
      await registry.close(record, "failed", reason);
      return outcome;
    }
    await this.options.records.flush();
    const providerBotId = launched.providerBotId ?? launched.id;
    const committed = await registry.commitPlacement({
      botId: record.botId,
      launch: placement.launch,
      worker: workerId,
      clientId: launched.settings.clientId,
      providerBotId,
      move: placement.launch > 1 && placement.reason !== "launch" ? { from: placement.from ?? record.worker ?? "?", reason: placement.reason, oldProviderBotId: record.providerBotId } : undefined,
    });
    if (!committed) {
      // The bot finished meanwhile, or this placement ran elsewhere too: the bot made here is one too many.
      log.warn("placement no longer wanted; the bot just launched leaves");
      await this.options.bots.leave(launched.settings.clientId);
      return { ok: true, skipped: "the placement was no longer wanted" };
    }
    // The new bot is in before the old one leaves: the meeting is never without this bot's pipeline.
    await this.removeLeftBehind(record, leftBehind, log);
    if ((await registry.get(record.botId))?.leaveRequested) await this.options.bots.leave(launched.settings.clientId);
    log.info({ worker: workerId, providerBotId, from: placement.from }, placement.launch > 1 ? "bot moved to this worker" : "bot placed on this worker");
    const pipecat = launched.pipecatAccess();
    return { ok: true, worker: workerId, providerBotId, meetingLink: this.options.bots.meetingLinkOf(launched), ...(pipecat && { pipecat }) };
  }

  private async removeLeftBehind(record: ClusterBotRecord, providerBotIds: string[], log: Logger): Promise<void> {
    if (providerBotIds.length === 0) return;
    const provider = this.options.provider(record.provider ?? "meetingbaas");
    if (!provider) {
      log.error({ provider: record.provider }, "this worker has no such meeting provider; the bots left behind may still be in their meeting");
      return;
    }
    for (const id of providerBotIds) {
      if (await leaveProviderBot(provider, id, record.apiKey ?? this.options.serverApiKey, log)) log.info({ providerBotId: id }, "bot left behind removed from its meeting");
    }
  }

  private async lessBusyWorkerExists(): Promise<boolean> {
    const mine = this.options.capacity.active - 1;
    const others = await this.options.liveWorkers();
    return others.some((worker) => worker.id !== this.options.workerId && worker.accepting && worker.active < worker.capacity && worker.active < mine);
  }

  /** Gives the job back: it returns to the queue shortly, for whichever worker has room. */
  private async refuse(job: Job<Placement, PlacementOutcome>, token: string | undefined, reason: string): Promise<never> {
    this.options.logger.debug({ job: job.id, reason }, "placement refused");
    await job.moveToDelayed(Date.now() + REFUSED_RETRY_MS, token);
    throw new DelayedError(reason);
  }
}

function failureOutcome(error: unknown): Extract<PlacementOutcome, { ok: false }> {
  if (error instanceof AppError) return { ok: false, code: error.code, status: error.status, message: error.message };
  return { ok: false, code: "INTERNAL", status: 500, message: errorMessage(error) };
}
