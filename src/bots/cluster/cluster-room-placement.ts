/**
 * @module bots/cluster/cluster-room-placement
 * The built-in rooms' placement for one cluster process: a room pinned to this process's worker is
 * here; any other room is at its worker's registered BASE_URL (never anywhere a request names). An
 * API node holds no rooms, so every room it is asked about is pinned to a worker and redirected.
 */
import { AppError, errorMessage } from "../../core/errors.js";
import type { Logger } from "../../logger.js";
import type { RoomLocation, RoomPlacement } from "../../meeting/local/room-placement.js";
import { type RoomPins, isHttpUrl } from "./room-pins.js";

export class ClusterRoomPlacement implements RoomPlacement {
  constructor(
    private readonly pins: RoomPins,
    /** This process's worker id; undefined on an API node. */
    private readonly workerId: string | undefined,
    private readonly logger: Logger,
  ) {}

  async locate(room: string, holdsItHere: boolean): Promise<RoomLocation> {
    const holder = await this.pins.pin(room, holdsItHere ? this.workerId : undefined);
    if (holder.id === this.workerId) return { here: true };
    // Only a worker's own registered BASE_URL is ever a redirect target.
    if (!isHttpUrl(holder.baseUrl)) throw new AppError("NO_WORKER_AVAILABLE", `The worker holding the room "${room}" has no usable BASE_URL`, { retryable: true });
    return { here: false, baseUrl: holder.baseUrl };
  }

  async claim(room: string): Promise<RoomLocation> {
    if (!this.workerId) {
      throw new AppError("ROOM_ACCESS_DENIED", "An API node holds no rooms: open a room by sending a bot to …/meet/<room> with POST /bots; its meeting_link is the room's link", {
        status: 409,
      });
    }
    const holder = await this.pins.claim(room, this.workerId);
    if (holder === this.workerId) return { here: true };
    const worker = await this.pins.holder(room);
    if (!worker) throw new AppError("NO_WORKER_AVAILABLE", `The worker holding the room "${room}" just stopped; retry`, { retryable: true });
    return { here: false, baseUrl: worker.baseUrl };
  }

  release(room: string): void {
    const workerId = this.workerId;
    if (!workerId) return;
    this.pins.release(room, workerId).catch((error: unknown) => this.logger.warn({ room, err: errorMessage(error) }, "could not unpin a forgotten room"));
  }
}
