import { describe, expect, it } from "vitest";
import { silentLogger } from "../../logger.js";
import { PipecatRelay } from "./pipecat-relay.js";
import { PipecatRelayRegistry, createPipecatToken } from "./pipecat-relay-registry.js";

const relay = (token: string) =>
  new PipecatRelay(
    {
      botId: "client-id",
      streamSampleRate: 16000,
      persona: { key: "k", name: "Bot", systemPrompt: "", entryMessage: undefined, voiceId: undefined, gender: undefined, language: "en-US", image: undefined, chosenBy: "test" },
      enableTools: false,
      sendAudio: () => undefined,
      onFatal: (error) => {
        throw error;
      },
    },
    { token, logger: silentLogger, onStop: () => undefined },
  );

describe("PipecatRelayRegistry", () => {
  it("makes 32-byte base64url secrets that never repeat", () => {
    const tokens = new Set(Array.from({ length: 1000 }, createPipecatToken));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("finds a relay by its exact token only, and forgets it once removed", () => {
    const registry = new PipecatRelayRegistry();
    const token = createPipecatToken();
    const found = relay(token);
    registry.add(token, found);
    expect(registry.find(token)).toBe(found);
    const oneCharOff = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    for (const guess of [oneCharOff, token.toLowerCase(), `${token}x`, token.slice(1), "client-id", "", "../../etc"]) {
      expect(registry.find(guess)).toBeUndefined();
    }
    registry.remove(token);
    expect(registry.find(token)).toBeUndefined();
    expect(registry.size).toBe(0);
  });
});
