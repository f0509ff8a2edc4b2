import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Persona } from "./persona.js";
import { keyCandidates, personaKey } from "./persona-keys.js";
import { PersonaStore } from "./persona-store.js";

const FOLDER = /^[a-z0-9][a-z0-9_-]{0,63}$/;

describe("persona folder names", () => {
  it("keep plain names readable and give every other script a safe, distinct name", () => {
    expect(personaKey("Night Storyteller")).toBe("night_storyteller");
    expect(personaKey("Devil's Advocate")).toBe("devils_advocate");
    const names = ["Zoë", "Zoe\u0308", "李白", "杜甫", "محمد", "مريم", "🤖", "👩‍💻", "Ωmega", "..", "../etc", "/", "", "Ada 🤖", "Ada 🐙", "x".repeat(300), `${"é".repeat(200)}z`];
    const keys = names.map(personaKey);
    for (const [i, key] of keys.entries()) {
      expect(key, names[i]).toMatch(FOLDER);
      expect(key).not.toContain("..");
    }
    expect(keys[0]).toMatch(/^zoe_[0-9a-f]{8}$/);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).toMatch(/^persona_[0-9a-f]{8}$/);
    const distinct = names.filter((_, i) => i !== 1);
    expect(new Set(distinct.map(personaKey)).size).toBe(distinct.length);
  });

  it("offer numbered alternatives that still fit the folder pattern", () => {
    const base = "x".repeat(64);
    const candidates = [...keyCandidates(base, 12)];
    expect(candidates[0]).toBe(base);
    expect(candidates[11]).toBe(`${"x".repeat(61)}_12`);
    for (const key of candidates) expect(key).toMatch(FOLDER);
  });

  it("never lets two new personas share a folder, even with the same name or concurrently", async () => {
    const dir = await mkdtemp(join(tmpdir(), "personas-"));
    const store = await new PersonaStore([dir]).load();
    const persona = (name: string): Persona => ({
      key: personaKey(name),
      name,
      prompt: "Be helpful.",
      characteristics: [],
      voice: [],
      metadata: { image: "", entry_message: "", cartesia_voice_id: "", gender: "", relevant_links: [], language_code: "en-US" },
      knowledge: {},
      extraSections: [],
    });
    const saved = await Promise.all(["李白", "李白", "杜甫", "Storyteller", "Storyteller", "Storyteller"].map((name) => store.saveNew(persona(name))));
    const keys = saved.map((p) => p.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((key) => key.startsWith("storyteller"))).toHaveLength(3);
    const reloaded = await new PersonaStore([dir]).load();
    expect(reloaded.list().map((p) => p.name).sort()).toEqual(["Storyteller", "Storyteller", "Storyteller", "李白", "李白", "杜甫"]);
  });
});
