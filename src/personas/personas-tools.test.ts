import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OpenAiLanguageModel } from "../services/llm/openai-language-model.js";
import { FakeOpenAiServer } from "../services/llm/testing/fake-openai-server.js";
import { UnavailableLanguageModel } from "../services/llm/unavailable-language-model.js";
import { createPersonaFromDescription } from "./create-persona.js";
import { matchVoice, shippedCatalogue } from "./match-voice.js";
import { migratePersonas } from "./migrate-personas.js";
import { parsePersonaReadme } from "./persona-markdown.js";
import { PersonaStore } from "./persona-store.js";
import { replicateDeliveryPolicy } from "./images/image-download.js";
import { LocalImageStore } from "./images/local-image-store.js";
import { drawAvatar, generatePersonaImage } from "./persona-images.js";

const SHIPPED = join(import.meta.dirname, "../../personas");
let llm: FakeOpenAiServer | undefined;
afterEach(() => llm?.stop());

const generated = {
  name: "Chess Coach",
  prompt: "You coach chess players in meetings. You explain ideas with concrete positions and ask players what they would play.",
  characteristics: ["patient", "precise"],
  voice: ["calm and confident"],
  gender: "male",
  entry_message: "Hello, ready to talk chess?",
  language_code: "en-US",
};

describe("persona tools", () => {
  it("creates a persona from a description, retrying once after a bad answer", async () => {
    llm = new FakeOpenAiServer({ replies: [{ text: "Sure! Here it is: {not json" }, { text: `Here: ${JSON.stringify(generated)}` }] });
    const model = new OpenAiLanguageModel({ apiKey: undefined, baseUrl: await llm.start(), model: "m" });
    const persona = await createPersonaFromDescription(model, "a friendly chess coach");
    expect(persona).toMatchObject({ key: "chess_coach", name: "Chess Coach", metadata: { gender: "male", entry_message: "Hello, ready to talk chess?" } });
    expect(llm.requests).toHaveLength(2);
    expect(String(llm.requests[1]?.messages.at(-1)?.content)).toMatch(/not usable/);
    await expect(createPersonaFromDescription(new UnavailableLanguageModel(), "x")).rejects.toThrow(/needs a language model/);
  });

  it("matches a voice by language and gender, with or without an LLM", async () => {
    const store = await new PersonaStore([SHIPPED]).load();
    const tutor = store.get("language_tutor");
    const offline = await matchVoice(tutor, shippedCatalogue(), undefined);
    expect(offline.language).toBe("es");
    llm = new FakeOpenAiServer({ replies: [{ text: '{"voice_id": "7360f116-6306-4e9a-b487-1235f35a0f21"}' }] });
    const model = new OpenAiLanguageModel({ apiKey: undefined, baseUrl: await llm.start(), model: "m" });
    const chosen = await matchVoice(store.get("interviewer"), shippedCatalogue(), model);
    expect(chosen.name).toBe("Commercial Man");
    expect(String(llm.requests[0]?.messages.at(-1)?.content)).not.toMatch(/Lady/);
  });

  it("migrates personas written in an older layout without losing content, and leaves shipped ones alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "migrate-"));
    cpSync(SHIPPED, dir, { recursive: true });
    writeFileSync(join(dir, "storyteller", "README.md"), "# Storyteller\n\nTell stories.\n\n## Metadata\n* gender: male\n* mood: jolly\n\n## Characteristics\n* vivid\n\n## Notes\nKeep it short.\n");
    const check = await migratePersonas(dir, true);
    expect(check.filter((r) => r.status !== "unchanged").map((r) => [r.file.split("/").at(-2), r.status])).toEqual([["storyteller", "would-update"]]);
    await migratePersonas(dir, false);
    const migrated = readFileSync(join(dir, "storyteller", "README.md"), "utf8");
    const persona = parsePersonaReadme(migrated, "storyteller", "x");
    expect(persona.metadata).toMatchObject({ gender: "male", mood: "jolly", entry_message: "", language_code: "en-US" });
    expect(persona.characteristics).toEqual(["vivid"]);
    expect(persona.extraSections).toEqual([{ title: "Notes", body: "Keep it short." }]);
    expect((await migratePersonas(dir, true)).every((r) => r.status === "unchanged")).toBe(true);
  });

  it("draws the same avatar for the same name, offline", async () => {
    expect(drawAvatar("Ada")).toBe(drawAvatar("Ada"));
    expect(drawAvatar("Ada")).not.toBe(drawAvatar("Grace"));
    const dir = mkdtempSync(join(tmpdir(), "images-"));
    const services = { directory: dir, store: new LocalImageStore(dir), replicate: undefined, downloads: replicateDeliveryPolicy() };
    const result = await generatePersonaImage({ name: "Ada Lovelace", description: "mathematician" }, services);
    expect(result).toMatchObject({ storage: "local", source: "drawn", content_type: "image/svg+xml", persona_key: "ada_lovelace" });
    expect(result.image_url).toMatch(/^\/persona-images\/ada_lovelace-[0-9a-f]{10}\.svg$/);
    expect(readFileSync(join(dir, result.image_url.split("/").at(-1) ?? ""), "utf8")).toMatch(/^<svg/);
  });
});

describe("prompt personas", () => {
  it("fleshes a request's prompt out into a one-off persona, or uses the prompt as is when that fails", async () => {
    const { StorePersonaResolver } = await import("./persona-resolver.js");
    const store = await new PersonaStore([SHIPPED]).load();
    llm = new FakeOpenAiServer({ replies: [{ text: JSON.stringify(generated) }, { status: 500, error: "down" }] });
    const model = new OpenAiLanguageModel({ apiKey: undefined, baseUrl: await llm.start(), model: "m" });
    const resolver = new StorePersonaResolver(store, "onboarding_guide", (prompt) => createPersonaFromDescription(model, prompt));
    const fleshed = await resolver.resolve({ prompt: "a chess coach", personas: undefined, botName: undefined });
    expect(fleshed).toMatchObject({ key: "custom", name: "Chess Coach", entryMessage: "Hello, ready to talk chess?", gender: "male", chosenBy: expect.stringContaining("LLM") });
    const plain = await resolver.resolve({ prompt: "a chess coach", personas: undefined, botName: "Coach" });
    expect(plain).toMatchObject({ key: "custom", name: "Coach", chosenBy: "request prompt (not fleshed out: the LLM failed: llm: 500 down)" });
    expect(plain.systemPrompt).toContain("a chess coach");
    expect(store.list().some((p) => p.key === "custom")).toBe(false);
  });
});
