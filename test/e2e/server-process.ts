/**
 * @module test/e2e/server-process
 * The server as its own operating-system process, started the way people start it (`npm start`, or
 * node with tsx), so a test can kill it with a real signal and read what it logged.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { waitFor } from "./helpers.js";

export type LaunchStyle = "node" | "npm start";

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Parsed JSON log lines whose `msg` matches. */
  logs(msg: string | RegExp): Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A loopback port free right now; the test reuses it to restart a server on the same address. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts `speaking-bots serve` on 127.0.0.1:`port` and waits until `/health` answers. Every setting
 * the test relies on is passed explicitly, so a developer's `.env` cannot change what runs.
 */
export async function startServerProcess(style: LaunchStyle, port: number, env: Record<string, string>, args: string[] = []): Promise<ServerProcess> {
  const { BASE_URL: _runnerBase, ...inherited } = process.env;
  const childEnv = {
    ...inherited,
    PORT: String(port),
    HOST: "127.0.0.1",
    BASE_URL: "",
    LOG_LEVEL: "info",
    STT_PROVIDER: "local",
    TTS_PROVIDER: "local",
    MEETING_PROVIDER: "auto",
    MEETING_BAAS_API_KEY: "",
    ...env,
  };
  const child =
    style === "npm start"
      ? spawn("npm", ["start", "--silent", ...(args.length ? ["--", ...args] : [])], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] })
      : spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", ...args], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (gone) throw new Error(`the server exited during start-up:\n${output}`);
      return fetch(`${url}/health`).then(
        (response) => response.ok,
        () => false,
      );
    },
    90_000,
    "the server process to answer /health",
  );
  const logs = (msg: string | RegExp) =>
    output
      .split("\n")
      .flatMap((line): Record<string, unknown>[] => {
        try {
          return line.startsWith("{") ? [JSON.parse(line) as Record<string, unknown>] : [];
        } catch {
          // The last line may still be arriving.
          return [];
        }
      })
      .filter((entry) => (typeof msg === "string" ? entry.msg === msg : msg.test(String(entry.msg))));
  return { child, url, output: () => output, logs, exited };
}
