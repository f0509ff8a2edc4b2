/**
 * A crowd joining one built-in room at once (200 people, with bots in it that hear every roster
 * change) must not stall the audio of anyone else: a person in another room keeps receiving the mix
 * every 20 ms throughout. Roster updates are batched on the mixer clock rather than sent per join
 * (room.test.ts counts the messages).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { RunningServer } from "../../src/server/start.js";
import { openRoom, roomSocketUrl, startTestServer, waitFor } from "./helpers.js";

const CROWD = 200;

describe("a crowd joining one room", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ ROOM_MAX_PARTICIPANTS: String(CROWD + 10) });
  });
  afterAll(() => server.close());

  it(`lets ${CROWD} people join while a person elsewhere keeps hearing the mix without a stall`, async () => {
    const quiet = await openRoom(server, "quiet");
    const listener = new WebSocket(roomSocketUrl(quiet, "Listener"));
    const arrivals: number[] = [];
    listener.on("message", (_data, isBinary) => {
      if (isBinary) arrivals.push(performance.now());
    });
    await waitFor(() => arrivals.length > 25, 10_000, "the listener's mix");

    const busy = await openRoom(server, "busy");
    // Bots in the crowded room hear every roster change, as MeetingBaas bots stream it.
    for (const persona of ["interviewer", "storyteller", "pair_programmer"]) {
      const created = await fetch(`${server.url}/bots`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ meeting_url: busy, personas: [persona], entry_message: "Hi." }),
      });
      expect(created.status).toBe(201);
    }
    await waitFor(() => server.bots.list().filter((bot) => bot.status === "in_call").length === 3, 15_000, "three bots in the busy room");
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const from = arrivals.length;
    const crowd = await Promise.all(
      Array.from({ length: CROWD }, (_, i) => new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(roomSocketUrl(busy, `Person ${i}`));
        socket.once("message", () => resolve(socket));
        socket.once("error", reject);
      })),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    delay.disable();
    const gaps = arrivals.slice(from).map((at, i, all) => (i === 0 ? 0 : at - (all[i - 1] ?? at)));
    const worstGap = Math.max(...gaps);
    console.log(`crowd of ${CROWD}: worst gap in another room's audio ${worstGap.toFixed(0)} ms, event-loop delay max ${(delay.max / 1e6).toFixed(0)} ms`);
    expect(crowd).toHaveLength(CROWD);
    expect(worstGap).toBeLessThan(1000);
    for (const socket of crowd) socket.terminate();
    listener.close();
  }, 60_000);
});
