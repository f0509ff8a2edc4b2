import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { Participant } from "./room.js";
import { RoomHub } from "./room-hub.js";

const CLIENT_ID = "client-id-0123456789";

describe("RoomHub: what a bot's voice reports reaches its room", () => {
  let streams: WebSocketServer;
  let hub: RoomHub;
  beforeEach(async () => {
    // Where the bot dials its stream: a loopback listener that accepts and stays quiet.
    streams = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((resolve) => streams.once("listening", resolve));
    hub = new RoomHub();
  });
  afterEach(async () => {
    hub.stop();
    await new Promise((resolve) => streams.close(resolve));
  });

  it("finds the bot by the room's id or, before the room's answer arrived, by the server's own id", async () => {
    const notices: Record<string, unknown>[] = [];
    hub.room("r").add(new Participant("human-ada", "Ada", "human", { audio: () => undefined, roster: () => undefined, notice: (m) => notices.push(JSON.parse(m)) }));
    const url = `ws://127.0.0.1:${(streams.address() as AddressInfo).port}/ws/${CLIENT_ID}`;
    const member = await hub.addBot("r", "Guide", url, 16000);
    expect(member.clientId).toBe(CLIENT_ID);

    hub.publishVoiceState(CLIENT_ID, "listening");
    hub.publishVoiceState(member.botId, "thinking");
    hub.publishVoiceState("someone-else", "speaking");
    hub.publishTranscript(CLIENT_ID, "Guide", { role: "said", text: "Hello.", speaker: null, final: true });
    expect(notices.map((n) => [n.type, n.botId, n.state ?? n.text])).toEqual([
      ["bot-state", member.botId, "listening"],
      ["bot-state", member.botId, "thinking"],
      ["transcript", member.botId, "Hello."],
    ]);
    expect(hub.room("r").roster().find((p) => p.kind === "bot")?.state).toBe("thinking");

    hub.removeBot(member.botId);
    hub.publishVoiceState(member.botId, "speaking");
    expect(notices).toHaveLength(3);
  });
});
