import { describe, expect, it } from "vitest";
import { silentLogger } from "../logger.js";
import type { ProviderRegistry } from "../meeting/provider-registry.js";
import { BotManager, type BotManagerOptions } from "./bot-manager.js";
import { botRequestSchema } from "./bot-request.js";

function manager(allowHttpImages: boolean): BotManager {
  const refuse = () => {
    throw new Error("the image check must come first");
  };
  const options: BotManagerOptions = {
    logger: silentLogger,
    providers: { select: refuse } as unknown as ProviderRegistry,
    personas: { resolve: refuse },
    createEngine: refuse,
    serverApiKey: undefined,
    baseUrl: undefined,
    tunnelUrl: () => undefined,
    connectTimeoutMs: 1000,
    reconnectGraceMs: 1000,
    allowHttpImages,
  };
  return new BotManager(options);
}

describe("bot_image over plain http", () => {
  it("is refused with a 400 naming the field unless the server is a loopback development server", async () => {
    const request = botRequestSchema.parse({ meeting_url: "https://meet.google.com/abc-defg-hij", bot_image: "http://cdn.example.com/bot.png" });
    const context = { apiKey: undefined, tenant: undefined, mayUseServerKey: true, headers: {}, encrypted: false };
    await expect(manager(false).launch(request, context)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^bot_image: must be an https/) });
    await expect(manager(true).launch(request, context)).rejects.toThrow(/the image check must come first/);
  });
});
