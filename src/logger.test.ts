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

describe("logger redaction of URLs", () => {
  it("hides URL credentials and passcodes in fields, messages, errors and request URLs", () => {
    const lines: string[] = [];
    const logger = pino(loggerOptions("info"), { write: (line: string) => lines.push(line) });
    logger.info({ llm: { reason: "LLM_BASE_URL=https://me:pa55word@llm.internal/v1" }, meetingUrl: "https://zoom.us/j/1?pwd=Zpass1" }, "chosen");
    logger.warn(`could not reach https://teams.microsoft.com/meet/1?p=Tpass2`);
    logger.error({ err: new Error("GET https://h/x?token=Tok3n4 failed") }, "boom");
    logger.info({ req: { method: "GET", url: "/meet/lobby/ws?name=Ada&t=RoomTok5", headers: {}, socket: { remotePort: 1 } } }, "incoming request");
    const all = lines.join("");
    for (const secret of ["pa55word", "Zpass1", "Tpass2", "Tok3n4", "RoomTok5"]) expect(all).not.toContain(secret);
    expect(all).toContain("name=Ada");
    expect(all).toContain("llm.internal/v1");
  });
});
