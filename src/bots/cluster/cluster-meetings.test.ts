/**
 * GET /meetings as a cluster API node answers it, against a real redis-server: groups built from
 * the registry across workers, scoped to the tenant, with the floor holder the workers' Redis floor
 * names.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolvedPersona } from "../../core/bot-contracts.js";
import { botRequestSchema } from "../bot-request.js";
import { groupKey } from "../group/meeting-group-key.js";
import { RedisFloorStore } from "../group/redis-floor.js";
import { clusterMeetings } from "./cluster-meetings.js";
import { ClusterRegistry } from "./cluster-registry.js";
import { LocalRedis, redisMissing } from "./testing/local-redis.js";

const MEET = "https://meet.google.com/abc-defg-hij";
const GROUP = "meet.google.com/abc-defg-hij";
const persona: ResolvedPersona = {
  key: "interviewer", name: "Interviewer", systemPrompt: "Interview.", entryMessage: undefined, voiceId: undefined, gender: undefined, language: "en-US", image: undefined, chosenBy: "requested",
};
const id = (n: number) => `00000000-0000-4000-8000-0000000000${String(n).padStart(2, "0")}`;

describe.skipIf(redisMissing())("meeting groups on a cluster API node", () => {
  const server = new LocalRedis();
  let redis: Redis;
  let registry: ClusterRegistry;
  let floors: RedisFloorStore;

  /** Creates bot `n` of `tenant` and, when `worker` is given, commits its placement there under client id `c<n>`. */
  async function bot(n: number, tenant: string, fields: Record<string, unknown>, worker?: string): Promise<void> {
    const request = botRequestSchema.parse({ meeting_url: MEET, ...fields });
    await registry.create({ botId: id(n), tenant, request, apiKey: undefined, mayUseServerKey: true });
    if (!worker) return;
    await registry.notePendingLaunch(id(n), { clientId: `c${n}`, provider: "meetingbaas", botName: `Bot ${n}`, persona });
    await registry.commitPlacement({ botId: id(n), launch: 1, worker, clientId: `c${n}`, providerBotId: `mb-${n}` });
    await registry.reportStatus({ botId: id(n), tenant, worker, clientId: `c${n}`, status: "in_call", lastError: null });
  }

  beforeAll(async () => {
    redis = new Redis(await server.start());
    registry = new ClusterRegistry(redis);
    floors = new RedisFloorStore(redis, redis.duplicate(), { onError: (error) => expect.fail(error) });
    await bot(1, "acme", {}, "w1");
    await bot(2, "acme", {}, "w2");
    await bot(3, "acme", { recorder: true }, "w1");
    await bot(4, "acme", { meeting_group: "Weekly sync" });
    await bot(5, "globex", {}, "w2");
    await bot(6, "acme", {}, "w1");
    await registry.close((await registry.get(id(6))) ?? expect.fail("bot 6 was created"), "ended", "left");
    // Bot 2, on w2, speaks: its worker took the group's floor under its client id.
    expect(await floors.floorFor(groupKey("acme", GROUP)).tryAcquire("c2")).toBe(true);
  }, 30_000);
  afterAll(async () => {
    await floors.close();
    redis.disconnect();
    await server.destroy();
  });

  it("lists a tenant's groups with every unfinished speaking bot, its worker, and the floor holder", async () => {
    expect(await clusterMeetings(redis, registry, "acme")).toEqual([
      {
        meeting_group: GROUP,
        bots: [
          { bot_id: id(1), bot_name: "Bot 1", speaking: false, status: "in_call", worker: "w1" },
          { bot_id: id(2), bot_name: "Bot 2", speaking: false, status: "in_call", worker: "w2" },
        ],
        floor_holder: id(2),
      },
      { meeting_group: "Weekly sync", bots: [{ bot_id: id(4), bot_name: "", speaking: false, status: "joining", worker: null }], floor_holder: null },
    ]);
  });

  it("never mixes tenants, even in the same meeting", async () => {
    expect(await clusterMeetings(redis, registry, "globex")).toEqual([
      { meeting_group: GROUP, bots: [{ bot_id: id(5), bot_name: "Bot 5", speaking: false, status: "in_call", worker: "w2" }], floor_holder: null },
    ]);
    expect(await clusterMeetings(redis, registry, "initech")).toEqual([]);
    // Without API keys every group is listed, still one per tenant.
    expect((await clusterMeetings(redis, registry, undefined)).map((m) => [m.meeting_group, m.bots.map((b) => b.bot_id)])).toEqual([
      [GROUP, [id(1), id(2)]],
      ["Weekly sync", [id(4)]],
      [GROUP, [id(5)]],
    ]);
  });

  it("names a floor held by a placement no listed bot has as elsewhere", async () => {
    await floors.floorFor(groupKey("acme", GROUP)).release("c2");
    expect(await floors.floorFor(groupKey("acme", GROUP)).tryAcquire("c-gone")).toBe(true);
    expect((await clusterMeetings(redis, registry, "acme"))[0]?.floor_holder).toBe("elsewhere");
  });
});
