import { describe, expect, it } from "vitest";
import { Participant, Room } from "./room.js";
import { KEPT_LINES, RoomTranscript } from "./room-transcript.js";

const alone = { scribe: "bot-1", isBot: (name: string) => name === "Guide" };

describe("RoomTranscript", () => {
  it("gives an utterance one id from its first interim to its final, and the time it began", () => {
    let now = 1000;
    const transcript = new RoomTranscript(() => now);
    const base = { botId: "bot-1", botName: "Guide", role: "heard" as const, speaker: "Ada" };
    const first = transcript.accept({ ...base, text: "what", final: false }, alone);
    now = 2000;
    const second = transcript.accept({ ...base, text: "what time", final: false }, alone);
    const final = transcript.accept({ ...base, text: "what time is it", final: true }, alone);
    expect(first?.id).toBeDefined();
    expect(second?.id).toBe(first?.id);
    expect(final).toMatchObject({ id: first?.id, at: 1000, text: "what time is it", final: true });
    const next = transcript.accept({ ...base, text: "and in Paris", final: true }, alone);
    expect(next?.id).not.toBe(first?.id);
    expect(transcript.history.map((l) => l.text)).toEqual(["what time is it", "and in Paris"]);
  });

  it("keeps said lines apart from heard ones, each with its own id, and the reply's latency", () => {
    const transcript = new RoomTranscript();
    const heard = transcript.accept({ botId: "bot-1", botName: "Guide", role: "heard", speaker: "Ada", text: "hi", final: false }, alone);
    const said = transcript.accept({ botId: "bot-1", botName: "Guide", role: "said", speaker: null, text: "Hello Ada.", final: true, latencyMs: 640 }, alone);
    expect(said?.id).not.toBe(heard?.id);
    expect(said?.latencyMs).toBe(640);
  });

  it("shows what was heard through the scribe only, and never a bot's speech as heard", () => {
    const transcript = new RoomTranscript();
    const two = { scribe: "bot-1", isBot: (name: string) => name === "Guide" || name === "Critic" };
    expect(transcript.accept({ botId: "bot-2", botName: "Critic", role: "heard", speaker: "Ada", text: "hi", final: true }, two)).toBeUndefined();
    expect(transcript.accept({ botId: "bot-1", botName: "Guide", role: "heard", speaker: "Critic", text: "i disagree", final: true }, two)).toBeUndefined();
    expect(transcript.accept({ botId: "bot-1", botName: "Guide", role: "heard", speaker: "Ada", text: "hi", final: true }, two)?.text).toBe("hi");
    expect(transcript.accept({ botId: "bot-2", botName: "Critic", role: "said", speaker: null, text: "I disagree.", final: true }, two)?.text).toBe("I disagree.");
  });

  it("keeps only the last lines", () => {
    const transcript = new RoomTranscript();
    for (let i = 0; i < KEPT_LINES + 5; i++) transcript.accept({ botId: "bot-1", botName: "Guide", role: "said", speaker: null, text: `line ${i}`, final: true }, alone);
    expect(transcript.history).toHaveLength(KEPT_LINES);
    expect(transcript.history[0]?.text).toBe("line 5");
  });
});

describe("a room's transcript and bot states", () => {
  function person(room: Room, name: string) {
    const notices: Record<string, unknown>[] = [];
    room.add(new Participant(`human-${name}`, name, "human", { audio: () => undefined, roster: () => undefined, notice: (m) => notices.push(JSON.parse(m)) }));
    return notices;
  }
  const bot = (room: Room, botId: string, name: string) => room.add(new Participant(`bot-${botId}`, name, "bot", { audio: () => undefined, roster: () => undefined }, botId));

  it("shows each utterance once however many bots heard it, with the first bot in the room as scribe", () => {
    const room = new Room("r");
    const ada = person(room, "Ada");
    bot(room, "b1", "Guide");
    bot(room, "b2", "Critic");
    for (const botId of ["b1", "b2"]) room.publishTranscript({ botId, botName: botId, role: "heard", speaker: "Ada", text: "what time is it", final: true });
    expect(ada.filter((n) => n.type === "transcript")).toEqual([expect.objectContaining({ botId: "b1", text: "what time is it" })]);
    room.remove("bot-b1");
    room.publishTranscript({ botId: "b2", botName: "Critic", role: "heard", speaker: "Ada", text: "still there", final: true });
    expect(ada.filter((n) => n.type === "transcript").at(-1)).toMatchObject({ botId: "b2", text: "still there" });
  });

  it("announces a bot's voice state at once and carries it in the roster", () => {
    const room = new Room("r");
    const ada = person(room, "Ada");
    bot(room, "b1", "Guide");
    room.tick();
    expect(room.roster().find((p) => p.kind === "bot")?.state).toBeNull();
    room.setVoiceState("bot-b1", "thinking");
    room.setVoiceState("bot-b1", "thinking");
    room.setVoiceState("human-Ada", "speaking");
    expect(ada.filter((n) => n.type === "bot-state")).toEqual([{ type: "bot-state", botId: "b1", state: "thinking" }]);
    expect(room.roster().find((p) => p.kind === "bot")?.state).toBe("thinking");
    expect(room.roster().find((p) => p.kind === "human")?.state).toBeNull();
  });
});
