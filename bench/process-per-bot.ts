/**
 * @module bench/process-per-bot
 * Memory of one bot in a process of its own (the design this server replaces), measured by running
 * bench/one-bot-process.ts as a child process.
 */
import { execFileSync } from "node:child_process";

export function processPerBotRssMb(): number {
  const output = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", "bench/one-bot-process.ts"], { encoding: "utf8" });
  return (JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as { rssMb: number }).rssMb;
}
