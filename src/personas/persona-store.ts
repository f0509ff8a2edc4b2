/**
 * @module personas/persona-store
 * Loads persona folders from the shipped `personas/` directory and an optional extra directory,
 * finds a persona by folder key, display name or closest words, and writes new ones. A broken folder
 * is reported and skipped; it never stops the others from loading.
 */
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AppError, errorMessage } from "../core/errors.js";
import type { Persona } from "./persona.js";
import { keyCandidates, personaKey } from "./persona-keys.js";
import { parsePersonaReadme, serializePersonaReadme } from "./persona-markdown.js";
import { normalizePersona } from "./persona-normalize.js";

export interface LoadProblem {
  folder: string;
  message: string;
}

/** Folder keys are plain names: no separators, no dots, so no way out of the persona directory. */
const KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
/** Names of any script (letters with their combining marks, digits, emoji) but no separators or controls. */
const NAME_PATTERN = /^(?:[\p{L}\p{M}\p{N}\p{Extended_Pictographic} _'.-]|\u200d|\ufe0f){1,100}$/u;

export function toKey(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 64);
}

/** Whether a name could be a persona's (no path tricks, control characters or absurd length). */
export function isValidPersonaName(name: string): boolean {
  return NAME_PATTERN.test(name) && !name.includes("..") && name.trim() !== "";
}

/** Rejects names that could not be a persona (path tricks, control characters, absurd length). */
export function assertValidPersonaName(name: string): void {
  if (!isValidPersonaName(name)) {
    throw new AppError("PERSONA_INVALID", `"${name.slice(0, 100)}" is not a valid persona name: use letters, digits, spaces, - and _`, { status: 400 });
  }
}

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter((word) => word.length > 1));
}

export async function loadPersonaFolder(directory: string, key: string): Promise<Persona> {
  const folder = join(directory, key);
  const readme = await readFile(join(folder, "README.md"), "utf8");
  const persona = parsePersonaReadme(readme, key, `${key}/README.md`);
  const knowledge: Record<string, string> = {};
  for (const file of (await readdir(folder)).sort()) {
    if (file.toLowerCase().endsWith(".md") && file !== "README.md") knowledge[file] = await readFile(join(folder, file), "utf8");
  }
  return { ...persona, knowledge };
}

export class PersonaStore {
  private readonly personas = new Map<string, Persona>();
  readonly problems: LoadProblem[] = [];

  /** `directories` in load order: a persona in a later one replaces one of the same key in an earlier
   * one, and the last is where new or changed personas are written. */
  constructor(private readonly directories: string[]) {}

  async load(): Promise<this> {
    this.personas.clear();
    this.problems.length = 0;
    for (const directory of this.directories) {
      let entries: string[];
      try {
        entries = (await readdir(directory, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
      } catch {
        continue;
      }
      for (const key of entries.sort()) {
        if (!KEY_PATTERN.test(key)) continue;
        try {
          this.personas.set(key, await loadPersonaFolder(directory, key));
        } catch (error) {
          this.problems.push({ folder: join(directory, key), message: errorMessage(error) });
        }
      }
    }
    return this;
  }

  list(): Persona[] {
    return [...this.personas.values()];
  }

  /** Exact match on folder key, then on display name (case-insensitive). */
  findExact(name: string): Persona | undefined {
    assertValidPersonaName(name);
    const byKey = this.personas.get(name) ?? this.personas.get(toKey(name));
    if (byKey) return byKey;
    const lower = name.trim().toLowerCase();
    return this.list().find((persona) => persona.name.toLowerCase() === lower);
  }

  /** The persona sharing the most words with `name`, if any word is shared at all. */
  findClosest(name: string): Persona | undefined {
    assertValidPersonaName(name);
    const wanted = words(name);
    let best: { persona: Persona; score: number } | undefined;
    for (const persona of this.list()) {
      const have = words(`${persona.key} ${persona.name}`);
      const score = [...wanted].filter((word) => have.has(word)).length;
      if (score > 0 && (!best || score > best.score)) best = { persona, score };
    }
    return best?.persona;
  }

  /** Lookup in the documented order: key, display name, closest words; throws when nothing fits. */
  get(name: string): Persona {
    const persona = this.findExact(name) ?? this.findClosest(name);
    if (!persona) {
      throw new AppError("PERSONA_NOT_FOUND", `No persona called "${name}". Known personas: ${this.list().map((p) => p.key).join(", ")}`);
    }
    return persona;
  }

  random(exclude: ReadonlySet<string> = new Set()): Persona | undefined {
    const pool = this.list().filter((persona) => !exclude.has(persona.key));
    return pool[Math.floor(Math.random() * pool.length)];
  }

  /** Writes a persona folder into the writable directory and adds it to the store. */
  async save(input: Persona, options: { overwrite?: boolean } = {}): Promise<string> {
    if (!KEY_PATTERN.test(input.key)) throw new AppError("PERSONA_INVALID", `"${input.key}" is not a valid persona folder name`, { status: 400 });
    if (this.personas.has(input.key) && !options.overwrite) {
      throw new AppError("PERSONA_EXISTS", `A persona called ${input.key} already exists`);
    }
    const folder = join(this.writableDirectory(), input.key);
    await mkdir(folder, { recursive: true });
    return this.write(folder, normalizePersona(input));
  }

  /**
   * Saves a new persona under a folder name of its own: its key if free (or one made from its name),
   * else the first free `key_2`, `key_3`… Claiming the folder is atomic, so two requests never share one.
   * Returns the persona as stored (normalised, with its final key).
   */
  async saveNew(input: Persona): Promise<Persona> {
    const persona = normalizePersona(input);
    const base = KEY_PATTERN.test(persona.key) && persona.key !== "custom" ? persona.key : personaKey(persona.name);
    const directory = this.writableDirectory();
    await mkdir(directory, { recursive: true });
    for (const key of keyCandidates(base)) {
      if (this.personas.has(key)) continue;
      try {
        await mkdir(join(directory, key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
        throw error;
      }
      const stored = { ...persona, key };
      await this.write(join(directory, key), stored);
      return stored;
    }
    throw new AppError("PERSONA_EXISTS", `Too many personas are already called ${base}; choose another name`);
  }

  private writableDirectory(): string {
    const directory = this.directories.at(-1);
    if (!directory) throw new AppError("INTERNAL", "No persona directory is configured");
    return directory;
  }

  private async write(folder: string, persona: Persona): Promise<string> {
    await writeFile(join(folder, "README.md"), serializePersonaReadme(persona));
    for (const [file, text] of Object.entries(persona.knowledge)) {
      if (/^[A-Za-z0-9_-]+\.md$/.test(file)) await writeFile(join(folder, file), text);
    }
    this.personas.set(persona.key, persona);
    return folder;
  }
}
