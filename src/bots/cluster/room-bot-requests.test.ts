/**
 * Which bot requests are for the cluster's built-in rooms, and how they reach the worker holding
 * the room: only `local:` URLs and `/meet/<room>` links on the API node's or a worker's own address
 * count; the link is rewritten to the holder's BASE_URL with its token kept.
 */
import { describe, expect, it } from "vitest";
import { botRequestSchema } from "../bot-request.js";
import { clusterRoomOf, requestForRoomWorker, roomOfPlacement } from "./room-bot-requests.js";
import type { MeetingProvider } from "../../meeting/meeting-provider.js";

const API = "https://api.example.com";
const workers = [{ baseUrl: "https://w1.example.com" }, { baseUrl: "http://10.0.0.7:7015/" }];
const own = (url: string) => new URL(url).origin === API;
const ask = (meetingUrl: string, extra: Record<string, unknown> = {}) => botRequestSchema.parse({ meeting_url: meetingUrl, ...extra });

describe("cluster room bot requests", () => {
  it("recognises the cluster's own room links and nothing else", () => {
    expect(clusterRoomOf(ask("local:Lobby"), own, workers)).toBe("lobby");
    expect(clusterRoomOf(ask(`${API}/meet/lobby?t=abc`), own, workers)).toBe("lobby");
    expect(clusterRoomOf(ask("https://w1.example.com/meet/den"), own, workers)).toBe("den");
    expect(clusterRoomOf(ask("http://10.0.0.7:7015/meet/den"), own, workers)).toBe("den");
    expect(clusterRoomOf(ask("https://elsewhere.example.com/meet/lobby"), own, workers)).toBeUndefined();
    expect(clusterRoomOf(ask("http://10.0.0.7:7016/meet/den"), own, workers)).toBeUndefined();
    expect(clusterRoomOf(ask("https://meet.google.com/abc-defg-hij"), own, workers)).toBeUndefined();
    expect(clusterRoomOf(ask(`${API}/meet/lobby`, { provider: "meetingbaas" }), own, workers)).toBeUndefined();
    expect(clusterRoomOf(ask(`${API}/meet/lobby`, { provider: "local" }), own, workers)).toBe("lobby");
  });

  it("rewrites a room link to the worker holding the room, keeping its token", () => {
    expect(requestForRoomWorker(ask(`${API}/meet/Lobby?t=tok_1-x`), "lobby", workers[1] ?? { baseUrl: "" }).meeting_url).toBe("http://10.0.0.7:7015/meet/lobby?t=tok_1-x");
    expect(requestForRoomWorker(ask("local:lobby"), "lobby", workers[0] ?? { baseUrl: "" }).meeting_url).toBe("https://w1.example.com/meet/lobby");
    const rewritten = requestForRoomWorker(ask("local:lobby", { personas: ["storyteller"] }), "lobby", workers[0] ?? { baseUrl: "" });
    expect(rewritten.personas).toEqual(["storyteller"]);
  });

  it("tells a worker which room a placement is for, from the job or from its own room links", () => {
    const local = { accepts: (url: URL) => url.origin === "https://w1.example.com" } as unknown as MeetingProvider;
    const placement = { botId: "b", launch: 1, reason: "launch" as const };
    expect(roomOfPlacement({ ...placement, room: "den" }, ask("https://meet.google.com/abc-defg-hij"), local)).toBe("den");
    expect(roomOfPlacement(placement, ask("https://w1.example.com/meet/den"), local)).toBe("den");
    expect(roomOfPlacement(placement, ask("https://w2.example.com/meet/den"), local)).toBeUndefined();
    expect(roomOfPlacement(placement, ask("https://meet.google.com/abc-defg-hij"), local)).toBeUndefined();
  });
});
