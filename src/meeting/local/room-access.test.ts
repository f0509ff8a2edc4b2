import { describe, expect, it } from "vitest";
import { AppError } from "../../core/errors.js";
import { RoomAccess } from "./room-access.js";

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("RoomAccess", () => {
  it("creates an unguessable token per room and admits only that token", () => {
    const access = new RoomAccess({ inUse: () => false });
    const a = access.create("a");
    const b = access.create("b");
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(a).not.toBe(b);
    expect(access.admits("a", a)).toBe(true);
    expect(access.admits("a", b)).toBe(false);
    expect(access.admits("a", `${a}x`)).toBe(false);
    expect(access.admits("a", undefined)).toBe(false);
    expect(access.admits("nope", a)).toBe(false);
  });

  it("opens a new room for a tokenless bot, refuses a tokenless one into an existing room and a wrong token", () => {
    const access = new RoomAccess({ inUse: () => false });
    const token = access.enter("r", undefined);
    expect(access.enter("r", token)).toBe(token);
    expect(() => access.enter("r", undefined)).toThrow(expect.objectContaining({ code: "ROOM_ACCESS_DENIED", status: 409 }));
    expect(() => access.enter("r", "wrong")).toThrow(expect.objectContaining({ code: "ROOM_ACCESS_DENIED", status: 403 }));
  });

  it("forgets an empty room once idle for long enough, never one in use", () => {
    const time = clock();
    const busy = new Set(["busy"]);
    const access = new RoomAccess({ inUse: (room) => busy.has(room), idleMs: 1000, now: time.now });
    const idleToken = access.create("idle");
    access.create("busy");
    time.advance(500);
    access.prune();
    expect(access.admits("idle", idleToken)).toBe(true);
    time.advance(1500);
    access.prune();
    expect(access.exists("idle")).toBe(false);
    expect(access.exists("busy")).toBe(true);
    busy.clear();
    time.advance(900);
    access.prune();
    expect(access.exists("busy")).toBe(true);
    time.advance(200);
    access.prune();
    expect(access.size).toBe(0);
  });

  it("bounds the number of rooms with a retryable refusal", () => {
    const access = new RoomAccess({ inUse: () => true, maxRooms: 3 });
    for (const room of ["a", "b", "c"]) access.create(room);
    const error = (() => {
      try {
        access.create("d");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "ROOMS_EXHAUSTED", status: 503, retryable: true });
  });
});
