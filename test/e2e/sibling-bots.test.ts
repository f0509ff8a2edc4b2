/**
 * Two bots of this server in one meeting, end to end: the MeetingBaas emulator carries both, a
 * person (a flite voice, with speaker events) greets everyone and asks the room a question, the
 * bots' real VADs hear it and both would answer. Exactly one of them speaks; the other stays silent
 * because its sibling answers. GET /meetings shows them as one group, and each bot names the other
 * as its sibling.
 */
import { describe, expect, it } from "vitest";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { FakeOpenAiServer } from "../../src/services/llm/testing/fake-openai-server.js";
import { FakeDeepgramServer } from "../../src/services/stt/testing/fake-deepgram-server.js";
import { fliteMissing } from "../../src/services/tts/local/flite-library.js";
import { FliteTextToSpeech } from "../../src/services/tts/local/flite-tts.js";
import { FakeCartesiaServer } from "../../src/services/tts/testing/fake-cartesia-server.js";
import { concatPcm } from "../../src/audio/pcm.js";
import { json, startTestServer, waitFor } from "./helpers.js";

const QUESTION = "Hi everyone, does anyone know when the release is?";
const MEET = "https://meet.google.com/sib-ling-bot";
/** Bot audio frames further apart than this belong to different replies. */
const REPLY_GAP_MS = 300;

async function voice(text: string): Promise<Int16Array> {
  const parts: Int16Array[] = [];
  const tts = new FliteTextToSpeech({ defaultVoice: "awb" });
  for await (const pcm of tts.synthesize(text.replace(/[,;:]/g, ""), { sampleRate: 16000, voiceId: "awb", gender: undefined, language: "en-US", signal: new AbortController().signal, context: "q" })) parts.push(pcm);
  return concatPcm(parts);
}

describe.skipIf(fliteMissing())("two bots of this server in one meeting", () => {
  it("answer a question to the room exactly once, and show as one meeting group", async () => {
    const baas = new FakeMeetingBaas({ apiKeys: ["k"], script: { participants: ["Alice", "Sam", "Alex"], connectDelayMs: 10, chunkSamples: 320 } });
    const deepgram = new FakeDeepgramServer({ apiKey: "dg", transcripts: [QUESTION], finalDelayMs: 150 });
    const llm = new FakeOpenAiServer({ replies: [{ text: "The release is planned for Friday." }] });
    const cartesia = new FakeCartesiaServer({ apiKey: "ca", msPerCharacter: 50 });
    const server = await startTestServer({
      MEETING_BAAS_API_URL: await baas.start(),
      MEETING_BAAS_API_KEY: "k",
      DEEPGRAM_API_KEY: "dg",
      DEEPGRAM_API_URL: await deepgram.start(),
      LLM_BASE_URL: await llm.start(),
      LLM_MODEL: "sim",
      CARTESIA_API_KEY: "ca",
      CARTESIA_API_URL: await cartesia.start(),
    });
    try {
      const launch = async (botName: string, persona: string) => {
        const response = await fetch(`${server.url}/bots`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ meeting_url: MEET, bot_name: botName, personas: [persona], entry_message: "Hi.", enable_tools: false, turn_policy: { room_questions: "answer" } }),
        });
        expect(response.status).toBe(201);
        return ((await json(response)) as { bot_id: string }).bot_id;
      };
      const ids = [await launch("Sam", "product_manager"), await launch("Alex", "pair_programmer")];
      const refused = await fetch(`${server.url}/bots`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ meeting_url: MEET, meeting_group: "two\nlines" }) });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(await json(refused))).toMatch(/meeting_group/);
      const info = async (id: string) => (await json(await fetch(`${server.url}/bots/${id}`))) as { status: string; siblings: { bot_id: string }[]; meeting_group: string; turn_decisions: { speak: boolean; reason: string }[] };
      for (const id of ids) await waitFor(async () => (await info(id)).status === "in_call", 20_000, "the bot in the call");
      expect((await info(ids[0] as string)).siblings.map((s) => s.bot_id)).toEqual([ids[1]]);
      const { meetings } = (await json(await fetch(`${server.url}/meetings`))) as { meetings: { meeting_group: string; bots: { bot_id: string }[] }[] };
      expect(meetings).toEqual([expect.objectContaining({ meeting_group: "meet.google.com/sib-ling-bot", bots: ids.map((id) => expect.objectContaining({ bot_id: id })) })]);

      const meetings2 = ids.map((id) => baas.bot(id));
      const quiet = () => meetings2.every((m) => (m.arrivals.at(-1) ?? 0) < performance.now() - 1500);
      // Both entry messages first, one after the other.
      await waitFor(() => meetings2.every((m) => m.arrivals.length > 0) && quiet(), 30_000, "both greetings");
      const before = meetings2.map((m) => m.arrivals.length);
      const pcm = await voice(QUESTION);
      for (const m of meetings2) m.say(pcm, "Alice");
      const askedAt = performance.now();
      await waitFor(() => meetings2.some((m, i) => m.arrivals.length > (before[i] ?? 0)), 30_000, "an answer");
      await waitFor(() => quiet() || undefined, 30_000, "the answer to end");
      await new Promise((resolve) => setTimeout(resolve, 2000));

      const replies = meetings2.map((m, i) => m.arrivals.slice(before[i]).filter((t, j, all) => t > askedAt && (j === 0 || t - (all[j - 1] ?? 0) > REPLY_GAP_MS)).length);
      expect(replies.filter((n) => n > 0)).toEqual([1]);
      const reasons = (await Promise.all(ids.map(info))).flatMap((i) => i.turn_decisions.map((d) => `${d.speak}:${d.reason}`));
      expect(reasons.filter((r) => r.startsWith("true:"))).toHaveLength(1);
      expect(reasons).toContain("false:sibling_answers");
    } finally {
      await server.close();
      await Promise.all([baas.stop(), deepgram.stop(), llm.stop(), cartesia.stop()]);
    }
  }, 120_000);
});
