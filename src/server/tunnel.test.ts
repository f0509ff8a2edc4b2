import { describe, expect, it } from "vitest";
import pino from "pino";
import { openTunnel } from "./tunnel.js";

describe("openTunnel", () => {
  it("explains, without a token, that only the built-in room works locally", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    expect(await openTunnel({ address: "127.0.0.1", family: "IPv4", port: 7014 }, undefined, logger)).toBeNull();
    expect(lines.join("")).toContain("built-in meeting room");
  });
});
