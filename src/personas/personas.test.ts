import { mkdtemp, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "../core/errors.js";
import { parsePersonaReadme, serializePersonaReadme } from "./persona-markdown.js";
import { StorePersonaResolver } from "./persona-resolver.js";
import { PersonaStore } from "./persona-store.js";
import { MEETING_BEHAVIOUR } from "./system-prompt.js";

const SHIPPED = join(import.meta.dirname, "../../personas");

describe("shipped personas", () => {
  it("are at least twelve and all load without problems", async () => {
    const store = await new PersonaStore([SHIPPED]).load();
    expect(store.problems).toEqual([]);
    expect(store.list().length).toBeGreaterThanOrEqual(12);
    expect(store.list().filter((p) => Object.keys(p.knowledge).length > 0).length).toBeGreaterThanOrEqual(2);
  });

  it("round-trip through the Markdown writer unchanged", async () => {
    for (const key of await readdir(SHIPPED)) {
      const text = await readFile(join(SHIPPED, key, "README.md"), "utf8");
      const parsed = parsePersonaReadme(text, key, key);
      expect(serializePersonaReadme(parsed), key).toBe(text);
      expect(parsePersonaReadme(serializePersonaReadme(parsed), key, key)).toEqual(parsed);
    }
  });
});

describe("persona Markdown", () => {
  it("keeps unknown sections and metadata keys", () => {
    const text = "# Zed\n\nBe Zed.\n\n## Characteristics\n- odd\n\n## Voice\n- low\n\n## Metadata\n- gender: male\n- relevant_links: a.com, b.com\n- mood: sunny\n\n## Notes\nfree text\n";
    const p = parsePersonaReadme(text, "zed", "zed/README.md");
    expect(p.metadata.mood).toBe("sunny");
    expect(p.metadata.relevant_links).toEqual(["a.com", "b.com"]);
    expect(p.extraSections).toEqual([{ title: "Notes", body: "free text" }]);
    expect(parsePersonaReadme(serializePersonaReadme(p), "zed", "x")).toEqual(p);
  });

  it("explains what is wrong with a bad file", () => {
    expect(() => parsePersonaReadme("no heading here", "x", "x/README.md")).toThrow(/x\/README.md: the first heading must be/);
    expect(() => parsePersonaReadme("# Name\n\n## Voice\n- a", "x", "x/README.md")).toThrow(/prompt .* is empty/);
    expect(() => parsePersonaReadme("# N\n\nP\n\n## Metadata\nnot a pair", "x", "x/README.md")).toThrow(/metadata line 1/);
  });
});

describe("PersonaStore", () => {
  it("finds by key, display name, then closest words, and rejects path tricks", async () => {
    const store = await new PersonaStore([SHIPPED]).load();
    expect(store.get("pair_programmer").key).toBe("pair_programmer");
    expect(store.get("Devil's Advocate").key).toBe("devils_advocate");
    expect(store.get("meeting facilitator").key).toBe("meeting_facilitator");
    expect(store.get("a support agent please").key).toBe("customer_support");
    for (const bad of ["../etc/passwd", "a/b", "..", "x\\y", ""]) {
      expect(() => store.get(bad), bad).toThrow(AppError);
    }
    expect(() => store.get("zzzz qqqq")).toThrow(/No persona called/);
  });

  it("reports a broken folder and still loads the rest", async () => {
    const dir = await mkdtemp(join(tmpdir(), "personas-"));
    await mkdir(join(dir, "good"));
    await writeFile(join(dir, "good", "README.md"), "# Good\n\nBe good.\n");
    await mkdir(join(dir, "broken"));
    await writeFile(join(dir, "broken", "README.md"), "nothing");
    const store = await new PersonaStore([dir]).load();
    expect(store.list().map((p) => p.key)).toEqual(["good"]);
    expect(store.problems[0]?.message).toMatch(/broken\/README.md/);
  });

  it("saves a new persona into the writable directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "personas-"));
    const store = await new PersonaStore([SHIPPED, dir]).load();
    const base = store.get("storyteller");
    await store.save({ ...base, key: "night_storyteller", name: "Night Storyteller" });
    const reloaded = await new PersonaStore([dir]).load();
    expect(reloaded.get("night_storyteller").prompt).toBe(base.prompt);
    await expect(store.save({ ...base, key: "night_storyteller" })).rejects.toThrow(/already exists/);
  });
});

describe("StorePersonaResolver", () => {
  it("resolves in the documented order", async () => {
    const store = await new PersonaStore([SHIPPED]).load();
    const resolver = new StorePersonaResolver(store, "onboarding_guide");
    const custom = await resolver.resolve({ prompt: "You are a pirate.", personas: ["interviewer"], botName: "Cap" });
    expect(custom).toMatchObject({ key: "custom", name: "Cap", chosenBy: "request prompt" });
    expect(custom.systemPrompt).toContain("You are a pirate.");
    expect(custom.systemPrompt).toContain(MEETING_BEHAVIOUR);
    expect((await resolver.resolve({ prompt: undefined, personas: ["nope", "interviewer"], botName: "Storyteller" })).key).toBe("interviewer");
    expect((await resolver.resolve({ prompt: undefined, personas: undefined, botName: "Storyteller" })).key).toBe("storyteller");
    const fallback = await resolver.resolve({ prompt: undefined, personas: ["nope"], botName: "Zed" });
    expect(fallback.key).toBe("onboarding_guide");
    expect(fallback.systemPrompt).toContain("First week checklist");
    await expect(resolver.resolve({ prompt: undefined, personas: ["../x"], botName: undefined })).rejects.toThrow(/not a valid persona name/);
  });
});
