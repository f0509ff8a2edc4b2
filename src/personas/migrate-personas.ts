/**
 * @module personas/migrate-personas
 * Rewrites persona READMEs into the current layout — every metadata key present, sections in order,
 * bullets normalised — without losing any text: unknown sections and keys are carried over. With
 * `check`, nothing is written and the files that would change are reported.
 */
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage } from "../core/errors.js";
import { parsePersonaReadme, serializePersonaReadme } from "./persona-markdown.js";

export interface MigrationResult {
  file: string;
  status: "unchanged" | "updated" | "would-update" | "invalid";
  detail?: string;
}

export async function migratePersonas(directory: string, check: boolean): Promise<MigrationResult[]> {
  const results: MigrationResult[] = [];
  const folders = (await readdir(directory, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  for (const key of folders) {
    const file = join(directory, key, "README.md");
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      continue;
    }
    try {
      const normalised = serializePersonaReadme(parsePersonaReadme(text, key, file));
      if (normalised === text) results.push({ file, status: "unchanged" });
      else if (check) results.push({ file, status: "would-update" });
      else {
        await writeFile(file, normalised);
        results.push({ file, status: "updated" });
      }
    } catch (error) {
      results.push({ file, status: "invalid", detail: errorMessage(error) });
    }
  }
  return results;
}
