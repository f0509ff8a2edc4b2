/**
 * The cluster's compose file, checked without a Docker engine: it parses as YAML (merge keys
 * resolved as Compose does), runs Redis with an append-only file, one API node and two workers,
 * each with its own port, BASE_URL and worker id, every process on the same Redis.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
}

const compose = parse(readFileSync("docker-compose.yml", "utf8"), { merge: true }) as { services: Record<string, Service> };

describe("docker-compose.yml", () => {
  const { redis, api, ...rest } = compose.services;
  const workers = Object.values(rest);

  it("runs Redis with an append-only file, one API node and two workers", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["api", "redis", "worker-1", "worker-2"]);
    expect(redis?.command).toEqual(expect.arrayContaining(["--appendonly", "yes"]));
    expect(api?.command?.slice(-3)).toEqual(["serve", "--role", "api"]);
    for (const worker of workers) expect(worker.command?.slice(-3)).toEqual(["serve", "--role", "worker"]);
  });

  it("gives each process its own port, BASE_URL and worker id on the same Redis", () => {
    const nodes = [api, ...workers].map((service) => service?.environment ?? {});
    for (const env of nodes) expect(env.REDIS_URL).toBe("redis://redis:6379");
    expect(new Set(nodes.map((env) => env.PORT)).size).toBe(3);
    expect(new Set(nodes.map((env) => env.BASE_URL)).size).toBe(3);
    expect(new Set(workers.map((worker) => worker.environment?.WORKER_ID)).size).toBe(2);
    for (const [i, env] of nodes.entries()) expect([api, ...workers][i]?.ports).toEqual([`${env.PORT}:${env.PORT}`]);
  });

  it("starts the bots' processes once Redis is healthy and leaves workers time to drain", () => {
    for (const service of [api, ...workers]) {
      expect(service?.depends_on).toEqual({ redis: { condition: "service_healthy" } });
      expect(service?.stop_grace_period).toBe("60s");
    }
  });
});
