/**
 * The API's surface: the OpenAPI document lists every route, /metrics speaks Prometheus, and a bot
 * whose provider never opens its stream is marked failed and taken out of the meeting.
 */
import { afterEach, describe, expect, it } from "vitest";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import type { RunningServer } from "../../src/server/start.js";
import { json, startTestServer, waitFor } from "./helpers.js";

describe("API surface", () => {
  let server: RunningServer | undefined;
  let baas: FakeMeetingBaas | undefined;
  afterEach(async () => {
    await server?.close();
    await baas?.stop();
  });

  it("documents every route in /openapi.json and serves the docs page", async () => {
    server = await startTestServer();
    const spec = (await json(await fetch(`${server.url}/openapi.json`))) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    for (const route of [
      "POST /bots", "GET /bots", "GET /meetings", "GET /bots/{bot_id}", "DELETE /bots/{bot_id}", "GET /personas", "GET /personas/{name}", "POST /personas",
      "POST /personas/generate-image", "GET /health", "GET /", "GET /metrics", "POST /webhook",
    ]) {
      expect(routes).toContain(route);
    }
    expect((await fetch(`${server.url}/docs/`)).status).toBe(200);
    const health = (await json(await fetch(`${server.url}/health`))) as { providers: { llm: { name: string; missing: string[] } } };
    expect(health.providers.llm).toMatchObject({ name: "none", missing: [expect.stringContaining("LLM_BASE_URL")] });
  });

  it("fails a bot whose stream never connects, and takes it out of the meeting", async () => {
    baas = new FakeMeetingBaas({ script: { connectDelayMs: null } });
    server = await startTestServer({ MEETING_BAAS_API_URL: await baas.start(), MEETING_BAAS_API_KEY: "test-key", BOT_CONNECT_TIMEOUT_MS: "300" });
    const created = await fetch(`${server.url}/bots`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ meeting_url: "https://meet.google.com/abc-defg-hij" }) });
    const { bot_id: botId } = (await json(created)) as { bot_id: string };
    const info = await waitFor(async () => {
      const bot = (await json(await fetch(`${server?.url}/bots/${botId}`))) as { status: string; last_error: string | null };
      return bot.status === "failed" && bot;
    }, 5000, "the bot to fail");
    expect(info.last_error).toMatch(/never opened the audio stream/);
    await waitFor(() => baas?.leaves().length === 1, 2000, "the leave call");
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/speaking_bots_bots\{status="failed"\} 1/);
    expect(metrics).toMatch(/speaking_bots_process_resident_memory_bytes/);
  });
});
