/**
 * Property test of the persona README format: for many random and hostile personas, writing and
 * reading back gives the same persona, and a persona saved to disk loads again after a restart.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SeededRandom } from "../util/testing/seeded-random.js";
import type { Persona } from "./persona.js";
import { parsePersonaReadme, serializePersonaReadme } from "./persona-markdown.js";
import { normalizePersona } from "./persona-normalize.js";
import { PersonaStore } from "./persona-store.js";

const HOSTILE = [
  "a", "Zed", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", "\u2028", "\u2029", "\u0085", "\u00a0", "\ufeff", "\u0000", "\u001b[31m",
  "#", "# ", "## ", "##", "###", "\\", "\\## ", "\\\\##\t", "- ", "* ", "-", ":", ",", "key: value", "- image: x", "## Voice",
  "## Metadata", "\n## Characteristics\n", "\n# Title\n", "\n## Notes\n- a", "`", "```", "[x](y)", "<b>", "é", "中文", "مرحبا", "🤖", "👩‍💻", "..", "/",
];

function hostileText(random: SeededRandom, maxPieces = 12): string {
  return random.text(HOSTILE, random.int(0, maxPieces));
}

function randomPersona(random: SeededRandom): Omit<Persona, "knowledge"> {
  const list = () => Array.from({ length: random.int(0, 4) }, () => hostileText(random, 5));
  const metadata: Persona["metadata"] = {
    image: hostileText(random, 3),
    entry_message: hostileText(random),
    cartesia_voice_id: hostileText(random, 2),
    gender: hostileText(random, 2),
    relevant_links: list(),
    language_code: hostileText(random, 2),
  };
  for (let i = random.int(0, 2); i > 0; i--) metadata[random.pick(["mood", "x_y", "bad key", "ünï", "A1"])] = random.chance(0.5) ? hostileText(random) : list();
  return {
    key: "k",
    name: `${hostileText(random, 4)}${random.pick(["Ada", "中", "🤖", "x"])}`,
    prompt: `${hostileText(random, 30)}${random.pick(["Be kind.", "## Voice", "x"])}${hostileText(random, 30)}`,
    characteristics: list(),
    voice: list(),
    metadata,
    extraSections: Array.from({ length: random.int(0, 3) }, () => ({ title: hostileText(random, 4), body: hostileText(random, 20) })),
  };
}

describe("persona Markdown round trip", () => {
  it("parse(serialize(p)) equals the normalised p for thousands of hostile personas", () => {
    const random = SeededRandom.fromEnvironment();
    console.log(`persona round trip: FUZZ_SEED=${random.seed}`);
    for (let i = 0; i < 3000; i++) {
      const persona = randomPersona(random);
      const normal = normalizePersona(persona);
      expect(normalizePersona(normal), `case ${i}`).toEqual(normal);
      const text = serializePersonaReadme(persona);
      const back = parsePersonaReadme(text, "k", "k/README.md");
      expect(back, `case ${i}: ${JSON.stringify(text)}`).toEqual(normal);
      expect(serializePersonaReadme(back), `case ${i}`).toBe(text);
    }
  });

  it("keeps heading-like prompt lines as text, escaped the Markdown way", () => {
    const persona = normalizePersona({
      key: "k",
      name: "Tricky",
      prompt: "Be brief.\n## Voice\n\\## already escaped\n# Not a title\n### fine",
      characteristics: ["calm\n## Metadata"],
      voice: [],
      metadata: { image: "", entry_message: "", cartesia_voice_id: "", gender: "", relevant_links: [], language_code: "en-US" },
      extraSections: [{ title: "Voice", body: "## Characteristics\nfree" }],
    });
    const text = serializePersonaReadme(persona);
    expect(text).toContain("\n\\## Voice\n\\\\## already escaped\n# Not a title\n### fine\n");
    expect(text).toContain("- calm ## Metadata");
    expect(text).toContain("## Voice (more)\n\\## Characteristics\nfree");
    expect(parsePersonaReadme(text, "k", "k")).toEqual(persona);
  });

  it("refuses a persona without a name or prompt instead of writing a file that cannot load", () => {
    const base = normalizePersona({ ...randomPersona(new SeededRandom(1)), name: "N", prompt: "P" });
    expect(() => serializePersonaReadme({ ...base, name: " \n " })).toThrow(/name/);
    expect(() => serializePersonaReadme({ ...base, prompt: "\r\n" })).toThrow(/prompt/);
  });

  it("loads every saved persona again after a restart, exactly as it was accepted", async () => {
    const dir = await mkdtemp(join(tmpdir(), "personas-"));
    const store = await new PersonaStore([dir]).load();
    const random = new SeededRandom(7);
    const saved: Persona[] = [];
    for (let i = 0; i < 40; i++) saved.push(await store.saveNew({ ...randomPersona(random), key: `p${i}`, knowledge: {} }));
    const reloaded = await new PersonaStore([dir]).load();
    expect(reloaded.problems).toEqual([]);
    for (const persona of saved) expect(reloaded.get(persona.key)).toEqual(persona);
  });
});
