/**
 * The meeting room page in headless Chromium, as two people use it: Grace opens a room on a
 * desktop-sized window and joins with the onboarding guide; Alan opens her room link on a
 * phone-sized window and joins with his microphone off. Grace's fake microphone asks a question
 * once; the bot (local speech engines, a fake OpenAI-compatible LLM) answers. Both pages must show
 * each line once, who is speaking, the bot's state and its answer time; Alan must hear the room,
 * keep his place through a dropped connection, and both layouts must pass an axe-core check with
 * no serious or critical violation. A third visitor whose microphone is refused is told so and
 * can listen only; a server without a language model tells how to add one. Screenshots go to
 * test-artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import wavefile from "wavefile";
import type { RunningServer } from "../../src/server/start.js";
import { FakeOpenAiServer } from "../../src/services/llm/testing/fake-openai-server.js";
import { loadSpeech } from "../fixtures/load-fixture.js";
import { localSpeechMissing, startTestServer } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(process.cwd(), "test-artifacts");
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
/** Long enough for both people to be in the room, with the bot greeted, before the question. */
const SILENCE_BEFORE_S = 14;
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

/** The microphone file: silence, one spoken question, silence; played once (`%noloop`). */
async function micFile(): Promise<string> {
  const speech = await loadSpeech("time-question", 16000);
  const samples = new Int16Array(16000 * SILENCE_BEFORE_S + speech.length + 16000 * 4);
  samples.set(speech, 16000 * SILENCE_BEFORE_S);
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, 16000, "16", samples);
  const path = join(ARTIFACTS, "fake-mic.wav");
  writeFileSync(path, wav.toBuffer());
  return path;
}

/**
 * A persona that answers every turn. With Grace and Alan both in the room the default policy would
 * wait to be called by name, and the recorded question does not name the bot.
 */
function roomHelperPersonas(): string {
  const dir = mkdtempSync(join(tmpdir(), "room-personas-"));
  mkdirSync(join(dir, "room_helper"));
  writeFileSync(
    join(dir, "room_helper", "README.md"),
    [
      "# Room Helper",
      "",
      "You help whoever asks, in one short sentence.",
      "",
      "## Metadata",
      "- entry_message: Hi everyone, I am the room helper.",
      "- gender: female",
      "- language_code: en-US",
      "- turn_mode: always",
      "",
    ].join("\n"),
  );
  return dir;
}

interface Line {
  id: string;
  role: string;
  final: boolean;
  who: string;
  text: string;
  latency: string | null;
}

function transcriptOf(page: Page): Promise<Line[]> {
  return page.$$eval("#transcript li", (items) =>
    items.map((li) => ({
      id: (li as HTMLElement).dataset.lineId ?? "",
      role: li.classList.contains("said") ? "said" : "heard",
      final: (li as HTMLElement).dataset.final === "true",
      who: li.querySelector(".who")?.textContent ?? "",
      text: li.querySelector(".text")?.textContent ?? "",
      latency: li.querySelector(".latency")?.textContent ?? null,
    })),
  );
}

/** Every line appears once: unique ids, and no line repeated right after itself. */
function expectEachLineOnce(lines: Line[]): void {
  expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
  for (let i = 1; i < lines.length; i++) {
    const [before, line] = [lines[i - 1], lines[i]];
    expect(`${line?.role}|${line?.who}|${line?.text}`).not.toBe(`${before?.role}|${before?.who}|${before?.text}`);
  }
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run();
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Records, inside the page, every state each participant entry goes through. */
async function recordParticipantStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenStates: string[] }).seenStates = seen;
    const note = (li: HTMLElement) => {
      const name = li.querySelector(".name")?.textContent ?? "";
      if (li.classList.contains("speaking")) seen.push(`${name}:speaking-flag`);
      if (li.dataset.state) seen.push(`${name}:${li.dataset.state}`);
    };
    new MutationObserver((records) => {
      for (const record of records) {
        const target = record.target as HTMLElement;
        if (record.type === "attributes" && target.matches("#participants li")) note(target);
        for (const node of record.addedNodes) if (node instanceof HTMLElement && node.matches("li")) note(node);
      }
    }).observe(document.getElementById("participants") as HTMLElement, { subtree: true, childList: true, attributes: true, attributeFilter: ["class", "data-state"] });
  });
}

