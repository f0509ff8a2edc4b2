/**
 * @module cli/commands/serve
 * `speaking-bots serve`: runs the API server until Ctrl+C, SIGTERM or SIGHUP, then makes every bot
 * leave its meeting before exiting. `--local-dev` opens a tunnel so real meeting providers can reach it.
 * Without API keys it listens only on loopback unless `--allow-anonymous` says otherwise.
 */
import { Command, Option } from "commander";
import { errorMessage } from "../../core/errors.js";
import { createLogger } from "../../logger.js";
import { accessMode, describeAccess } from "../../server/auth/exposure.js";
import { type RunningServer, type StartOptions, startServer } from "../../server/start.js";
import type { Config } from "../../config.js";
import { type Tunnel, openTunnel } from "../../server/tunnel.js";
import { configFromEnvironment } from "../load-env.js";
import { exitGracefullyOnSignals } from "../shutdown-signals.js";

export function serveCommand(): Command {
  return new Command("serve")
    .description("run the API server (the default embedded setup needs no keys)")
    .option("-p, --port <port>", "port to listen on (PORT)")
    .option("--host <host>", "interface to listen on (HOST)")
    .option("--local-dev", "open an ngrok tunnel (NGROK_AUTHTOKEN) so real meeting providers reach this machine")
    .option("--allow-anonymous", "without SPEAKING_BOTS_API_KEYS, listen on a non-loopback HOST anyway (ALLOW_ANONYMOUS)")
    .addOption(new Option("--role <role>", "all: one process does everything; api or worker: one part of a cluster (needs REDIS_URL)").choices(["all", "api", "worker"]).default("all"))
    .action(async (options: { port?: string; host?: string; localDev?: boolean; allowAnonymous?: boolean; role: "all" | "api" | "worker" }) => {
      const config = configFromEnvironment({ PORT: options.port, HOST: options.host, ALLOW_ANONYMOUS: options.allowAnonymous ? "true" : undefined });
      const logger = createLogger(config.LOG_LEVEL);
      let tunnelUrl: string | undefined;
      let tunnel: Tunnel | null = null;
      const starting = startRole(config, options.role, { logger, tunnelUrl: () => tunnelUrl, publicTunnel: options.localDev });
      // Listening from the start: a signal during start-up still makes every (recovered) bot leave.
      exitGracefullyOnSignals({
        log: logger,
        stop: async () => {
          const server = await starting;
          await tunnel?.close().catch((error: unknown) => logger.warn({ err: errorMessage(error) }, "tunnel did not close cleanly"));
          await server.close();
        },
      });
      const server = await starting;
      tunnel = options.localDev ? await openTunnel(server.app.server.address(), config.NGROK_AUTHTOKEN, logger) : null;
      tunnelUrl = tunnel?.url;
      const roomUrl = `${server.url}/meet/lobby`;
      logger.info({ url: server.url, docs: `${server.url}/docs`, room: roomUrl, tunnel: tunnelUrl }, "Speaking Bots is ready");
      const access = describeAccess(accessMode(config, { tunnel: options.localDev }), config.HOST);
      process.stdout.write(
        `\n  Speaking Bots is listening on ${server.url}\n  Meeting room: ${roomUrl}\n  API docs:     ${server.url}/docs\n  Access:       ${access.level === "warn" ? "WARNING: " : ""}${access.message}\n\n`,
      );
    });
}

/** The single process of today, unless REDIS_URL or a role asks for a cluster node (loaded only then). */
async function startRole(config: Config, role: "all" | "api" | "worker", options: StartOptions): Promise<RunningServer> {
  if (!config.REDIS_URL && role === "all") return startServer(config, options);
  const { startClusterNode } = await import("../../server/cluster/start-cluster-node.js");
  return startClusterNode(config, role, options);
}
