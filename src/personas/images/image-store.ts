/**
 * @module personas/images/image-store
 * Where persona pictures are kept so their URL keeps working: UploadThing when it is configured,
 * else our own data directory served by the server. A stored file is named after the persona's key
 * plus a short hash of its content, never after anything in a request or a provider's URL.
 */
import { createHash } from "node:crypto";
import { toKey } from "../persona-store.js";
import { EXTENSIONS, type ImageType } from "./image-types.js";

export interface ImageToStore {
  /** The persona's key (folder name); only its safe characters reach the file name. */
  personaKey: string;
  bytes: Buffer;
  type: ImageType;
}

export interface StoredImage {
  /** What goes into the persona's `image`: an absolute URL, or a path on this server. */
  url: string;
  storage: ImageStore["kind"];
  contentType: ImageType;
}

export interface ImageStore {
  readonly kind: "local" | "uploadthing";
  put(image: ImageToStore): Promise<StoredImage>;
}

/** `<persona key>-<10 hex of sha256>.<ext>`: stable for the same picture, distinct for another. */
export function storedFileName(image: ImageToStore): string {
  const stem = toKey(image.personaKey).slice(0, 48) || "persona";
  const hash = createHash("sha256").update(image.bytes).digest("hex").slice(0, 10);
  return `${stem}-${hash}.${EXTENSIONS[image.type]}`;
}
