/**
 * @module cli/commands/join
 * `speaking-bots join`: sends N bots with chosen personas into one meeting, shows their status,
 * adds another with Enter, and on Ctrl+C makes every bot leave before exiting (a second Ctrl+C
 * exits at once). Without --server it runs its own server in this process.
 */
import { join } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { createLogger } from "../../logger.js";
import { type RunningServer, startServer } from "../../server/start.js";
import { ApiError, SpeakingBotsClient } from "../api-client.js";
import type { ProviderName } from "../../meeting/meeting-provider.js";
import { BotFleet } from "../join/bot-fleet.js";
import { PROVIDER_NAMES, checkProviderForUrl, providerKeyHeader } from "../join/provider-choice.js";
import { StatusView } from "../join/status-view.js";
import { UsageError, checkPortFree, choosePersonas, validateMeetingUrl } from "../join/validate.js";
import { configFromEnvironment } from "../load-env.js";

interface JoinOptions {
  count: number;
  meetingUrl: string;
  personas: string[];
  startPort: number;
  addRecorder?: boolean;
  server?: string;
  apiKey?: string;
  provider?: ProviderName;
}

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError("expected a whole number from 1 to 100");
  return n;
};
const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError("expected a port number");
  return n;
};

async function connect(options: JoinOptions, roomServer: string | undefined, view: StatusView): Promise<{ client: SpeakingBotsClient; server?: RunningServer }> {
  const config = configFromEnvironment();
  const providerKeys = providerKeyHeader(options.provider, options.apiKey, config);
  const external = options.server ?? roomServer;
  if (external) return { client: new SpeakingBotsClient(external.replace(/\/+$/, ""), { serverKey: config.SPEAKING_BOTS_API_KEY, providerKeys }) };
  await checkPortFree(options.startPort);
  // Its own registry, so a `serve` on the same DATA_DIR keeps its own; bots a crashed run left behind are made to leave.
  const registry = { BOT_REGISTRY_FILE: join(config.DATA_DIR, `bots-join-${options.startPort}.sqlite`), RECOVER_BOTS: "leave" } as const;
  const server = await startServer({ ...config, ...registry, PORT: options.startPort, HOST: "127.0.0.1", LOG_LEVEL: "warn" }, { logger: createLogger("warn") });
  view.log(`Started a server on ${server.url}`);
  // The server in this process takes the keys of this environment; speak as its first tenant if need be.
  const serverKey = config.SPEAKING_BOTS_API_KEY ?? config.SPEAKING_BOTS_API_KEYS[0]?.key;
  return { client: new SpeakingBotsClient(server.url, { serverKey, providerKeys }), server };
}

async function run(options: JoinOptions): Promise<void> {
  const target = validateMeetingUrl(options.meetingUrl);
  checkProviderForUrl(options.provider, target.isRoom);
  const view = new StatusView(process.stdout);
  const { client, server } = await connect(options, target.roomServer, view);
  const available = await client.personas();
  const personas = choosePersonas(options.personas, available, options.count);
  const fleet = new BotFleet({ client, meetingUrl: target.meetingUrl, provider: options.provider, maxRestarts: 3, onChange: (bots, floor) => view.render(bots, floor), log: (line) => view.log(line) });
  for (const persona of personas) await fleet.add(persona);
  if (options.addRecorder) await fleet.add(null);
  fleet.watch();

  process.stdin.on("data", (chunk: Buffer) => {
    for (const _ of chunk.toString().match(/\r|\n/g) ?? []) {
      const used = new Set(fleet.bots.map((b) => b.persona?.key));
      const next = available.filter((p) => !used.has(p.key));
      const persona = (next.length ? next : available)[Math.floor(Math.random() * (next.length || available.length))];
      if (persona) void fleet.add(persona);
    }
  });
  process.stdin.resume();

  let leaving = false;
  process.on("SIGINT", () => {
    if (leaving) {
      view.log("Second Ctrl+C: exiting without waiting");
      process.exit(1);
    }
    leaving = true;
    view.log("Making every bot leave the meeting…");
    void fleet.leaveAll(20_000).then(async (allLeft) => {
      view.log(allLeft ? "All bots left the meeting." : "Some bots did not confirm leaving in time.");
      await server?.close();
      process.exit(allLeft ? 0 : 1);
    });
  });
}

export function joinCommand(): Command {
  return new Command("join")
    .description("send bots into a meeting; Enter adds one more, Ctrl+C makes them all leave")
    .requiredOption("--meeting-url <url>", "meeting link (https://…) or built-in room (http://host/meet/<room>, local:<room>)")
    .option("-c, --count <n>", "number of bots", positive, 1)
    .option("--personas <names...>", "personas in order; missing ones are picked at random", [])
    .option("-s, --start-port <port>", "port for the in-process server when --server is not given", port, 8765)
    .option("--add-recorder", "also add a listen-only bot that records the meeting to WAV and a transcript")
    .option("--server <url>", "use a running Speaking Bots server instead of starting one")
    .addOption(new Option("--provider <name>", "meeting provider carrying the bots (default: MeetingBaas for meeting links, local for rooms)").choices(PROVIDER_NAMES))
    .option("--api-key <key>", "the provider's API key (default: MEETING_BAAS_API_KEY, ATTENDEE_API_KEY or RECALL_API_KEY)")
    .action(async (options: JoinOptions) => {
      try {
        await run(options);
      } catch (error) {
        if (error instanceof UsageError || error instanceof ApiError) {
          process.stderr.write(`error: ${error.message}\n`);
          process.exit(2);
        }
        throw error;
      }
    });
}
