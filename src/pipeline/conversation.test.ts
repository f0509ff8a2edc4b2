import { describe, expect, it } from "vitest";
import { Conversation } from "./conversation.js";

describe("Conversation", () => {
  it("keeps the system prompt and drops the oldest turns, never splitting a tool exchange", () => {
    const c = new Conversation("You are a host.", 6);
    c.addUser("Ada", "first question");
    c.addAssistant("first answer");
    c.addUser("Bo", "what time is it in Tokyo");
    c.addToolExchange([{ id: "t1", name: "get_time", arguments: "{}" }], [{ callId: "t1", result: "9 PM" }]);
    c.addAssistant("It is 9 PM.");
    c.addUser("Ada", "thanks");
    const messages = c.messages();
    expect(messages[0]).toEqual({ role: "system", content: "You are a host." });
    expect(messages.length).toBeLessThanOrEqual(6);
    expect(messages[1]?.role).toBe("user");
    const toolIndex = messages.findIndex((m) => m.role === "tool");
    if (toolIndex >= 0) expect(messages[toolIndex - 1]).toMatchObject({ role: "assistant", content: null });
    expect(messages.at(-1)).toEqual({ role: "user", content: "Ada: thanks" });
  });

  it("joins consecutive pieces of one spoken reply", () => {
    const c = new Conversation("s", 10);
    c.addAssistant("Hello.");
    c.addAssistant("How are you?");
    c.addAssistant("   ");
    expect(c.messages().slice(1)).toEqual([{ role: "assistant", content: "Hello. How are you?" }]);
  });
});
