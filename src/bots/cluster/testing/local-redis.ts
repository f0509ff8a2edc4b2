/**
 * @module bots/cluster/testing/local-redis
 * A real `redis-server` for tests and benchmarks: started on a free loopback port with no
 * persistence (or with an append-only file in a temporary directory, to survive a restart), and
 * stopped afterwards. Tests skip with `redisMissing()` as the reason when it is not installed.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/** Why no Redis can be started here, or undefined when `redis-server` is installed. */
export function redisMissing(): string | undefined {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  return probe.status === 0 ? undefined : "redis-server is not installed (scripts/setup.sh --test installs it)";
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface LocalRedisOptions {
  /** Keep data in an append-only file (fsync on every write), so a restart loses nothing. */
  persistent?: boolean;
}

export class LocalRedis {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly dir: string | undefined;
  port = 0;

  constructor(options: LocalRedisOptions = {}) {
    this.dir = options.persistent ? mkdtempSync(join(tmpdir(), "sb-redis-")) : undefined;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<string> {
    if (!this.port) this.port = await freePort();
    const persistence = this.dir
      ? ["--dir", this.dir, "--appendonly", "yes", "--appendfsync", "always", "--save", ""]
      : ["--save", "", "--appendonly", "no"];
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", ...persistence], { stdio: "ignore" });
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    const deadline = Date.now() + 15_000;
    for (;;) {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on("error", () => undefined);
      const ok = await probe.connect().then(
        () => probe.ping().then(() => true),
        () => false,
      );
      probe.disconnect();
      if (ok) return this.url;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server did not start on port ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops the server (SIGTERM: it finishes its append-only file first); `start()` again reuses the port and data. */
  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) this.child.kill("SIGTERM");
    await this.exited;
    this.child = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
