/**
 * `serve --role api|worker` says what is missing before anything runs: REDIS_URL unset, Redis
 * unreachable (without echoing its password), or a worker without BASE_URL. The default single
 * process needs none of it.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { freePort } from "./server-process.js";

async function serve(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const { BASE_URL: _base, REDIS_URL: _redis, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", ...args], {
    env: { ...inherited, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, stderr };
}

describe("serve --role", () => {
  it("refuses an api or worker role without REDIS_URL, naming it", async () => {
    const api = await serve(["--role", "api"], {});
    expect(api.code).toBe(2);
    expect(api.stderr).toMatch(/--role api needs REDIS_URL/);
    const worker = await serve(["--role", "worker"], { REDIS_URL: "" });
    expect(worker.stderr).toMatch(/--role worker needs REDIS_URL/);
  }, 60_000);

  it("refuses a worker without BASE_URL", async () => {
    const result = await serve(["--role", "worker"], { REDIS_URL: "redis://127.0.0.1:1" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cluster worker needs BASE_URL/);
  }, 60_000);

  it("says Redis is unreachable, without showing its password", async () => {
    const port = await freePort();
    const result = await serve(["--role", "api"], { REDIS_URL: `redis://:hunter2secret@127.0.0.1:${port}` });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`Redis at REDIS_URL \\(redis://:\\*\\*\\*@127.0.0.1:${port}\\) is unreachable`));
    expect(result.stderr).not.toContain("hunter2secret");
  }, 60_000);

  it("rejects an unknown role", async () => {
    const result = await serve(["--role", "boss"], {});
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Allowed choices are all, api, worker/);
  }, 60_000);
});
