/**
 * @module personas/images/image-services
 * Assembles the persona-image services from the configuration, the same way for the server and the
 * CLI: UploadThing when its credentials are set (UPLOADTHING_TOKEN, or UTFS_KEY and APP_ID), else
 * the local data directory; Replicate when REPLICATE_API_TOKEN is set.
 */
import { join } from "node:path";
import type { Config } from "../../config.js";
import type { PersonaImageServices } from "../persona-images.js";
import { replicateDeliveryPolicy } from "./image-download.js";
import { LocalImageStore } from "./local-image-store.js";
import { uploadThingCredentials } from "./uploadthing-credentials.js";
import { UploadThingImageStore } from "./uploadthing-store.js";

type ImageConfig = Pick<
  Config,
  "DATA_DIR" | "REPLICATE_API_TOKEN" | "REPLICATE_API_URL" | "REPLICATE_DELIVERY_URL" | "UPLOADTHING_TOKEN" | "UTFS_KEY" | "APP_ID" | "UPLOADTHING_API_URL"
>;

export function personaImageDirectory(config: Pick<Config, "DATA_DIR">): string {
  return join(config.DATA_DIR, "persona-images");
}

/** Throws with a message naming the variable when the UploadThing credentials are malformed. */
export function personaImageServices(config: ImageConfig): PersonaImageServices {
  const directory = personaImageDirectory(config);
  const uploadThing = uploadThingCredentials(config);
  return {
    directory,
    store: uploadThing ? new UploadThingImageStore(uploadThing, config.UPLOADTHING_API_URL) : new LocalImageStore(directory),
    replicate: config.REPLICATE_API_TOKEN ? { token: config.REPLICATE_API_TOKEN, apiUrl: config.REPLICATE_API_URL } : undefined,
    downloads: replicateDeliveryPolicy(config.REPLICATE_DELIVERY_URL),
  };
}
