/**
 * @module bench/cluster
 * The cluster section: an API process and worker processes on a real redis-server, MeetingBaas as
 * the wire-compatible fake. Measures launch throughput through the API (bots/s until each has its
 * provider bot), failover time (SIGKILL of a worker until each of its bots is in the call again on
 * another worker) over several kills, and Redis traffic per bot while in the call, from Redis's own
 * INFO counters, against the same cluster idle. Run alone: `node --import tsx bench/cluster.ts [--quick]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { LocalRedis, redisMissing } from "../src/bots/cluster/testing/local-redis.js";
import { FakeMeetingBaas } from "../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { FakeOpenAiServer } from "../src/services/llm/testing/fake-openai-server.js";
import { type ServerProcess, freePort, startServerProcess } from "../test/e2e/server-process.js";
import { type Stats, sleep, stats, until } from "./harness.js";

const MEET = "https://meet.google.com/abc-defg-hij";
const KEY = "bench-key";

export interface ClusterResult {
  skipped?: string;
  launch?: { bots: number; seconds: number; botsPerSecond: number; latencyMs: Stats };
  failoverMs?: Stats & { kills: number; botsMoved: number };
  redis?: {
    windowSeconds: number;
    bots: number;
    idleBytesPerSecond: number;
    inCallBytesPerSecond: number;
    /** All of the cluster's Redis traffic in the call window divided by the bots: an upper bound per bot. */
    atMostBytesPerBotPerSecond: number;
    atMostCommandsPerBotPerSecond: number;
  };
}

interface Listed {
  bot_id: string;
  status: string;
  worker: string | null;
}

