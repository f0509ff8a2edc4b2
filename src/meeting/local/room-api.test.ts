import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { LOCAL_API_PREFIX, LOCAL_SECRET_HEADER, roomApiRoutes } from "./room-api.js";
import { RoomHub } from "./room-hub.js";

const SECRET = "s".repeat(43);

/** A WebSocket listener on loopback that counts who dials it. */
async function listener(): Promise<{ server: WebSocketServer; url: string; dials: string[] }> {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  const dials: string[] = [];
  server.on("connection", (_socket, request) => dials.push(request.url ?? ""));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, dials };
}

describe("the built-in rooms' bot API", () => {
  let app: FastifyInstance;
  let hub: RoomHub;
  let self: Awaited<ReturnType<typeof listener>>;
  let stranger: Awaited<ReturnType<typeof listener>>;

  beforeEach(async () => {
    self = await listener();
    stranger = await listener();
    hub = new RoomHub({ maxParticipants: 2 });
    app = Fastify();
    await app.register(roomApiRoutes({ hub, secret: SECRET, selfUrl: () => self.url }));
  });
  afterEach(async () => {
    hub.stop();
    await app.close();
    for (const { server } of [self, stranger]) await new Promise((resolve) => server.close(resolve));
  });

  const body = (overrides: Record<string, unknown> = {}) => ({
    meeting_url: "local:room-a",
    bot_name: "Bot",
    streaming: { input: null, output: `${self.url.replace("http", "ws")}/ws/${"a".repeat(24)}`, audio_frequency: "16khz" },
    deduplication_key: String(Math.random()),
    webhook_url: `${self.url}/webhook?token=abc`,
    ...overrides,
  });
  const create = (payload: unknown, secret: string | null = SECRET) =>
    app.inject({ method: "POST", url: `${LOCAL_API_PREFIX}/bots`, headers: secret ? { [LOCAL_SECRET_HEADER]: secret } : {}, payload: payload as object });

  it("answers only calls carrying the server's internal secret", async () => {
    for (const secret of [null, "guess", `${SECRET}x`]) expect((await create(body(), secret)).statusCode).toBe(401);
    expect((await app.inject({ method: "DELETE", url: `${LOCAL_API_PREFIX}/bots/x` })).statusCode).toBe(401);
    expect(hub.bots.size).toBe(0);
  });

  it("never dials a stream URL or posts to a webhook the caller chose", async () => {
    const foreignStream = body({ streaming: { output: `${stranger.url.replace("http", "ws")}/ws/${"a".repeat(24)}` } });
    expect((await create(foreignStream)).statusCode).toBe(400);
    expect((await create(body({ streaming: { output: `${self.url.replace("http", "ws")}/elsewhere` } }))).statusCode).toBe(400);
    expect((await create(body({ webhook_url: `${stranger.url}/webhook?token=abc` }))).statusCode).toBe(400);
    expect((await create(body({ webhook_url: `${self.url}/bots?token=abc` }))).statusCode).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stranger.dials).toEqual([]);
    expect(hub.bots.size).toBe(0);
  });

  it("dials its own stream, forgets a bot once it left, and refuses a full room", async () => {
    const created = await create(body());
    expect(created.json()).toHaveProperty("bot_id");
    expect(created.statusCode).toBe(200);
    const { bot_id: botId } = created.json() as { bot_id: string };
    await expect.poll(() => self.dials.length).toBe(1);
    expect(self.dials[0]).toBe(`/ws/${"a".repeat(24)}`);
    expect((await create(body())).statusCode).toBe(200);
    const full = await create(body());
    expect(full.statusCode).toBe(409);
    expect(full.json()).toMatchObject({ error: expect.stringMatching(/room-a.*full.*2 participants/) });
    expect((await app.inject({ method: "DELETE", url: `${LOCAL_API_PREFIX}/bots/${botId}`, headers: { [LOCAL_SECRET_HEADER]: SECRET } })).statusCode).toBe(200);
    expect(hub.bots.has(botId)).toBe(false);
    expect((await app.inject({ method: "DELETE", url: `${LOCAL_API_PREFIX}/bots/${botId}`, headers: { [LOCAL_SECRET_HEADER]: SECRET } })).statusCode).toBe(404);
    expect(hub.bots.size).toBe(1);
  });
});
