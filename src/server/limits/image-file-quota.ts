/**
 * @module server/limits/image-file-quota
 * Bounds the avatars kept on disk: once the image folder holds MAX_PERSONA_IMAGE_FILES files, new
 * images are refused with 507 until the operator clears some. Hourly generation per tenant is a
 * rate limit (PERSONA_IMAGES_PER_HOUR); this guards the disk over the server's whole life.
 */
import { readdir } from "node:fs/promises";

export interface ImageQuotaRefusal {
  status: 507;
  body: { code: "IMAGE_STORE_FULL"; message: string; limit: "MAX_PERSONA_IMAGE_FILES"; max: number };
}

/** Counts the files in `directory`; a folder not yet created holds none. */
async function fileCount(directory: string): Promise<number> {
  try {
    return (await readdir(directory)).length;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
}

/** Undefined when another image may be stored, else the refusal to send. */
export async function imageQuotaRefusal(directory: string, maxFiles: number): Promise<ImageQuotaRefusal | undefined> {
  if (maxFiles === 0 || (await fileCount(directory)) < maxFiles) return undefined;
  return {
    status: 507,
    body: {
      code: "IMAGE_STORE_FULL",
      message: `The server already stores ${maxFiles} persona images (MAX_PERSONA_IMAGE_FILES); no more can be generated until some are removed`,
      limit: "MAX_PERSONA_IMAGE_FILES",
      max: maxFiles,
    },
  };
}
