/**
 * @module cli/commands/serve
 * `speaking-bots serve`: runs the API server until Ctrl+C or SIGTERM, then makes every bot leave its
 * meeting before exiting. `--local-dev` opens a tunnel so real meeting providers can reach it.
 * Without API keys it listens only on loopback unless `--allow-anonymous` says otherwise.
 */
import { Command } from "commander";
import { createLogger } from "../../logger.js";
import { accessMode, describeAccess } from "../../server/auth/exposure.js";
import { startServer } from "../../server/start.js";
import { openTunnel } from "../../server/tunnel.js";
import { configFromEnvironment } from "../load-env.js";

export function serveCommand(): Command {
  return new Command("serve")
    .description("run the API server (the default embedded setup needs no keys)")
    .option("-p, --port <port>", "port to listen on (PORT)")
    .option("--host <host>", "interface to listen on (HOST)")
    .option("--local-dev", "open an ngrok tunnel (NGROK_AUTHTOKEN) so real meeting providers reach this machine")
    .option("--allow-anonymous", "without SPEAKING_BOTS_API_KEYS, listen on a non-loopback HOST anyway (ALLOW_ANONYMOUS)")
    .action(async (options: { port?: string; host?: string; localDev?: boolean; allowAnonymous?: boolean }) => {
      const config = configFromEnvironment({ PORT: options.port, HOST: options.host, ALLOW_ANONYMOUS: options.allowAnonymous ? "true" : undefined });
      const logger = createLogger(config.LOG_LEVEL);
      let tunnelUrl: string | undefined;
      const server = await startServer(config, { logger, tunnelUrl: () => tunnelUrl, publicTunnel: options.localDev });
      const tunnel = options.localDev ? await openTunnel(server.app.server.address(), config.NGROK_AUTHTOKEN, logger) : null;
      tunnelUrl = tunnel?.url;
      const roomUrl = `${server.url}/meet/lobby`;
      logger.info({ url: server.url, docs: `${server.url}/docs`, room: roomUrl, tunnel: tunnelUrl }, "Speaking Bots is ready");
      const access = describeAccess(accessMode(config, { tunnel: options.localDev }), config.HOST);
      process.stdout.write(
        `\n  Speaking Bots is listening on ${server.url}\n  Meeting room: ${roomUrl}\n  API docs:     ${server.url}/docs\n  Access:       ${access.level === "warn" ? "WARNING: " : ""}${access.message}\n\n`,
      );
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) {
          logger.warn("second signal: exiting without waiting for bots");
          process.exit(1);
        }
        stopping = true;
        logger.info({ signal }, "shutting down: every bot leaves its meeting first");
        await tunnel?.close().catch(() => {});
        await server.close();
        process.exit(0);
      };
      process.on("SIGINT", () => void stop("SIGINT"));
      process.on("SIGTERM", () => void stop("SIGTERM"));
    });
}
