/**
 * @module personas/images/rehost-images
 * `personas migrate --rehost-images`: personas whose `image` still points at the image provider's
 * short-lived output host (replicate.delivery) get the picture downloaded, stored durably, and the
 * stored URL written back. Pictures the provider has already deleted are reported, with the command
 * that makes a new one.
 */
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage } from "../../core/errors.js";
import type { PersonaImageServices } from "../persona-images.js";
import { parsePersonaReadme, serializePersonaReadme } from "../persona-markdown.js";
import { downloadImage } from "./image-download.js";

export interface RehostResult {
  file: string;
  status: "rehosted" | "would-rehost" | "failed";
  from: string;
  to?: string;
  detail?: string;
}

/** Whether an image URL points at the provider's expiring output host. */
export function isExpiringImageUrl(image: string, services: Pick<PersonaImageServices, "downloads">): boolean {
  try {
    return services.downloads.allows(new URL(image));
  } catch {
    return false;
  }
}

/** Re-hosts every expiring image in `directory`; with `check`, only reports what would change. */
export async function rehostPersonaImages(directory: string, services: PersonaImageServices, check: boolean): Promise<RehostResult[]> {
  const results: RehostResult[] = [];
  const folders = (await readdir(directory, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  for (const key of folders) {
    const file = join(directory, key, "README.md");
    let persona: ReturnType<typeof parsePersonaReadme>;
    try {
      persona = parsePersonaReadme(await readFile(file, "utf8"), key, file);
    } catch {
      continue; // unreadable or invalid READMEs are reported by the format migration
    }
    const from = persona.metadata.image;
    if (!from || !isExpiringImageUrl(from, services)) continue;
    if (check) {
      results.push({ file, status: "would-rehost", from });
      continue;
    }
    try {
      const picture = await downloadImage(from, services.downloads);
      const stored = await services.store.put({ personaKey: key, bytes: picture.bytes, type: picture.type });
      await writeFile(file, serializePersonaReadme({ ...persona, metadata: { ...persona.metadata, image: stored.url } }));
      results.push({ file, status: "rehosted", from, to: stored.url });
    } catch (error) {
      results.push({ file, status: "failed", from, detail: `${errorMessage(error)}; run \`speaking-bots personas image ${key}\` to make a new one` });
    }
  }
  return results;
}
