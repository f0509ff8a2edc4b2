#!/usr/bin/env node
/**
 * @module cli/main
 * The `speaking-bots` command: `serve` runs the API server, `join` sends bots into a meeting,
 * `personas` manages the persona library.
 */
import { Command } from "commander";
import { VERSION } from "../core/version.js";
import { joinCommand } from "./commands/join.js";
import { personasCommand } from "./commands/personas.js";
import { serveCommand } from "./commands/serve.js";

const program = new Command("speaking-bots")
  .description("AI speaking bots with personas for video meetings")
  .version(VERSION)
  .addCommand(serveCommand())
  .addCommand(joinCommand())
  .addCommand(personasCommand());

// Output piped into `head` and the like may close early; that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Configuration and start-up problems are the user's to fix: say what is wrong, without a stack.
  process.stderr.write(`speaking-bots: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
