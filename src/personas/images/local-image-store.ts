/**
 * @module personas/images/local-image-store
 * Keeps persona pictures in DATA_DIR/persona-images, served by the server at
 * `/persona-images/<file>`. The persona records the path, not an absolute URL, so the picture keeps
 * working when BASE_URL or the tunnel address changes; it is made absolute when it is handed out.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage } from "../../core/errors.js";
import { imagePath } from "./image-route.js";
import { type ImageStore, type ImageToStore, type StoredImage, storedFileName } from "./image-store.js";

export class LocalImageStore implements ImageStore {
  readonly kind = "local";

  constructor(readonly directory: string) {}

  async put(image: ImageToStore): Promise<StoredImage> {
    await mkdir(this.directory, { recursive: true });
    const file = storedFileName(image);
    // Written aside and renamed, so a reader never sees half a file; dot names are never served.
    const partial = join(this.directory, `.${file}.${randomBytes(4).toString("hex")}.partial`);
    try {
      await writeFile(partial, image.bytes);
      await rename(partial, join(this.directory, file));
    } catch (error) {
      await rm(partial, { force: true });
      throw new Error(`The image could not be saved in ${this.directory}: ${errorMessage(error)}`, { cause: error });
    }
    return { url: imagePath(file), storage: this.kind, contentType: image.type };
  }
}
