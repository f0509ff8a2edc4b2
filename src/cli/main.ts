#!/usr/bin/env node
/**
 * @module cli/main
 * The `speaking-bots` command: `serve` runs the API server, `join` sends bots into a meeting,
 * `personas` manages the persona library.
 */
import { Command } from "commander";
import { VERSION } from "../server/version.js";
import { joinCommand } from "./commands/join.js";
import { serveCommand } from "./commands/serve.js";

const program = new Command("speaking-bots")
  .description("AI speaking bots with personas for video meetings")
  .version(VERSION)
  .addCommand(serveCommand())
  .addCommand(joinCommand());

await program.parseAsync(process.argv);
