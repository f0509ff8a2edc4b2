/**
 * A server facing the internet: API keys in front of every route that is not public, tenants that
 * cannot see or remove each other's bots, the minimal public health view, refusal to start open on
 * a reachable interface, and the limits (bot caps, request rates, images, slow clients) answered
 * with a status, `Retry-After` and a body naming the setting.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ApiError, SpeakingBotsClient } from "../../src/cli/api-client.js";
import { loadConfig } from "../../src/config.js";
import { loggerOptions } from "../../src/logger.js";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { type RunningServer, startServer } from "../../src/server/start.js";
import { json, startTestServer, waitFor } from "./helpers.js";

const ALICE = "alice-key-0123456789abcdef";
const BOB = "bob-key-0123456789abcdef-unnamed";
const CAROL = "carol-key-0123456789abcdef";
const MEET = "https://meet.google.com/abc-defg-hij";

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const request = (server: RunningServer, method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("API keys and tenants", () => {
  let baas: FakeMeetingBaas;
  let server: RunningServer;

  beforeAll(async () => {
    // The emulated MeetingBaas accepts bots but never dials back: they stay "joining", cheaply.
    baas = new FakeMeetingBaas({ script: { connectDelayMs: null } });
    server = await startTestServer({
      SPEAKING_BOTS_API_KEYS: `alice:${ALICE}, ${BOB}`,
      MEETING_BAAS_API_URL: await baas.start(),
      MEETING_BAAS_API_KEY: "test-key",
      BOT_CONNECT_TIMEOUT_MS: "60000",
    });
  });
  afterAll(async () => {
    await server.close();
    await baas.stop();
  });

  it("answers 401 naming the headers on every documented route that is not public", async () => {
    const spec = (await json(await fetch(`${server.url}/openapi.json`))) as {
      security: unknown[];
      components: { securitySchemes: Record<string, { type: string; scheme?: string; name?: string }> };
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(spec.components.securitySchemes.apiKeyHeader).toMatchObject({ type: "apiKey", name: "x-api-key" });
    expect(spec.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    const protectedRoutes = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.security === undefined || operation.security.length > 0)
        .map(([method]) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, "x") })),
    );
    const names = protectedRoutes.map((route) => `${route.method} ${route.path}`);
    for (const expected of ["POST /bots", "GET /bots", "GET /meetings", "GET /bots/x", "DELETE /bots/x", "GET /personas", "GET /personas/x", "POST /personas", "POST /personas/generate-image", "GET /metrics"]) {
      expect(names).toContain(expected);
    }
    expect(spec.paths["/health"]?.get?.security).toEqual([]);
    expect(spec.paths["/webhook"]?.post?.security).toEqual([]);
    for (const route of [...protectedRoutes, { method: "GET", path: "/no-such-route" }]) {
      const response = await request(server, route.method, route.path, {}, route.method === "POST" ? {} : undefined);
      expect(response.status, `${route.method} ${route.path}`).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm=/);
      const body = await json(response);
      expect(body.code).toBe("AUTH_REQUIRED");
      expect(body.message).toMatch(/Authorization: Bearer <key>.*x-api-key/);
    }
    expect(baas.requests).toHaveLength(0);
  });

  it("accepts the key as a Bearer token or in x-api-key, and refuses a wrong one", async () => {
    expect((await request(server, "GET", "/bots", bearer(ALICE))).status).toBe(200);
    expect((await request(server, "GET", "/bots", { "x-api-key": BOB })).status).toBe(200);
    const wrong = await request(server, "GET", "/bots", bearer(`${ALICE}x`));
    expect(wrong.status).toBe(401);
    expect(await json(wrong)).toMatchObject({ code: "AUTH_INVALID", message: expect.stringContaining("Authorization header is not valid") });
    const basic = await request(server, "GET", "/bots", { authorization: "Basic YWxpY2U6cHc=" });
    expect(await json(basic)).toMatchObject({ code: "AUTH_INVALID", message: expect.stringContaining("Bearer <key>") });
    const viaApiKey = await request(server, "GET", "/bots", { "x-api-key": "not-a-key-of-this-server" });
    expect(await json(viaApiKey)).toMatchObject({ code: "AUTH_INVALID", message: expect.stringContaining("x-api-key") });
  });

  it("keeps the public routes reachable: landing page, minimal health, docs, room page, webhook and streams", async () => {
    expect((await request(server, "GET", "/")).status).toBe(200);
    expect(await json(await request(server, "GET", "/health"))).toEqual({ status: expect.any(String), version: expect.any(String) });
    const full = await json(await request(server, "GET", "/health", { "x-api-key": ALICE }));
    expect(full).toMatchObject({ service: "speaking-bots", providers: { meeting: ["meetingbaas", "local", "attendee", "recall"] }, bots: expect.any(Object) });
    expect(await json(await request(server, "GET", "/health", bearer("wrong-key-0123456789")))).not.toHaveProperty("providers");
    expect((await request(server, "GET", "/docs/")).status).toBe(200);
    expect((await request(server, "GET", "/meet/lobby")).status).toBe(200);
    // Reachable without an API key: the webhook route's own proof (signature or bot token) decides.
    const webhook = await request(server, "POST", "/webhook", {}, { event: "bot.status_change", data: { bot_id: "nobody" } });
    expect(await json(webhook)).toMatchObject({ code: "WEBHOOK_UNVERIFIED" });
    const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/ws/unknown-client-id`);
    const closed = await new Promise<number>((resolve, reject) => {
      socket.on("close", (code) => resolve(code));
      socket.on("unexpected-response", (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
    });
    expect(closed).toBe(1008);
  });

  it("lets the CLI's client in with SPEAKING_BOTS_API_KEY, and says which setting is missing without it", async () => {
    expect((await new SpeakingBotsClient(server.url, { serverKey: ALICE }).personas()).length).toBeGreaterThan(0);
    const refused = await new SpeakingBotsClient(server.url).personas().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(401);
    expect((refused as ApiError).message).toMatch(/SPEAKING_BOTS_API_KEY/);
  });

  it("shows, lists and removes a bot only for the tenant that sent it", async () => {
    const created = await request(server, "POST", "/bots", bearer(ALICE), { meeting_url: MEET, personas: ["interviewer"] });
    expect(created.status).toBe(201);
    const { bot_id: botId } = (await json(created)) as { bot_id: string };
    // An authenticated tenant's bot may be billed to the server's own MeetingBaas key.
    expect(baas.requests.at(-1)).toMatchObject({ method: "POST", apiKey: "test-key" });

    const bob = { "x-api-key": BOB };
    expect(await json(await request(server, "GET", "/bots", bob))).toEqual({ bots: [] });
    expect(await json(await request(server, "GET", "/meetings", bob))).toEqual({ meetings: [] });
    expect(await json(await request(server, "GET", "/meetings", bearer(ALICE)))).toEqual({
      meetings: [{ meeting_group: "meet.google.com/abc-defg-hij", bots: [{ bot_id: botId, bot_name: expect.any(String), speaking: false }], floor_holder: null }],
    });
    const foreign = await request(server, "GET", `/bots/${botId}`, bob);
    const unknown = await request(server, "GET", "/bots/0123-no-such-bot", bob);
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    const foreignBody = await json(foreign);
    const unknownBody = await json(unknown);
    expect(foreignBody.code).toBe(unknownBody.code);
    expect(String(foreignBody.message).replace(botId, "ID")).toBe(String(unknownBody.message).replace("0123-no-such-bot", "ID"));
    const foreignDelete = await request(server, "DELETE", `/bots/${botId}`, bob);
    const unknownDelete = await request(server, "DELETE", "/bots/0123-no-such-bot", bob);
    expect(foreignDelete.status).toBe(404);
    expect(String((await json(foreignDelete)).message).replace(botId, "ID")).toBe(String((await json(unknownDelete)).message).replace("0123-no-such-bot", "ID"));
    expect(baas.leaves()).toHaveLength(0);
    expect(server.bots.get(botId)?.status).toBe("joining");

    const listed = (await json(await request(server, "GET", "/bots", bearer(ALICE)))) as { bots: { bot_id: string }[] };
    expect(listed.bots.map((bot) => bot.bot_id)).toEqual([botId]);
    expect((await request(server, "GET", `/bots/${botId}`, bearer(ALICE))).status).toBe(200);
    const left = await request(server, "DELETE", `/bots/${botId}`, bearer(ALICE));
    expect(left.status).toBe(200);
    await waitFor(() => baas.leaves().length === 1, 5000, "the leave call");
    expect(baas.leaves()[0]?.path).toContain(botId);
  });
});

describe("start-up without keys", () => {
  // Documentation addresses (TEST-NET, 2001:db8::): were the refusal to regress, listening would fail
  // rather than open a port to the network.
  it("refuses to listen on a reachable interface without --allow-anonymous", async () => {
    for (const host of ["192.0.2.1", "2001:db8::1"]) {
      await expect(startTestServer({ HOST: host })).rejects.toThrow(/Refusing to start on .* without API keys.*--allow-anonymous/s);
    }
    await expect(startServer(loadConfig({ PORT: "0", LOG_LEVEL: "silent", BOT_REGISTRY_FILE: ":memory:" }), { publicTunnel: true })).rejects.toThrow(/public tunnel/);
  });

  it("`serve` on a reachable HOST without keys exits with a message naming --allow-anonymous", async () => {
    const bin = fileURLToPath(new URL("../../bin/speaking-bots.js", import.meta.url));
    const cwd = await mkdtemp(join(tmpdir(), "speaking-bots-serve-")); // no .env there
    const env = { PATH: process.env.PATH ?? "", HOME: cwd, LOG_LEVEL: "silent" };
    try {
      const run = promisify(execFile)(process.execPath, [bin, "serve", "--host", "192.0.2.1", "--port", "0"], { cwd, env, timeout: 60_000 });
      const failure = (await run.then(() => undefined, (error: unknown) => error)) as { code?: number; stderr?: string } | undefined;
      expect(failure?.code).toBe(2);
      expect(failure?.stderr).toMatch(/Refusing to start on 192\.0\.2\.1 without API keys.*SPEAKING_BOTS_API_KEYS.*--allow-anonymous/s);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it("on loopback, trusts this machine's callers but not requests relayed by a proxy or tunnel", async () => {
    const open = await startTestServer();
    try {
      expect((await request(open, "GET", "/bots")).status).toBe(200);
      expect(await json(await request(open, "GET", "/health"))).toHaveProperty("providers");
      for (const header of ["x-forwarded-for", "forwarded", "x-real-ip"]) {
        const relayed = await request(open, "GET", "/bots", { [header]: header === "forwarded" ? "for=203.0.113.7" : "203.0.113.7" });
        expect(relayed.status, header).toBe(401);
        expect(await json(relayed)).toMatchObject({ code: "AUTH_REQUIRED", message: expect.stringMatching(/proxy or tunnel.*SPEAKING_BOTS_API_KEYS/) });
      }
      const relayedHealth = await json(await request(open, "GET", "/health", { "x-forwarded-for": "203.0.113.7" }));
      expect(Object.keys(relayedHealth).sort()).toEqual(["status", "version"]);
    } finally {
      await open.close();
    }
  });

  it("says so in the log, and never logs a key", async () => {
    const lines: string[] = [];
    const logger = pino(loggerOptions("debug"), { write: (line: string) => lines.push(line) });
    const open = await startServer(loadConfig({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "debug", BOT_REGISTRY_FILE: ":memory:" }), { logger });
    await open.close();
    expect(lines.join("\n")).toMatch(/No API keys: open to anyone on this machine only/);
    expect(lines.join("\n")).toMatch(/"MAX_BOTS":\d+/);

    lines.length = 0;
    const keyed = await startServer(loadConfig({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "debug", BOT_REGISTRY_FILE: ":memory:", SPEAKING_BOTS_API_KEYS: `alice:${ALICE},${BOB}` }), { logger });
    try {
      await request(keyed, "GET", "/bots", bearer(ALICE));
      await request(keyed, "GET", "/bots", { "x-api-key": BOB });
      await request(keyed, "GET", "/bots", bearer(`${BOB}-wrong`));
    } finally {
      await keyed.close();
    }
    const log = lines.join("\n");
    expect(log).toMatch(/API keys required.*tenants: alice, key-[0-9a-f]{8}/);
    expect(log).toMatch(/request refused: no valid API key/);
    expect(log).not.toContain(ALICE);
    expect(log).not.toContain(BOB);
  });
});

describe("limits", () => {
  let baas: FakeMeetingBaas | undefined;
  let server: RunningServer | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await server?.close();
    await baas?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    server = baas = dataDir = undefined;
  });

  it("caps bots per tenant (429) and per server (503), with Retry-After and the cap's name", async () => {
    baas = new FakeMeetingBaas({ script: { connectDelayMs: null } });
    const running = await startTestServer({
      SPEAKING_BOTS_API_KEYS: `alice:${ALICE},bob:${BOB},carol:${CAROL}`,
      MEETING_BAAS_API_URL: await baas.start(),
      MEETING_BAAS_API_KEY: "test-key",
      MAX_BOTS: "2",
      MAX_BOTS_PER_TENANT: "1",
      BOT_CONNECT_TIMEOUT_MS: "60000",
    });
    server = running;
    const launch = (key: string) => request(running, "POST", "/bots", bearer(key), { meeting_url: MEET });
    const first = await launch(ALICE);
    expect(first.status).toBe(201);
    const tenantFull = await launch(ALICE);
    expect(tenantFull.status).toBe(429);
    expect(tenantFull.headers.get("retry-after")).toBe("60");
    expect(await json(tenantFull)).toMatchObject({ code: "TENANT_BOT_LIMIT", limit: "MAX_BOTS_PER_TENANT", max: 1, message: expect.stringContaining("MAX_BOTS_PER_TENANT") });
    expect((await launch(BOB)).status).toBe(201);
    const serverFull = await launch(CAROL);
    expect(serverFull.status).toBe(503);
    expect(serverFull.headers.get("retry-after")).toBe("60");
    expect(await json(serverFull)).toMatchObject({ code: "SERVER_FULL", limit: "MAX_BOTS", max: 2 });
    expect(baas.requests.filter((r) => r.method === "POST")).toHaveLength(2);

    const { bot_id: aliceBot } = (await json(first)) as { bot_id: string };
    expect((await request(running, "DELETE", `/bots/${aliceBot}`, bearer(ALICE))).status).toBe(200);
    expect((await launch(CAROL)).status).toBe(201);
  });

  it("rate-limits bot launches per tenant with 429, Retry-After and our error shape", async () => {
    const running = await startTestServer({ SPEAKING_BOTS_API_KEYS: `alice:${ALICE},bob:${BOB}`, RATE_LIMIT_BOTS_PER_MINUTE: "2" });
    server = running;
    const invalid = (key: string) => request(running, "POST", "/bots", bearer(key), { meeting_url: "" });
    expect((await invalid(ALICE)).status).toBe(400);
    expect((await invalid(ALICE)).status).toBe(400);
    const limited = await invalid(ALICE);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await json(limited)).toMatchObject({ code: "RATE_LIMITED", limit: "RATE_LIMIT_BOTS_PER_MINUTE", max: 2, message: expect.stringContaining("RATE_LIMIT_BOTS_PER_MINUTE") });
    // Another tenant draws on its own allowance; reading is not limited.
    expect((await invalid(BOB)).status).toBe(400);
    expect((await request(running, "GET", "/bots", bearer(ALICE))).status).toBe(200);
  });

  it("shares one persona allowance between persona and image requests, and caps images per hour and on disk", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "speaking-bots-limits-"));
    const running = await startTestServer({
      SPEAKING_BOTS_API_KEYS: `alice:${ALICE},bob:${BOB}`,
      DATA_DIR: dataDir,
      RATE_LIMIT_PERSONAS_PER_MINUTE: "3",
      PERSONA_IMAGES_PER_HOUR: "2",
      MAX_PERSONA_IMAGE_FILES: "1",
    });
    server = running;
    const image = (key: string, name: string) => request(running, "POST", "/personas/generate-image", bearer(key), { name, description: "A calm interviewer" });
    expect((await image(ALICE, "Ann")).status).toBe(201);
    const full = await image(ALICE, "Ben");
    expect(full.status).toBe(507);
    expect(await json(full)).toMatchObject({ code: "IMAGE_STORE_FULL", limit: "MAX_PERSONA_IMAGE_FILES" });
    const hourly = await image(ALICE, "Cid");
    expect(hourly.status).toBe(429);
    expect(Number(hourly.headers.get("retry-after"))).toBeGreaterThan(60);
    expect(await json(hourly)).toMatchObject({ code: "RATE_LIMITED", limit: "PERSONA_IMAGES_PER_HOUR" });
    const perMinute = await request(running, "POST", "/personas", bearer(ALICE), { description: "too short" });
    expect(perMinute.status).toBe(429);
    expect(await json(perMinute)).toMatchObject({ limit: "RATE_LIMIT_PERSONAS_PER_MINUTE" });
    expect((await request(running, "POST", "/personas", bearer(BOB), { description: "too short" })).status).toBe(400);
  });

  it("closes a connection whose request headers never finish", async () => {
    const running = await startTestServer({ HTTP_HEADERS_TIMEOUT_MS: "500", HTTP_REQUEST_TIMEOUT_MS: "1000" });
    server = running;
    const socket = connect(Number(new URL(running.url).port), "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => {
      received += String(chunk);
    });
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });
});
