/**
 * @module bots/group/floor-store
 * Where the floors of the meeting groups live: in this process (the default), or in Redis when
 * bots of one meeting may run in several processes (see redis-floor).
 */
import { type Floor, InProcessFloor } from "../../pipeline/turn/floor.js";

export interface FloorStore {
  /** The floor of one meeting group; the same object for the same key until `forget`. */
  floorFor(key: string): Floor;
  /** No bot of this process is in the group any more. */
  forget(key: string): void;
  /** Frees connections and timers; safe to call more than once. */
  close(): Promise<void>;
}

export class InProcessFloorStore implements FloorStore {
  private readonly floors = new Map<string, InProcessFloor>();

  floorFor(key: string): Floor {
    let floor = this.floors.get(key);
    if (!floor) {
      floor = new InProcessFloor();
      this.floors.set(key, floor);
    }
    return floor;
  }

  forget(key: string): void {
    this.floors.delete(key);
  }

  async close(): Promise<void> {
    this.floors.clear();
  }
}
