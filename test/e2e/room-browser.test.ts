/**
 * The meeting room page in headless Chromium: a fake microphone plays a spoken question, the page
 * joins, adds a bot with the persona picker, hears the bot (audio energy measured inside the page),
 * and shows what the bot heard and said. Screenshots go to test-artifacts/.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import wavefile from "wavefile";
import type { RunningServer } from "../../src/server/start.js";
import { FakeOpenAiServer } from "../../src/services/llm/testing/fake-openai-server.js";
import { loadSpeech } from "../fixtures/load-fixture.js";
import { startTestServer } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(process.cwd(), "test-artifacts");

async function micFile(): Promise<string> {
  const speech = await loadSpeech("weather-question", 16000);
  const samples = new Int16Array(16000 + speech.length + 48000);
  samples.set(speech, 16000);
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, 16000, "16", samples);
  const path = join(ARTIFACTS, "fake-mic.wav");
  writeFileSync(path, wav.toBuffer());
  return path;
}

describe.skipIf(!existsSync(CHROMIUM))("meeting room page in Chromium", () => {
  let server: RunningServer;
  let llm: FakeOpenAiServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    llm = new FakeOpenAiServer({ replies: [{ text: "It looks sunny in Paris today." }] });
    server = await startTestServer({ LLM_BASE_URL: await llm.start() });
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
    await server?.close();
    await llm?.stop();
  });

  it("joins, adds a bot, hears it, and shows the conversation", async () => {
    const page = await browser.newPage();
    // Without a link the page explains how to get one; on this loopback server it can open the room itself.
    await page.goto(`${server.url}/meet/browser-test`);
    await page.click("#open-room");
    await page.waitForURL(/\/meet\/browser-test\?t=[A-Za-z0-9_-]{24}$/);
    await page.fill("#name", "Grace");
    await page.click("#join-form button");
    await page.waitForSelector("#participants li[data-kind=human]");
    await page.waitForSelector("#persona option", { state: "attached" });
    await page.selectOption("#persona", "onboarding_guide");
    await page.click("#add-bot button");
    await page.waitForSelector("#participants li[data-kind=bot]", { timeout: 10_000 });
    await page.waitForFunction(() => (window as unknown as { speakingBots: { lastLevel: number } }).speakingBots.lastLevel > 0.01, null, { timeout: 15_000 });
    await page.waitForSelector("#transcript li.said", { timeout: 20_000 });
    await page.waitForFunction(() => [...document.querySelectorAll("#transcript li")].some((li) => /sunny in Paris/.test(li.textContent ?? "")), null, {
      timeout: 40_000,
    });
    const heard = await page.evaluate(() => (window as unknown as { speakingBots: { receivedBytes: number } }).speakingBots.receivedBytes);
    expect(heard).toBeGreaterThan(32000);
    expect(String(llm.requests[0]?.messages.at(-1)?.content)).toMatch(/^Grace: /);
    await page.screenshot({ path: join(ARTIFACTS, "meeting-room.png"), fullPage: true });
  }, 90_000);
});
