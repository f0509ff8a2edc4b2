/**
 * @module cli/shutdown-signals
 * Turns SIGINT, SIGTERM and SIGHUP into one graceful stop (every bot leaves first). A person who
 * signals again later means "now": the process exits without waiting. The same signal arriving twice
 * at once is one request, not two: Ctrl+C under `npm start` reaches the server from the terminal and
 * again forwarded by npm.
 */

export const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/** Repeats closer together than this are the same request delivered twice. */
const DUPLICATE_WINDOW_MS = 1000;

export interface ShutdownSignalOptions {
  /** Runs once; the process exits with 0 when it resolves, 1 when it rejects. */
  stop(signal: ShutdownSignal): Promise<void>;
  log: { info(obj: object, msg: string): void; warn(msg: string): void; error(obj: object, msg: string): void };
  /** The process to listen on and exit; tests pass their own. */
  target?: Pick<NodeJS.Process, "on" | "exit">;
  now?: () => number;
}

export function exitGracefullyOnSignals(options: ShutdownSignalOptions): void {
  const target = options.target ?? process;
  const now = options.now ?? (() => performance.now());
  let first: { signal: ShutdownSignal; at: number } | undefined;
  const onSignal = (signal: ShutdownSignal): void => {
    if (first) {
      if (signal === first.signal && now() - first.at < DUPLICATE_WINDOW_MS) return;
      options.log.warn("second signal: exiting without waiting for bots");
      target.exit(1);
      return;
    }
    first = { signal, at: now() };
    options.log.info({ signal }, "shutting down: every bot leaves its meeting first");
    void options.stop(signal).then(
      () => target.exit(0),
      (error: unknown) => {
        options.log.error({ err: error instanceof Error ? error.message : String(error) }, "shutdown failed");
        target.exit(1);
      },
    );
  };
  for (const signal of SHUTDOWN_SIGNALS) target.on(signal, () => onSignal(signal));
}
