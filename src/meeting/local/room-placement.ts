/**
 * @module meeting/local/room-placement
 * Where a built-in room lives when several processes serve rooms (cluster mode): a room's people
 * and bots are in one process's memory, so a request for a room held elsewhere is redirected to
 * the public base URL of the process that holds it. A single server has no placement: every room
 * is here.
 */
export type RoomLocation = { here: true } | { here: false; baseUrl: string };

export interface RoomPlacement {
  /**
   * Where the room lives. Rooms are pinned when they are opened, not when looked at; `holdsItHere`
   * says this process has the room in memory. Throws an AppError when no process can hold it.
   */
  locate(room: string, holdsItHere: boolean): Promise<RoomLocation>;
  /** Pins a room this process is about to open to itself; where it lives when another holds it. */
  claim(room: string): Promise<RoomLocation>;
  /** The room was forgotten here (long idle): its pin goes. Never rejects. */
  release(room: string): void;
}

/** The URL of a room page or socket at another process, with the request's query kept. */
export function roomUrlAt(baseUrl: string, path: string, search: string): string {
  const target = new URL(`${baseUrl.replace(/\/+$/, "")}${path}`);
  target.search = search;
  return target.href;
}
