/**
 * @module cli/join/status-view
 * Shows the bots' status: a table redrawn in place on a terminal, one plain line per change
 * otherwise (logs, CI, pipes).
 */
import type { FleetBot } from "./bot-fleet.js";

function describe(bot: FleetBot): string {
  if (bot.status === "in_call" && bot.speaking) return "speaking";
  return bot.status.replace("_", " ");
}

export class StatusView {
  private lastLines = 0;
  private readonly lastState = new Map<FleetBot, string>();
  private lastFloor: string | undefined;

  constructor(private readonly out: NodeJS.WriteStream) {}

  get interactive(): boolean {
    return Boolean(this.out.isTTY);
  }

  /** Prints a log line above the table. */
  log(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
    this.lastLines = 0;
  }

  /** `floor`: who holds the meeting's floor (a bot's label or "free"); undefined when the server does not say. */
  render(bots: readonly FleetBot[], floor?: string): void {
    if (!this.interactive) {
      if (floor !== undefined && floor !== this.lastFloor) this.out.write(`floor: ${floor}\n`);
      this.lastFloor = floor;
      for (const bot of bots) {
        const state = describe(bot);
        if (this.lastState.get(bot) !== state) this.out.write(`${bot.label}: ${state}${bot.error && state === "failed" ? ` (${bot.error})` : ""}\n`);
        this.lastState.set(bot, state);
      }
      return;
    }
    this.clear();
    const width = Math.max(8, ...bots.map((b) => b.label.length));
    const lines = bots.map((b, i) => `  ${String(i + 1).padStart(2)}  ${b.label.padEnd(width)}  ${describe(b).padEnd(9)}  ${b.botId ?? ""}`);
    if (floor !== undefined) lines.push(`  Floor: ${floor}`);
    lines.push("  Enter: add a bot   Ctrl+C: everyone leaves");
    this.out.write(`${lines.join("\n")}\n`);
    this.lastLines = lines.length;
  }

  private clear(): void {
    if (this.interactive && this.lastLines) this.out.write(`\x1b[${this.lastLines}A\x1b[0J`);
    this.lastLines = 0;
  }
}
