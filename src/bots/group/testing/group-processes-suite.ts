/**
 * @module bots/group/testing/group-processes-suite
 * Meeting groups of several "processes" on one real redis-server, for a describe block: the server
 * starts before its tests and stops after; after each test the bots it joined leave (which
 * unregisters them, so the next test counts only its own) and no Redis command may have failed.
 */
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { LocalRedis } from "../../cluster/testing/local-redis.js";
import type { GroupMembership } from "../group-membership.js";
import { RedisGroupProcesses } from "./redis-group-processes.js";

export interface GroupProcessesSuite {
  readonly server: LocalRedis;
  readonly processes: RedisGroupProcesses;
  /** Bots a test joined; they leave after it. */
  readonly joined: GroupMembership[];
}

export function groupProcessesForSuite(): GroupProcessesSuite {
  const server = new LocalRedis();
  let processes: RedisGroupProcesses | undefined;
  const joined: GroupMembership[] = [];
  beforeAll(async () => {
    await server.start();
    processes = new RedisGroupProcesses(server.url);
  }, 30_000);
  afterAll(async () => {
    await processes?.close();
    await server.destroy();
  });
  afterEach(async () => {
    for (const bot of joined.splice(0)) await bot.leave();
    expect(processes?.errors).toEqual([]);
  });
  return {
    server,
    joined,
    get processes(): RedisGroupProcesses {
      if (!processes) throw new Error("the suite's redis-server has not started");
      return processes;
    },
  };
}