export async function measureCluster(quick: boolean): Promise<ClusterResult> {
  const missing = redisMissing();
  if (missing) return { skipped: missing };
  const plan = quick ? { bots: 4, kills: 1, botsPerKill: 2, windowMs: 3000 } : { bots: 20, kills: 10, botsPerKill: 2, windowMs: 10_000 };
  const redis = new LocalRedis();
  const baas = new FakeMeetingBaas({ apiKeys: [KEY], script: { participants: ["Alice"], connectDelayMs: 20 } });
  const llm = new FakeOpenAiServer({ replies: [{ text: "Hello." }] });
  const dataDir = mkdtempSync(join(tmpdir(), "bench-cluster-"));
  const nodes: ServerProcess[] = [];
  await redis.start();
  await baas.start();
  await llm.start();
  const probe = new Redis(redis.url);
  const start = async (role: "api" | "worker", workerId?: string): Promise<ServerProcess> => {
    const port = await freePort();
    const node = await startServerProcess(
      "node",
      port,
      {
        REDIS_URL: redis.url, BASE_URL: `http://127.0.0.1:${port}`, ...(workerId ? { WORKER_ID: workerId } : {}), DATA_DIR: dataDir, LOG_LEVEL: "warn",
        MEETING_BAAS_API_URL: baas.url, MEETING_BAAS_API_KEY: KEY, LLM_PROVIDER: "openai", LLM_BASE_URL: llm.baseUrl, LLM_API_KEY: "bench", LLM_MODEL: "scripted",
        MAX_BOTS: "1000", RATE_LIMIT_BOTS_PER_MINUTE: "0", WORKER_MAX_EVENT_LOOP_DELAY_MS: "5000", CLUSTER_LAUNCH_TIMEOUT_MS: "60000",
      },
      ["--role", role],
    );
    nodes.push(node);
    if (workerId) await until(async () => (await probe.exists(`sb:worker:${workerId}:alive`)) === 1, 30_000);
    return node;
  };
  try {
    const api = await start("api");
    await start("worker", "bench-w1");
    let survivor = "bench-w1";
    const workers = new Map<string, ServerProcess>([["bench-w1", nodes[1] as ServerProcess]]);
    workers.set("bench-w2", await start("worker", "bench-w2"));
    const list = async (): Promise<Listed[]> => ((await (await fetch(`${api.url}/bots`)).json()) as { bots: Listed[] }).bots;
    const launch = async (): Promise<{ id: string; ms: number }> => {
      const began = performance.now();
      const response = await fetch(`${api.url}/bots`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ meeting_url: MEET, personas: ["interviewer"] }) });
      if (response.status !== 201) throw new Error(`launch answered ${response.status}: ${await response.text()}`);
      return { id: ((await response.json()) as { bot_id: string }).bot_id, ms: performance.now() - began };
    };
    const leaveAll = async (ids: string[]) => {
      await Promise.all(ids.map((id) => fetch(`${api.url}/bots/${id}`, { method: "DELETE" })));
    };

    // Redis traffic with the cluster idle, then with every bot in the call: the difference is the bots'.
    const traffic = async (): Promise<{ bytes: number; commands: number }> => {
      const info = await probe.info("stats");
      const field = (name: string) => Number(info.match(new RegExp(`${name}:(\\d+)`))?.[1] ?? 0);
      return { bytes: field("total_net_input_bytes") + field("total_net_output_bytes"), commands: field("total_commands_processed") };
    };
    const window = async () => {
      const before = await traffic();
      await sleep(plan.windowMs);
      const after = await traffic();
      return { bytesPerSecond: ((after.bytes - before.bytes) * 1000) / plan.windowMs, commandsPerSecond: ((after.commands - before.commands) * 1000) / plan.windowMs };
    };
    await sleep(2000); // start-up traffic (queue set-up, first heartbeats) is not the idle rate
    const idle = await window();

    // Launch throughput: six requests in flight at a time, as a busy client would send them.
    const began = performance.now();
    const launched: { id: string; ms: number }[] = [];
    const queue = Array.from({ length: plan.bots }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (queue.shift() !== undefined) launched.push(await launch());
      }),
    );
    const seconds = (performance.now() - began) / 1000;
    await until(async () => (await list()).filter((bot) => bot.status === "in_call").length === plan.bots, 60_000);
    const inCall = await window();
    await leaveAll(launched.map((bot) => bot.id));

    // Failover: each round a fresh worker gets bots, is killed, and its bots come back on the survivor.
    const failovers: number[] = [];
    let botsMoved = 0;
    for (let round = 1; round <= plan.kills; round += 1) {
      const victim = workers.has("bench-w2") && round === 1 ? "bench-w2" : `bench-k${round}`;
      if (!workers.has(victim)) workers.set(victim, await start("worker", victim));
      const ids: string[] = [];
      // Bots spread over the two live workers, so about half of these land on the victim.
      while (ids.length < plan.botsPerKill * 2) ids.push((await launch()).id);
      await until(async () => (await list()).filter((bot) => ids.includes(bot.bot_id) && bot.status === "in_call").length === ids.length, 60_000);
      const onVictim = (await list()).filter((bot) => ids.includes(bot.bot_id) && bot.worker === victim).map((bot) => bot.bot_id);
      const killedAt = performance.now();
      workers.get(victim)?.child.kill("SIGKILL");
      await workers.get(victim)?.exited;
      workers.delete(victim);
      const back = await until(async () => {
        const now = await list();
        return onVictim.every((id) => now.some((bot) => bot.bot_id === id && bot.worker === survivor && bot.status === "in_call"));
      }, 120_000);
      if (back && onVictim.length > 0) {
        failovers.push(performance.now() - killedAt);
        botsMoved += onVictim.length;
      }
      await leaveAll(ids);
      survivor = [...workers.keys()][0] ?? survivor;
    }
    return {
      launch: { bots: plan.bots, seconds: Math.round(seconds * 100) / 100, botsPerSecond: Math.round((plan.bots / seconds) * 10) / 10, latencyMs: stats(launched.map((bot) => bot.ms), 0) },
      failoverMs: { ...stats(failovers, 0), kills: failovers.length, botsMoved },
      redis: {
        windowSeconds: plan.windowMs / 1000,
        bots: plan.bots,
        idleBytesPerSecond: Math.round(idle.bytesPerSecond),
        inCallBytesPerSecond: Math.round(inCall.bytesPerSecond),
        atMostBytesPerBotPerSecond: Math.round(inCall.bytesPerSecond / plan.bots),
        atMostCommandsPerBotPerSecond: Math.round((inCall.commandsPerSecond / plan.bots) * 100) / 100,
      },
    };
  } finally {
    for (const node of nodes) {
      if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill("SIGKILL");
      await node.exited;
    }
    probe.disconnect();
    await baas.stop();
    await llm.stop();
    await redis.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The section's lines in the benchmark table. */
export function describeCluster(result: ClusterResult): string[] {
  if (result.skipped || !result.launch || !result.failoverMs || !result.redis) return [`   skipped: ${result.skipped ?? "no result"}`];
  const { launch, failoverMs, redis } = result;
  return [
    `   launch through the API: ${launch.bots} bots in ${launch.seconds} s → ${launch.botsPerSecond} bots/s (POST latency p50 ${launch.latencyMs.p50} ms, p95 ${launch.latencyMs.p95} ms)`,
    `   failover (SIGKILL → bots in the call on another worker), ${failoverMs.kills} kills, ${failoverMs.botsMoved} bots moved: p50 ${failoverMs.p50} ms, p95 ${failoverMs.p95} ms`,
    `   Redis traffic: idle cluster ${redis.idleBytesPerSecond} B/s; ${redis.bots} bots in call ${redis.inCallBytesPerSecond} B/s in all → at most ${redis.atMostBytesPerBotPerSecond} B/s and ${redis.atMostCommandsPerBotPerSecond} commands/s per bot (no audio through Redis)`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureCluster(process.argv.includes("--quick"));
  for (const text of describeCluster(result)) process.stdout.write(`${text}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
