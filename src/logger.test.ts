import pino from "pino";
import { describe, expect, it } from "vitest";
import { loggerOptions } from "./logger.js";

describe("logger", () => {
  it("never writes API keys", () => {
    const lines: string[] = [];
    const logger = pino(loggerOptions("info"), { write: (line: string) => lines.push(line) });
    logger.info({ req: { headers: { "x-meeting-baas-api-key": "sk-secret-1", authorization: "Token sk-secret-2" } }, apiKey: "sk-secret-3" }, "request");
    logger.info({ config: { apiKey: "sk-secret-4" } }, "config");
    expect(lines.join("")).not.toMatch(/sk-secret/);
    expect(lines.join("")).toContain("[redacted]");
  });
});
