/**
 * @module cli/load-env
 * Reads `.env` from the working directory when there is one, without overriding variables that are
 * already set, then validates the whole environment.
 */
import { existsSync } from "node:fs";
import { type Config, loadConfig } from "../config.js";

export function configFromEnvironment(overrides: Record<string, string | undefined> = {}): Config {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const env = { ...process.env };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) env[key] = value;
  return loadConfig(env);
}
