/**
 * A bot in a meeting with two people, end to end: the MeetingBaas emulator streams each person's
 * voice (flite, one voice each) with speaker events; the bot's real VAD hears it. The bot answers
 * the question put to it by name, stays out of the side talk and the question to someone else,
 * shows the live roster on GET /bots/{id}, and counts its decisions in /metrics.
 */
import { describe, expect, it } from "vitest";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { FakeOpenAiServer } from "../../src/services/llm/testing/fake-openai-server.js";
import { fliteMissing } from "../../src/services/tts/local/flite-library.js";
import { runAudioMeeting } from "../../src/testing/meeting-sim/run-audio-meeting.js";
import type { Scenario } from "../../src/testing/meeting-sim/scenarios.js";
import { json, startTestServer, waitFor } from "./helpers.js";

const MEETING: Scenario = {
  name: "e2e group",
  humans: ["Alice", "Bob"],
  utterances: [
    { speaker: "Alice", text: "Bob, did you see the build this morning?", expect: "silent", kind: "addressed to another" },
    { speaker: "Bob", text: "Yes, it is green again.", expect: "silent", kind: "side talk" },
    { speaker: "Alice", text: "Sam, what is on the agenda today?", heard: "Sem, what is on the agenda today?", expect: "speak", kind: "addressed, misheard" },
    { speaker: "Bob", text: "Alice, can we take this offline?", expect: "silent", kind: "addressed to another" },
  ],
};

describe.skipIf(fliteMissing())("a bot in a group meeting", () => {
  it("answers only what is put to it, over the real stream protocol and VAD", async () => {
    const result = await runAudioMeeting(MEETING, startTestServer);
    const outcome = result.utterances.map((u) => `${u.expect}:${u.spoke ? "spoke" : "silent"}`);
    expect(outcome, result.transcript.join("\n")).toEqual(["silent:silent", "silent:silent", "speak:spoke", "silent:silent"]);
    expect(result.botOverHumanMs).toBeLessThan(200);
  }, 120_000);

  it("shows the roster from the speaker events and counts decisions in /metrics", async () => {
    const baas = new FakeMeetingBaas({ script: { participants: ["Alice", "Bob", "Sam"], connectDelayMs: 20 } });
    const llm = new FakeOpenAiServer({ replies: [{ text: "Hello." }] });
    const server = await startTestServer({ MEETING_BAAS_API_URL: await baas.start(), LLM_BASE_URL: await llm.start(), LLM_MODEL: "scripted" });
    try {
      const created = await fetch(`${server.url}/bots`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-meeting-baas-api-key": "test-key" },
        body: JSON.stringify({ meeting_url: "https://meet.google.com/abc-defg-hij", bot_name: "Sam", turn_policy: { mode: "addressed", aliases: ["Sammy"] } }),
      });
      expect(created.status).toBe(201);
      const { bot_id: botId } = (await json(created)) as { bot_id: string };
      const roster = await waitFor(async () => {
        const info = (await json(await fetch(`${server.url}/bots/${botId}`))) as { roster: { name: string; kind: string }[] };
        return info.roster.length === 3 && info.roster;
      }, 10_000, "the roster");
      expect(roster.map((p) => `${p.name}:${p.kind}`)).toEqual(["Alice:human", "Bob:human", "Sam:self"]);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/# TYPE speaking_bots_turn_decisions_total counter/);

      const bad = await fetch(`${server.url}/bots`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-meeting-baas-api-key": "test-key" },
        body: JSON.stringify({ meeting_url: "https://meet.google.com/abc-defg-hij", turn_policy: { mode: "sometimes" } }),
      });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await json(bad))).toMatch(/turn_policy/);
    } finally {
      await server.close();
      await baas.stop();
      await llm.stop();
    }
  }, 60_000);
});
