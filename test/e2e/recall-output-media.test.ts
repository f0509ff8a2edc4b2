/**
 * Recall.ai's Output Media path for real: headless Chromium opens the page our server hands to
 * Recall (as Recall's bot does), its fake microphone plays a spoken question as the meeting's
 * audio, and the page plays the bot's spoken answer through Web Audio — measured inside the page.
 * Also: with no page running, the bot still hears the meeting through Recall's real-time endpoint.
 * Screenshots go to test-artifacts/.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import wavefile from "wavefile";
import { FakeRecall } from "../../src/meeting/recall/testing/fake-recall.js";
import type { RunningServer } from "../../src/server/start.js";
import { FakeOpenAiServer } from "../../src/services/llm/testing/fake-openai-server.js";
import { loadSpeech } from "../fixtures/load-fixture.js";
import { json, localSpeechMissing, startTestServer, waitFor } from "./helpers.js";
import { freePort } from "./server-process.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(process.cwd(), "test-artifacts");
const MEET = "https://meet.google.com/abc-defg-hij";

interface PageState {
  status: string;
  connects: number;
  sentBytes: number;
  receivedBytes: number;
  lastLevel: number;
  error: string;
}

async function micFile(): Promise<string> {
  const speech = await loadSpeech("time-question", 16000);
  const samples = new Int16Array(16000 + speech.length + 48000);
  samples.set(speech, 16000);
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, 16000, "16", samples);
  const path = join(ARTIFACTS, "recall-fake-mic.wav");
  writeFileSync(path, wav.toBuffer());
  return path;
}

async function startServer(recall: FakeRecall, llm: FakeOpenAiServer): Promise<RunningServer> {
  const port = await freePort();
  return startTestServer({
    PORT: String(port),
    BASE_URL: `http://127.0.0.1:${port}`,
    RECALL_API_URL: await recall.start(),
    RECALL_API_KEY: "recall-key",
    LLM_BASE_URL: await llm.start(),
    LLM_MODEL: "scripted",
  });
}

const launch = (server: RunningServer) =>
  fetch(`${server.url}/bots`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ meeting_url: MEET, provider: "recall", personas: ["interviewer"], entry_message: "Hello, I am listening." }),
  });

describe.skipIf(!existsSync(CHROMIUM) || localSpeechMissing())("Recall.ai's Output Media page in Chromium", () => {
  let browser: Browser;
  let recall: FakeRecall;
  let llm: FakeOpenAiServer;
  let server: RunningServer;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        `--use-file-for-fake-audio-capture=${await micFile()}`, "--autoplay-policy=no-user-gesture-required",
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await server?.close();
    await recall?.stop();
    await llm?.stop();
  });

  it("hears the meeting through the page's microphone and plays the bot's answer", async () => {
    const pages: import("playwright-core").Page[] = [];
    const closing: Promise<void>[] = [];
    recall = new FakeRecall({
      script: { participants: ["Grace"], connectDelayMs: 20 },
      // Recall's bot loads the page in its browser: here, Chromium with a fake microphone.
      browser: async (url) => {
        const page = await browser.newPage();
        pages.push(page);
        await page.goto(url);
        return { microphone: () => undefined, close: () => closing.push(page.close()) };
      },
    });
    llm = new FakeOpenAiServer({ replies: [{ toolCall: { name: "get_time", arguments: { location: "Asia/Tokyo" } } }, { text: "It is evening in Tokyo right now." }] });
    server = await startServer(recall, llm);
    const created = await launch(server);
    expect(created.status).toBe(201);
    const botId = String((await json(created)).bot_id);

    await waitFor(() => pages[0], 10_000, "Recall's bot to open the page");
    const page = pages[0] as import("playwright-core").Page;
    const state = () => page.evaluate(() => (window as unknown as { recallAgent: PageState }).recallAgent);
    await page.waitForFunction(() => (window as unknown as { recallAgent?: PageState }).recallAgent?.status === "connected", null, { timeout: 15_000 });
    await waitFor(async () => (await state()).receivedBytes > 32_000, 15_000, "the entry message at the page");
    await waitFor(() => llm.requests.length >= 2, 30_000, "the question heard through the page's microphone");
    expect(String(llm.requests[0]?.messages.at(-1)?.content)).toMatch(/time/i);
    const before = (await state()).receivedBytes;
    await waitFor(async () => (await state()).receivedBytes > before + 32_000, 20_000, "the spoken answer at the page");
    await page.waitForFunction(() => ((window as unknown as { recallAgent?: PageState }).recallAgent?.lastLevel ?? 0) > 0.01, null, { timeout: 15_000 });
    const final = await state();
    expect(final.connects).toBe(1);
    expect(final.sentBytes).toBeGreaterThan(64_000);
    expect(await page.textContent("#name")).toBe("Interviewer");
    await page.screenshot({ path: join(ARTIFACTS, "recall-output-media.png") });

    // Leaving: Recall's bot leaves the call and closes its browser page.
    await fetch(`${server.url}/bots/${botId}`, { method: "DELETE" });
    expect(recall.leaves()).toHaveLength(1);
    await waitFor(() => page.isClosed(), 10_000, "the page to close with the bot");
    await Promise.all(closing);
  }, 120_000);

  it("still hears the meeting through the real-time endpoint when no page runs", async () => {
    recall = new FakeRecall({
      script: { participants: ["Alice"], connectDelayMs: 20 },
      browser: async () => {
        throw new Error("the page was never loaded");
      },
    });
    llm = new FakeOpenAiServer({ replies: [{ text: "It is evening in Tokyo right now." }] });
    server = await startServer(recall, llm);
    const created = await launch(server);
    const botId = String((await json(created)).bot_id);
    await waitFor(async () => ((await json(await fetch(`${server.url}/bots/${botId}`))) as { status: string }).status === "in_call", 10_000, "in_call");
    recall.bot(botId).say(await loadSpeech("time-question"), "Alice");
    await waitFor(() => llm.requests.length >= 1, 30_000, "the question heard through the real-time endpoint");
    expect(String(llm.requests[0]?.messages.at(-1)?.content)).toMatch(/^Alice: .*time/i);
  }, 90_000);
});
