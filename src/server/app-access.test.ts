/**
 * Anonymous access off loopback: allowed only when asked for explicitly, and then an anonymous
 * caller cannot spend the server's own MeetingBaas key. Built with `inject()`, so nothing listens
 * on a reachable interface.
 */
import { afterEach, describe, expect, it } from "vitest";
import { BotManager } from "../bots/bot-manager.js";
import { testConfig } from "../config.js";
import { silentLogger } from "../logger.js";
import { MeetingBaasProvider } from "../meeting/meetingbaas/meetingbaas-provider.js";
import { FakeMeetingBaas } from "../meeting/meetingbaas/testing/fake-meetingbaas.js";
import { ProviderRegistry } from "../meeting/provider-registry.js";
import { buildApp } from "./app.js";
import type { Health } from "./routes/health.js";

function botManager(meetingBaasUrl: string): BotManager {
  return new BotManager({
    logger: silentLogger,
    providers: new ProviderRegistry([new MeetingBaasProvider({ baseUrl: meetingBaasUrl, version: "v1" })], undefined),
    // A refused launch never gets as far as choosing a persona or building an engine.
    personas: { resolve: () => Promise.reject(new Error("no persona should be resolved")) },
    createEngine: () => {
      throw new Error("no engine should be built");
    },
    serverApiKey: "test-key",
    baseUrl: "https://bots.example.com",
    tunnelUrl: () => undefined,
    connectTimeoutMs: 1000,
    reconnectGraceMs: 1000,
  });
}

const health = (): Health => {
  throw new Error("health is not asked for here");
};

describe("anonymous access off loopback", () => {
  let baas: FakeMeetingBaas | undefined;
  afterEach(async () => {
    await baas?.stop();
    baas = undefined;
  });

  it("is refused unless ALLOW_ANONYMOUS is set", async () => {
    await expect(buildApp({ config: testConfig({ HOST: "0.0.0.0" }), logger: silentLogger, bots: botManager("http://127.0.0.1:9"), health })).rejects.toThrow(/--allow-anonymous/);
  });

  it("when allowed, does not bill anonymous callers to the server's MeetingBaas key", async () => {
    baas = new FakeMeetingBaas();
    const app = await buildApp({ config: testConfig({ HOST: "0.0.0.0", ALLOW_ANONYMOUS: "true" }), logger: silentLogger, bots: botManager(await baas.start()), health });
    try {
      const response = await app.inject({ method: "POST", url: "/bots", payload: { meeting_url: "https://meet.google.com/abc-defg-hij" } });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: "API_KEY_MISSING", message: expect.stringContaining("x-meeting-baas-api-key") });
      expect(baas.requests).toHaveLength(0);
      expect((await app.inject({ method: "GET", url: "/bots" })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
