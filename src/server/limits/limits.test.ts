import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testConfig } from "../../config.js";
import { BotCapacity, isRefusal } from "./bot-capacity.js";
import { imageQuotaRefusal } from "./image-file-quota.js";
import { describeLimits, resolveLimits } from "./server-limits.js";

const GB = 1024 ** 3;

describe("resolved limits", () => {
  it("derives the bot caps from memory and the speech-to-text engine", () => {
    const config = testConfig();
    expect(resolveLimits(config, { memoryBytes: 2 * GB, localSpeechToText: true }).maxBots).toBe(32);
    expect(resolveLimits(config, { memoryBytes: 2 * GB, localSpeechToText: true, decoders: 4 }).maxBots).toBe(27);
    expect(resolveLimits(config, { memoryBytes: 2 * GB, localSpeechToText: false }).maxBots).toBe(38);
    expect(resolveLimits(config, { memoryBytes: 256 * 1024 ** 2, localSpeechToText: true }).maxBots).toBe(1);
    expect(resolveLimits(config, { memoryBytes: 64 * GB, localSpeechToText: false }).maxBots).toBe(200);
  });

  it("gives one tenant the whole server and shares it between several", () => {
    const machine = { memoryBytes: 2 * GB, localSpeechToText: true };
    expect(resolveLimits(testConfig({ SPEAKING_BOTS_API_KEYS: "a:aaaaaaaaaaaaaaaaaaaa" }), machine).maxBotsPerTenant).toBe(32);
    expect(resolveLimits(testConfig({ SPEAKING_BOTS_API_KEYS: "a:aaaaaaaaaaaaaaaaaaaa,b:bbbbbbbbbbbbbbbbbbbb" }), machine).maxBotsPerTenant).toBe(16);
    const set = resolveLimits(testConfig({ MAX_BOTS: "10", MAX_BOTS_PER_TENANT: "20" }), machine);
    expect(set).toMatchObject({ maxBots: 10, maxBotsPerTenant: 10 });
  });

  it("keeps the headers deadline within the request deadline and names every limit", () => {
    const limits = resolveLimits(testConfig({ HTTP_REQUEST_TIMEOUT_MS: "5000", HTTP_HEADERS_TIMEOUT_MS: "9000", RATE_LIMIT_BOTS_PER_MINUTE: "0" }), { memoryBytes: GB, localSpeechToText: false });
    expect(limits.headersTimeoutMs).toBe(5000);
    expect(describeLimits(limits)).toMatchObject({ RATE_LIMIT_BOTS_PER_MINUTE: "off", HTTP_HEADERS_TIMEOUT_MS: 5000, MAX_PERSONA_IMAGE_FILES: 1000 });
    expect(() => testConfig({ MAX_BOTS: "0" })).toThrow(/MAX_BOTS/);
    expect(() => testConfig({ MAX_BOTS: "many" })).toThrow(/MAX_BOTS/);
  });
});

describe("bot capacity", () => {
  it("counts launches still in flight, per tenant first, then for the whole server", () => {
    const running = new Map<string | undefined, number>([["a", 0], ["b", 0], [undefined, 0]]);
    const capacity = new BotCapacity({ maxBots: 3, maxBotsPerTenant: 2 }, (tenant) => running.get(tenant) ?? 0);
    const first = capacity.reserve("a");
    const second = capacity.reserve("a");
    expect(isRefusal(first) || isRefusal(second)).toBe(false);
    const third = capacity.reserve("a");
    expect(third).toMatchObject({ status: 429, retryAfterSeconds: 60, body: { code: "TENANT_BOT_LIMIT", limit: "MAX_BOTS_PER_TENANT", max: 2 } });
    expect(isRefusal(capacity.reserve("b"))).toBe(false);
    expect(capacity.reserve("c")).toMatchObject({ status: 503, body: { code: "SERVER_FULL", limit: "MAX_BOTS", max: 3 } });
    if (isRefusal(first)) throw new Error("unreachable");
    first.release();
    first.release();
    expect(isRefusal(capacity.reserve("c"))).toBe(false);
  });

  it("counts running bots as the manager reports them", () => {
    const capacity = new BotCapacity({ maxBots: 5, maxBotsPerTenant: 1 }, () => 1);
    expect(capacity.reserve("a")).toMatchObject({ status: 429 });
  });
});

describe("image file quota", () => {
  it("refuses once the folder holds the allowed number of files", async () => {
    const directory = await mkdtemp(join(tmpdir(), "images-"));
    try {
      expect(await imageQuotaRefusal(join(directory, "missing"), 1)).toBeUndefined();
      expect(await imageQuotaRefusal(directory, 1)).toBeUndefined();
      await writeFile(join(directory, "one.svg"), "<svg/>");
      expect(await imageQuotaRefusal(directory, 1)).toMatchObject({ status: 507, body: { code: "IMAGE_STORE_FULL", limit: "MAX_PERSONA_IMAGE_FILES" } });
      expect(await imageQuotaRefusal(directory, 0)).toBeUndefined();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
