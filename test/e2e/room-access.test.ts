/**
 * Who may enter a built-in room: only holders of its link (token), only from pages of this server,
 * up to the room's participant cap; bots sent through the API need the link too, and get it back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { RunningServer } from "../../src/server/start.js";
import { json, openRoom, roomSocketUrl, startTestServer } from "./helpers.js";

/** Opens a room socket; resolves with "open" and its first message, or the HTTP status that refused the upgrade. */
function dial(url: string, origin?: string): Promise<{ status: number; socket?: WebSocket; first?: string; closed?: Promise<[number, string]> }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, origin ? { origin } : {});
    const closed = new Promise<[number, string]>((done) => socket.on("close", (code, reason) => done([code, reason.toString()])));
    socket.once("unexpected-response", (_request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once("error", () => resolve({ status: 0 }));
    socket.once("message", (data) => resolve({ status: 101, socket, first: data.toString(), closed }));
  });
}

const post = (server: RunningServer, body: unknown) =>
  fetch(`${server.url}/bots`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("built-in room access", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ ROOM_MAX_PARTICIPANTS: "3" });
  });
  afterAll(() => server.close());

  it("lets in only holders of the room's link, from pages of this server", async () => {
    const link = await openRoom(server, "guarded");
    const port = new URL(server.url).port;
    const url = roomSocketUrl(link, "Ada");
    expect((await dial(url.replace(/&t=[^&]*/, ""))).status).toBe(403);
    expect((await dial(url.replace(/&t=[^&]*/, "&t=AAAAAAAAAAAAAAAAAAAAAAAA"))).status).toBe(403);
    expect((await dial(url.replace("/meet/guarded/", "/meet/other/"))).status).toBe(403);
    expect((await dial(url, "https://evil.example")).status).toBe(403);
    expect((await dial(url, "null")).status).toBe(403);
    expect((await dial(url, `http://127.0.0.1.evil.example:${port}`)).status).toBe(403);
    for (const origin of [server.url, `http://localhost:${port}`, undefined]) {
      const entered = await dial(url, origin);
      expect(entered.status, String(origin)).toBe(101);
      expect(JSON.parse(entered.first ?? "{}")).toMatchObject({ type: "welcome", room: "guarded" });
      entered.socket?.close();
    }
  });

  it("sends a bot into a new room, hands out the link, and refuses tokenless or wrong-token bots into it", async () => {
    const created = await post(server, { meeting_url: `${server.url}/meet/fresh`, entry_message: "Hi." });
    expect(created.status).toBe(201);
    const { bot_id: first, meeting_link: link } = (await json(created)) as { bot_id: string; meeting_link: string };
    expect(link).toMatch(new RegExp(`^${server.url}/meet/fresh\\?t=[A-Za-z0-9_-]{24}$`));

    const again = await post(server, { meeting_url: `${server.url}/meet/fresh` });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ code: "ROOM_ACCESS_DENIED", message: expect.stringMatching(/already exists.*link/) });
    const wrong = await post(server, { meeting_url: `${server.url}/meet/fresh?t=AAAAAAAAAAAAAAAAAAAAAAAA` });
    expect(wrong.status).toBe(403);

    const token = new URL(link).searchParams.get("t");
    const second = await post(server, { meeting_url: `local:fresh?t=${token}`, entry_message: "Hi." });
    expect(second.status).toBe(201);
    const { bot_id: secondId } = (await json(second)) as { bot_id: string };

    // The owner's listing keeps the meeting URL as sent.
    const listed = (await json(await fetch(`${server.url}/bots/${first}`))) as { meeting_url: string };
    expect(listed.meeting_url).toBe(`${server.url}/meet/fresh`);
    for (const id of [first, secondId]) expect((await fetch(`${server.url}/bots/${id}`, { method: "DELETE" })).status).toBe(200);
  });

  it("refuses one participant more than the room's cap, person or bot, with a reason", async () => {
    const link = await openRoom(server, "small");
    const people = await Promise.all(["A", "B", "C"].map((name) => dial(roomSocketUrl(link, name))));
    expect(people.map((p) => p.status)).toEqual([101, 101, 101]);
    const fourth = await dial(roomSocketUrl(link, "D"));
    expect(fourth.status).toBe(101);
    expect(JSON.parse(fourth.first ?? "{}")).toMatchObject({ type: "error", message: expect.stringMatching(/full.*3 participants/) });
    expect(await fourth.closed).toEqual([1008, "the room is full"]);
    const bot = await post(server, { meeting_url: link });
    expect(bot.status).toBe(409);
    expect(await json(bot)).toMatchObject({ message: expect.stringMatching(/full/) });
    for (const person of people) person.socket?.close();
  });

  it("hands out room links from the page only to a local, same-origin request", async () => {
    const mint = (headers: Record<string, string>, remoteAddress?: string, payload: object = {}) =>
      server.app.inject({ method: "POST", url: "/meet/rooms", headers: { "content-type": "application/json", ...headers }, payload, ...(remoteAddress ? { remoteAddress } : {}) });
    expect((await mint({}, "10.1.2.3")).statusCode).toBe(403);
    expect((await mint({ "x-forwarded-for": "127.0.0.1" })).statusCode).toBe(403);
    expect((await mint({ origin: "https://evil.example" })).statusCode).toBe(403);
    const bad = await mint({}, undefined, { room: "../etc" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ message: expect.stringMatching(/room/) });
    const opened = await mint({ origin: server.url }, undefined, { room: "minted" });
    expect(opened.statusCode).toBe(201);
    expect(opened.json()).toMatchObject({ room: "minted", link: expect.stringMatching(/\/meet\/minted\?t=/) });
    expect((await mint({}, undefined, { room: "minted" })).statusCode).toBe(409);
    const random = await mint({});
    expect(random.json()).toMatchObject({ room: expect.stringMatching(/^room-[0-9a-f]{8}$/) });
  });

  it("keeps the internal room API closed to everyone but the server", async () => {
    const response = await fetch(`${server.url}/local-meetings/api/bots`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-local-meetings-secret": "guess" },
      body: JSON.stringify({ meeting_url: "local:x", bot_name: "x", streaming: { output: "ws://127.0.0.1:1/ws/x" }, webhook_url: "http://127.0.0.1:1/" }),
    });
    expect(response.status).toBe(401);
  });
});
