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
import type { WorkerView } from "./worker-presence.js";

export class ClusterRoomPlacement implements RoomPlacement {
  constructor(
    private readonly pins: RoomPins,
    /** This process's worker id; undefined on an API node. */
    private readonly workerId: string | undefined,
    private readonly logger: Logger,
  ) {}

  /**
   * A look at a room (its page or socket) pins nothing: every room that exists was pinned when it
   * was opened (by a bot or from the page), so an unpinned room exists nowhere and a stream of
   * requests for made-up names cannot fill Redis. A worker that still holds a room whose pin is
   * gone (a Redis that lost its data) pins it back to itself.
   */
  async locate(room: string, holdsItHere: boolean): Promise<RoomLocation> {
    const holder = await this.pins.holder(room);
    if (holder) return this.at(room, holder);
    if (this.workerId) return holdsItHere ? this.claim(room) : { here: true };
    // An API node shows the page of a room nobody holds on the worker that would take it.
    return this.at(room, await this.pins.candidate(room));
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
    return this.at(room, worker);
  }

  private at(room: string, worker: WorkerView): RoomLocation {
    if (worker.id === this.workerId) return { here: true };
    // Only a worker's own registered BASE_URL is ever a redirect target.
    if (!isHttpUrl(worker.baseUrl)) throw new AppError("NO_WORKER_AVAILABLE", `The worker holding the room "${room}" has no usable BASE_URL`, { retryable: true });
    return { here: false, baseUrl: worker.baseUrl };
  }

  release(room: string): void {
    const workerId = this.workerId;
    if (!workerId) return;
    this.pins.release(room, workerId).catch((error: unknown) => this.logger.warn({ room, err: errorMessage(error) }, "could not unpin a forgotten room"));
  }
}
