/**
 * The cluster registry against a real redis-server: tenants see only their own bots, a status
 * report from a replaced placement changes nothing, a placement commits once, and a finished bot
 * frees its tenant's slot and is kept only for a while.
 */
import type { Redis } from "ioredis";
import { beforeEach, describe, expect, it } from "vitest";
import type { ResolvedPersona } from "../../core/bot-contracts.js";
import { botRequestSchema } from "../bot-request.js";
import { keys } from "./cluster-keys.js";
import { ClusterRegistry } from "./cluster-registry.js";
import { redisMissing } from "./testing/local-redis.js";
import { redisForSuite } from "./testing/redis-suite.js";

const request = botRequestSchema.parse({ meeting_url: "https://meet.google.com/abc-defg-hij", personas: ["interviewer"] });
const persona: ResolvedPersona = {
  key: "interviewer", name: "Interviewer", systemPrompt: "Interview.", entryMessage: undefined, voiceId: undefined, gender: undefined, language: "en-US", image: undefined, chosenBy: "requested",
};
const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

describe.skipIf(redisMissing())("the cluster registry in Redis", () => {
  const suite = redisForSuite();
  let redis: Redis;
  let registry: ClusterRegistry;

  beforeEach(async () => {
    redis = suite.redis;
    registry = new ClusterRegistry(redis);
    await registry.create({ botId: A, tenant: "acme", request, apiKey: "key-a", mayUseServerKey: false });
    await registry.create({ botId: B, tenant: "globex", request, apiKey: undefined, mayUseServerKey: true });
  });

  /** Launches placement `launch` of bot A on `worker` and commits it. */
  async function place(worker: string, clientId: string, providerBotId: string, launch: number, from?: string): Promise<boolean> {
    await registry.notePendingLaunch(A, { clientId, provider: "meetingbaas", botName: "Interviewer", persona });
    await registry.notePendingProviderId(A, clientId, providerBotId);
    return registry.commitPlacement({ botId: A, launch, worker, clientId, providerBotId, move: from ? { from, reason: "failover", oldProviderBotId: "mb-1" } : undefined });
  }

  it("lets as many concurrent creations through as the tenant cap allows, and no more", async () => {
    // Ten API nodes, each with its own connection, create a bot for the same tenant at once; acme already runs A.
    const nodes = Array.from({ length: 10 }, () => redis.duplicate());
    try {
      const ids = Array.from({ length: 10 }, (_, i) => `00000000-0000-4000-8000-0000000001${String(i).padStart(2, "0")}`);
      const outcomes = await Promise.all(
        ids.map((botId, i) => new ClusterRegistry(nodes[i] as Redis).create({ botId, tenant: "acme", request, apiKey: undefined, mayUseServerKey: false }, 4)),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(3);
      expect(await registry.activeCount("acme")).toBe(4);
      expect(await registry.list("acme")).toHaveLength(4);
      // A refused creation leaves nothing behind.
      const refused = ids.filter((_, i) => !outcomes[i]);
      expect(await Promise.all(refused.map((id) => redis.exists(keys.bot(id))))).toEqual(refused.map(() => 0));
    } finally {
      for (const node of nodes) node.disconnect();
    }
  });

  it("shows a tenant only its own bots, and every bot without a tenant filter", async () => {
    expect((await registry.list("acme")).map((bot) => bot.bot_id)).toEqual([A]);
    expect((await registry.list(undefined)).map((bot) => bot.bot_id)).toEqual([A, B]);
    expect(await registry.describe(B, "acme")).toBeUndefined();
    expect(await registry.describe(A, "acme")).toMatchObject({ bot_id: A, status: "joining", worker: null, meeting_url: request.meeting_url });
    expect((await registry.get(A))?.apiKey).toBe("key-a");
    expect((await registry.get(B))?.mayUseServerKey).toBe(true);
  });

  it("keeps a status reported before the placement committed, and ignores reports of a replaced placement", async () => {
    await registry.notePendingLaunch(A, { clientId: "c1", provider: "meetingbaas", botName: "Interviewer", persona });
    await registry.reportStatus({ botId: A, tenant: "acme", worker: "w1", clientId: "c1", status: "in_call", lastError: null });
    expect((await registry.get(A))?.status).toBe("joining");
    expect(await registry.commitPlacement({ botId: A, launch: 1, worker: "w1", clientId: "c1", providerBotId: "mb-1" })).toBe(true);
    expect(await registry.get(A)).toMatchObject({ status: "in_call", worker: "w1", providerBotId: "mb-1", launches: 1, persona });
    expect(await redis.smembers(keys.workerBots("w1"))).toEqual([A]);

    expect(await place("w2", "c2", "mb-2", 2, "w1")).toBe(true);
    await registry.reportStatus({ botId: A, tenant: "acme", worker: "w1", clientId: "c1", status: "ended", lastError: "old one left" });
    const moved = await registry.describe(A, "acme");
    expect(moved).toMatchObject({ status: "joining", worker: "w2", provider_bot_id: "mb-2", last_error: null });
    expect(moved?.moves).toEqual([expect.objectContaining({ from: "w1", to: "w2", reason: "failover", old_provider_bot_id: "mb-1", new_provider_bot_id: "mb-2" })]);
    expect(await redis.smembers(keys.workerBots("w1"))).toEqual([]);
    expect(await redis.smembers(keys.workerBots("w2"))).toEqual([A]);
  });

  it("commits each placement number once", async () => {
    expect(await place("w1", "c1", "mb-1", 1)).toBe(true);
    expect(await place("w2", "c2", "mb-2", 1)).toBe(false);
    expect(await registry.get(A)).toMatchObject({ worker: "w1", clientId: "c1", launches: 1 });
  });

  it("frees the tenant's slot when the bot finishes, keeps the record for a while, and finishes it once", async () => {
    await place("w1", "c1", "mb-1", 1);
    expect(await registry.activeCount("acme")).toBe(1);
    await registry.reportStatus({ botId: A, tenant: "acme", worker: "w1", clientId: "c1", status: "ended", lastError: null });
    expect(await registry.activeCount("acme")).toBe(0);
    expect(await redis.smembers(keys.workerBots("w1"))).toEqual([]);
    expect(await redis.ttl(keys.bot(A))).toBeGreaterThan(0);
    expect(await registry.close({ botId: A, tenant: "acme", worker: "w1" }, "failed", "too late")).toBe(false);
    expect(await registry.get(A)).toMatchObject({ status: "ended", lastError: undefined });
    expect(await place("w2", "c2", "mb-2", 2, "w1")).toBe(false);
  });

  it("drops expired records from listings", async () => {
    await redis.del(keys.bot(B));
    expect((await registry.list(undefined)).map((bot) => bot.bot_id)).toEqual([A]);
    expect(await redis.zrange(keys.allBots, 0, -1)).toEqual([A]);
  });

  it("records a leave request once", async () => {
    expect(await registry.requestLeave(A)).toBe(true);
    expect(await registry.requestLeave(A)).toBe(false);
    expect((await registry.get(A))?.leaveRequested).toBe(true);
  });
});
