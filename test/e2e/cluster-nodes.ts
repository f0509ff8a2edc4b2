/**
 * @module test/e2e/cluster-nodes
 * Cluster processes for end-to-end tests: an API node or a worker, each its own operating-system
 * process on a free loopback port with its BASE_URL set to that address, sharing one Redis. A
 * worker is returned once its heartbeat is in Redis.
 */
import { Redis } from "ioredis";
import { waitFor } from "./helpers.js";
import { type ServerProcess, freePort, startServerProcess } from "./server-process.js";

export interface ClusterNodeOptions {
  redisUrl: string;
  role: "api" | "worker";
  workerId?: string;
  /** Settings on top of the cluster's own (speech, LLM, providers, data directory). */
  env: Record<string, string>;
}

export async function startClusterProcess({ redisUrl, role, workerId, env }: ClusterNodeOptions): Promise<ServerProcess> {
  const port = await freePort();
  const node = await startServerProcess(
    "node",
    port,
    {
      REDIS_URL: redisUrl,
      BASE_URL: `http://127.0.0.1:${port}`,
      ...(workerId ? { WORKER_ID: workerId } : {}),
      CLUSTER_LAUNCH_TIMEOUT_MS: "60000",
      // A loaded 2-core test machine must not make every worker refuse work.
      WORKER_MAX_EVENT_LOOP_DELAY_MS: "5000",
      SHUTDOWN_TIMEOUT_MS: "20000",
      ...env,
    },
    ["--role", role],
  );
  if (workerId) {
    const probe = new Redis(redisUrl);
    try {
      await waitFor(async () => (await probe.exists(`sb:worker:${workerId}:alive`)) === 1, 30_000, `worker ${workerId} to heartbeat`);
    } finally {
      probe.disconnect();
    }
  }
  return node;
}

/** Kills every process still running and waits for each to be gone. */
export async function stopProcesses(processes: ServerProcess[]): Promise<void> {
  for (const node of processes) {
    if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill("SIGKILL");
    await node.exited;
  }
}
