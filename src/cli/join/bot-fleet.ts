/**
 * @module cli/join/bot-fleet
 * The bots one `join` command runs in a meeting: launching them, polling their status, launching a
 * replacement for one that failed (a bounded number of times), and making them all leave. It also
 * follows who holds the meeting's floor (GET /meetings), for the status table.
 */
import { CancellableTask } from "../../util/cancellable-task.js";
import type { BotStatus, PersonaSummary, SpeakingBotsClient } from "../api-client.js";

export interface FleetBot {
  label: string;
  persona: PersonaSummary | null;
  botId: string | null;
  status: BotStatus["status"] | "launching" | "gave up";
  speaking: boolean;
  restarts: number;
  error: string | null;
}

/** Who holds the meeting's floor: a bot's label, "free", "another bot" (not one of ours), or unknown. */
export type FloorState = string | undefined;

export interface FleetOptions {
  client: SpeakingBotsClient;
  meetingUrl: string;
  /** The meeting provider named in each launch; the server's default when undefined. */
  provider?: string;
  maxRestarts: number;
  onChange(bots: readonly FleetBot[], floor: FloorState): void;
  log(line: string): void;
}

export class BotFleet {
  readonly bots: FleetBot[] = [];
  /** Status polling, while watching: one round at a time, so a failed bot is relaunched once. */
  private polling: CancellableTask | undefined;
  /** The meeting URL bots are sent to; a built-in room's link (with its token) once the first bot opened it. */
  private meetingUrl: string;
  /** Undefined until known, and for good once the server turns out not to list meetings. */
  floor: FloorState;
  private floorUnavailable = false;

  constructor(private readonly options: FleetOptions) {
    this.meetingUrl = options.meetingUrl;
  }

  async add(persona: PersonaSummary | null): Promise<void> {
    const bot: FleetBot = { label: persona?.name ?? "Recorder", persona, botId: null, status: "launching", speaking: false, restarts: 0, error: null };
    this.bots.push(bot);
    await this.launch(bot);
  }

  /** Polls every bot's status until stopped. */
  watch(intervalMs = 1000): void {
    this.polling = CancellableTask.every(intervalMs, () => this.refresh(), (error) => this.options.log(`status polling stopped: ${error.message}`));
  }

  async refresh(): Promise<void> {
    await Promise.all(this.bots.map((bot) => this.refreshOne(bot)));
    await this.refreshFloor();
    this.options.onChange(this.bots, this.floor);
  }

  /** Asks every bot to leave and waits until each reports ended (or the time runs out). */
  async leaveAll(timeoutMs: number): Promise<boolean> {
    // A round in progress finishes first, so no relaunch starts once the bots are told to leave.
    const polling = this.polling;
    this.polling = undefined;
    await polling?.cancel();
    const live = this.bots.filter((bot) => bot.botId && bot.status !== "ended" && bot.status !== "failed" && bot.status !== "gave up");
    await Promise.all(live.map((bot) => this.options.client.leave(bot.botId as string).catch((error: Error) => this.options.log(`${bot.label}: leave failed: ${error.message}`))));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.refresh();
      if (live.every((bot) => bot.status === "ended" || bot.status === "failed")) return true;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return false;
  }

  private async launch(bot: FleetBot): Promise<void> {
    bot.status = "launching";
    try {
      const body: Record<string, unknown> = { meeting_url: this.meetingUrl };
      if (this.options.provider) body.provider = this.options.provider;
      if (bot.persona) body.personas = [bot.persona.key];
      else Object.assign(body, { recorder: true, bot_name: "Recorder" });
      const launched = await this.options.client.launch(body);
      bot.botId = launched.botId;
      if (launched.meetingLink && launched.meetingLink !== this.meetingUrl) {
        this.meetingUrl = launched.meetingLink;
        this.options.log(`Room link (open it to join): ${launched.meetingLink}`);
      }
      bot.status = "joining";
      bot.error = null;
      this.options.log(`${bot.label}: launched as ${bot.botId}${bot.persona ? ` — ${bot.persona.prompt_head}` : " (listen-only recorder)"}`);
    } catch (error) {
      bot.status = "failed";
      bot.error = (error as Error).message;
      this.options.log(`${bot.label}: could not launch: ${bot.error}`);
    }
    this.options.onChange(this.bots, this.floor);
  }

  /** Finds our bots' meeting group and its floor holder; a server without GET /meetings (an older one) shows none. */
  private async refreshFloor(): Promise<void> {
    if (this.floorUnavailable) return;
    const ours = new Map(this.bots.filter((b) => b.botId).map((b) => [b.botId as string, b.label]));
    try {
      const meeting = (await this.options.client.meetings()).find((m) => m.bots.some((b) => ours.has(b.bot_id)));
      const holder = meeting?.floor_holder ?? null;
      this.floor = holder === null ? "free" : (ours.get(holder) ?? "another bot");
    } catch (error) {
      this.floorUnavailable = true;
      this.floor = undefined;
      this.options.log(`The meeting floor is not shown: ${(error as Error).message}`);
    }
  }

  private async refreshOne(bot: FleetBot): Promise<void> {
    if (!bot.botId || bot.status === "gave up") return;
    try {
      const status = await this.options.client.status(bot.botId);
      bot.status = status.status;
      bot.speaking = status.speaking;
      bot.error = status.last_error;
    } catch (error) {
      bot.error = (error as Error).message;
    }
    if (bot.status === "failed" && this.polling) await this.restart(bot);
  }

  private async restart(bot: FleetBot): Promise<void> {
    if (bot.restarts >= this.options.maxRestarts) {
      bot.status = "gave up";
      this.options.log(`${bot.label}: failed ${bot.restarts + 1} times (${bot.error ?? "no reason"}); giving up`);
      return;
    }
    bot.restarts += 1;
    this.options.log(`${bot.label}: failed (${bot.error ?? "no reason"}); relaunching, attempt ${bot.restarts} of ${this.options.maxRestarts}`);
    await this.launch(bot);
  }
}
