/**
 * Code health checked on every run. Every failure has an owner: no empty catch in src/ (test doubles
 * under testing/ aside). Imports only run downwards: cli → server → bots → meeting, personas → pipeline → services, tools
 * → core (shared types, config, logging, audio and small utilities). Type-only imports count too,
 * and no module may take part in an import cycle.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import madge from "madge";
import { describe, expect, it } from "vitest";

const LEVELS: Record<string, number> = {
  core: 0, util: 0, audio: 0, net: 0, config: 0, logger: 0,
  services: 1, tools: 1, "prompt-data": 1,
  pipeline: 2,
  meeting: 3, personas: 3,
  bots: 4,
  server: 5,
  cli: 6,
  // Test support (wire fakes, the meeting simulator): may use anything, and nothing in the product uses it.
  testing: 7,
};

function layerOf(file: string): string {
  return file.includes("/") ? (file.split("/")[0] ?? file) : file.replace(/\.ts$/, "");
}

describe("module layers", () => {
  it("has no import cycle and no upward import in src/", async () => {
    const graph = await madge("src", {
      fileExtensions: ["ts"],
      tsConfig: "tsconfig.json",
      detectiveOptions: { ts: { skipTypeImports: false } },
      excludeRegExp: [/\.test\.ts$/, /\/testing\//],
    });
    expect(graph.circular()).toEqual([]);
    const upward: string[] = [];
    const unplaced = new Set<string>();
    for (const [file, imports] of Object.entries(graph.obj())) {
      // Test support outside src/ reached through excluded test files is not part of the product.
      if (file.startsWith("../")) continue;
      const from = LEVELS[layerOf(file)];
      if (from === undefined) unplaced.add(layerOf(file));
      for (const target of imports) {
        const to = LEVELS[layerOf(target)];
        if (to === undefined) unplaced.add(layerOf(target));
        else if (from !== undefined && to > from) upward.push(`${file} → ${target}`);
      }
    }
    expect([...unplaced]).toEqual([]);
    expect(upward).toEqual([]);
  }, 60_000);
});

/**
 * `catch {}`, `catch (e) {}`, `.catch(() => {})` and an empty `on("error", …)` listener: a failure
 * dropped without a word.
 */
const EMPTY_CATCH =
  /catch\s*(\(\s*[a-z_]*\s*\))?\s*\{\s*\}|\.catch\(\s*\(\s*[a-z_]*\s*\)\s*=>\s*\{\s*\}\s*\)|\.on\(\s*"error"\s*,\s*\(\s*[a-z_]*\s*\)\s*=>\s*(\{\s*\}|undefined)\s*\)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "testing" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("failure ownership", () => {
  it("has no empty catch or error listener in src/", () => {
    const empty = sourceFiles("src").flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line, index) => ({ line, at: `${file}:${index + 1}` }))
        .filter(({ line }) => EMPTY_CATCH.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(empty).toEqual([]);
  });
});