const seenStates = (page: Page) => page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates);

describe.skipIf(!existsSync(CHROMIUM) || localSpeechMissing())("meeting room page in Chromium", () => {
  let server: RunningServer;
  let llm: FakeOpenAiServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // Numbered answers: a line shown twice cannot pass for two answers.
    llm = new FakeOpenAiServer({ reply: (_body, index) => ({ text: `Answer ${index + 1}: it is nine in the evening in Tokyo.` }) });
    server = await startTestServer({ LLM_BASE_URL: await llm.start(), PERSONAS_DIR: roomHelperPersonas() });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        `--use-file-for-fake-audio-capture=${await micFile()}%noloop`, "--autoplay-policy=no-user-gesture-required",
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await llm?.stop();
  });

  it("two people and a bot: each line once, speaking and bot states, answer time, reconnection, accessible at desktop and phone width", async () => {
    const grace = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    // Without a link the page explains how to get one; on this loopback server it can open the room itself.
    await grace.goto(`${server.url}/meet/browser-test`);
    await grace.click("#open-room");
    await grace.waitForURL(/\/meet\/browser-test\?t=[A-Za-z0-9_-]{24}$/);
    // Before joining: the personas are listed, and only joining is offered.
    await grace.waitForSelector("#invite option[value=onboarding_guide]", { state: "attached" });
    expect(await grace.isVisible("#mute")).toBe(false);
    expect(await grace.isVisible("#leave")).toBe(false);
    expect(await seriousViolations(grace)).toEqual([]);
    await grace.fill("#name", "Grace");
    await grace.selectOption("#invite", "room_helper");
    await grace.click("#join-button");
    await grace.waitForSelector("#participants li[data-kind=bot]", { timeout: 20_000 });
    expect(await grace.isVisible("#mute")).toBe(true);
    expect(await grace.isVisible("#join-button")).toBe(false);

    // Alan opens the link Grace shares, on a phone, with his microphone off.
    const link = await grace.inputValue("#share-link-room");
    expect(link).toBe(grace.url());
    const alan = await (await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true })).newPage();
    await alan.goto(link);
    await alan.fill("#name", "Alan");
    await alan.check("#start-muted");
    await alan.selectOption("#invite", "");
    await alan.click("#join-button");
    await alan.waitForFunction(() => document.querySelectorAll("#participants li").length === 3, null, { timeout: 20_000 });
    await recordParticipantStates(alan);
    expect(await alan.getAttribute("#mute", "aria-pressed")).toBe("true");

    // Alan hears the room: the bot's voice is loud in his page's player.
    const alanHears = alan.waitForFunction(() => (window as unknown as { speakingBots: { lastLevel: number } }).speakingBots.lastLevel > 0.01, null, { timeout: 90_000 });
    // Grace's question, the bot's answer, on both pages.
    const answered = (page: Page) =>
      page.waitForFunction(() => [...document.querySelectorAll("#transcript li.said .text")].some((t) => /Answer 1:/.test(t.textContent ?? "")), null, { timeout: 90_000 });
    await Promise.all([answered(grace), answered(alan)]);
    await alanHears;
    expect(await alan.evaluate(() => (window as unknown as { speakingBots: { receivedBytes: number } }).speakingBots.receivedBytes)).toBeGreaterThan(64_000);
    await alan.waitForSelector("#participants li[data-kind=bot][data-state=listening]", { timeout: 30_000 });

    const bot = await alan.textContent("#participants li[data-kind=bot] .name");
    const states = await seenStates(alan);
    expect(states).toContain("Grace:speaking-flag");
    expect(states).toContain(`${bot}:speaking-flag`);
    // The answer's states, in order, after Grace spoke.
    const answerStates = states.slice(states.indexOf("Grace:speaking-flag")).filter((s) => s.startsWith(`${bot}:`) && !s.endsWith("-flag"));
    expect(answerStates.filter((s, i) => s !== answerStates[i - 1])).toEqual(expect.arrayContaining([`${bot}:thinking`, `${bot}:speaking`, `${bot}:listening`]));
    expect(String(llm.requests[0]?.messages.at(-1)?.content)).toMatch(/^Grace: /);

    for (const page of [grace, alan]) {
      const lines = await transcriptOf(page);
      expectEachLineOnce(lines);
      const said = lines.filter((l) => l.role === "said");
      expect(said.filter((l) => /^Hi everyone/.test(l.text))).toHaveLength(1);
      for (let n = 1; n <= llm.requests.length; n++) expect(said.filter((l) => l.text.startsWith(`Answer ${n}:`))).toHaveLength(1);
      const answer = said.find((l) => l.text.startsWith("Answer 1:"));
      expect(answer?.latency).toMatch(/^\d+(\.\d)? (ms|s)$/);
      const heard = lines.filter((l) => l.role === "heard" && l.final);
      expect(heard.length).toBeGreaterThan(0);
      expect(heard.every((l) => l.who === "Grace")).toBe(true);
    }
    const finals = async (page: Page) => (await transcriptOf(page)).filter((l) => l.final).map((l) => l.id);
    expect(await finals(alan)).toEqual(await finals(grace));
    expect(await grace.getAttribute("#transcript li.said .latency >> nth=-1", "title")).toMatch(/first sound/);

    // Layout: two columns on a desktop, one on a phone, nothing wider than the screen.
    // Both boxes from one layout: read one after the other, a panel that grows in between (a bot's
    // state line changing) would look like an overlap that never was on screen.
    const boxes = (page: Page) =>
      page.evaluate(() => {
        const edges = (selector: string) => document.querySelector(selector)?.getBoundingClientRect() ?? new DOMRect();
        const [side, log] = [edges("#room .side"), edges("#room .transcript-card")];
        return { sideRight: side.right, sideBottom: side.bottom, logLeft: log.left, logTop: log.top, measured: side.height > 0 && log.height > 0 };
      });
    const desktop = await boxes(grace);
    expect(desktop.measured).toBe(true);
    expect(desktop.logLeft).toBeGreaterThanOrEqual(desktop.sideRight);
    const phone = await boxes(alan);
    expect(phone.measured).toBe(true);
    expect(phone.logTop).toBeGreaterThanOrEqual(phone.sideBottom);
    expect(await alan.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await grace.screenshot({ path: join(ARTIFACTS, "meeting-room-desktop.png"), fullPage: true });
    await alan.screenshot({ path: join(ARTIFACTS, "meeting-room-phone.png"), fullPage: true });
    expect(await seriousViolations(grace)).toEqual([]);
    expect(await seriousViolations(alan)).toEqual([]);

    // Alan's connection drops: the page reconnects, keeps its transcript, and he is in the room once.
    const before = await finals(alan);
    await alan.evaluate(() => (window as unknown as { speakingBots: { connection: { socket: WebSocket } } }).speakingBots.connection.socket.close(4000, "network gone"));
    await alan.waitForSelector("#connection:has-text('Reconnecting')", { timeout: 10_000 });
    await alan.waitForSelector("#connection:has-text('Reconnected')", { timeout: 30_000 });
    await alan.waitForFunction(() => [...document.querySelectorAll("#participants li .name")].filter((n) => n.textContent === "Alan").length === 1, null, { timeout: 10_000 });
    await grace.waitForFunction(() => [...document.querySelectorAll("#participants li .name")].filter((n) => n.textContent === "Alan").length === 1, null, { timeout: 10_000 });
    expect(await alan.isVisible("#room")).toBe(true);
    expect((await finals(alan)).slice(0, before.length)).toEqual(before);
    expectEachLineOnce(await transcriptOf(alan));

    await alan.click("#leave");
    await alan.waitForSelector("#join-button", { state: "visible" });
    await grace.click("#leave");
  }, 180_000);

  it("says clearly when the microphone is refused, and lets the person listen only", async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    await context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/meet/refused-mic`);
    await page.click("#open-room");
    await page.waitForURL(/\?t=/);
    await page.fill("#name", "Hedy");
    await page.selectOption("#invite", "");
    await page.click("#join-button");
    await page.waitForSelector("#join-error:has-text('not allowed to use your microphone')");
    expect(await page.isVisible("#room")).toBe(false);
    await page.click("#listen-only");
    await page.waitForSelector("#participants li[data-kind=human]", { timeout: 20_000 });
    expect(await page.isDisabled("#mute")).toBe(true);
    await page.click("#leave");
    await context.close();
  }, 60_000);

  it("shows who has the floor among several bots, and keeps keyboard focus while the roster changes", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/meet/floor-check`);
    const result = await page.evaluate(async () => {
      // The page's own module, imported by the page (built at run time, so the test's bundler leaves it alone).
      const load = new Function("url", "return import(url)") as (url: string) => Promise<{ ParticipantsView: new (...args: unknown[]) => { render(p: unknown[]): void; setBotState(id: string, state: string): void } }>;
      const { ParticipantsView } = await load("/web/participants-view.js");
      const list = document.createElement("ul");
      const floor = document.createElement("p");
      document.body.append(list, floor);
      const view = new ParticipantsView(list, floor, { onRemoveBot: () => undefined });
      const roster = (guide: string, critic: string, speaking: boolean) => [
        { id: "h", name: "Ada", kind: "human", speaking, botId: null, state: null },
        { id: "b1", name: "Guide", kind: "bot", speaking: false, botId: "1", state: guide },
        { id: "b2", name: "Critic", kind: "bot", speaking: false, botId: "2", state: critic },
      ];
      view.render(roster("listening", "listening", false));
      const open = floor.textContent;
      const remove = list.querySelector<HTMLButtonElement>("li[data-id=b2] button");
      remove?.focus();
      view.render(roster("speaking", "holding", true));
      const held = floor.textContent;
      view.setBotState("2", "speaking");
      view.setBotState("1", "listening");
      return { open, held, after: floor.textContent, focusKept: document.activeElement === remove, adaSpeaking: list.querySelector("li[data-id=h]")?.classList.contains("speaking") };
    });
    expect(result).toEqual({ open: "The floor is open", held: "Guide has the floor · waiting: Critic", after: "Critic has the floor", focusKept: true, adaSpeaking: true });
    await page.close();
  });

  it("tells a newcomer with no language model how to get one running, and lists what else is missing", async () => {
    const page = await browser.newPage();
    // The server under test has an LLM; its /health is answered as a server without one answers it.
    await page.route("**/health", async (route) => {
      const health = await (await route.fetch()).json();
      health.providers.llm = { name: "none", reason: "no LLM configured: bots say which setting is missing", missing: ["LLM_BASE_URL"] };
      health.warnings = ["no LLM configured: bots say which setting is missing; missing: LLM_BASE_URL", "the local synthesiser is not installed; missing: flite"];
      await route.fulfill({ json: health });
    });
    // …and its /ready with the reasons such a server gives.
    await page.route("**/ready", (route) =>
      route.fulfill({ status: 503, json: { status: "not_ready", reasons: ["no language model: set LLM_BASE_URL", "the local synthesiser is not installed; missing: flite"] } }),
    );
    await page.goto(`${server.url}/meet/banner-check`);
    await page.waitForSelector("#banner:has-text('No language model is configured')");
    await page.click("#banner summary");
    const banner = (await page.textContent("#banner")) ?? "";
    expect(banner).toContain("LLM_BASE_URL=http://127.0.0.1:11434/v1 LLM_MODEL=qwen2.5:0.5b npm start");
    expect(banner).toContain("README.md#a-language-model-in-a-minute");
    expect(banner).toContain("missing: flite");
    expect(banner).not.toContain("no LLM configured");
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });
});
