/**
 * @module personas/images/uploadthing-credentials
 * Reads UploadThing's credentials from either form it is given in: the current UPLOADTHING_TOKEN
 * (base64 of `{"apiKey", "appId", "regions"}`, as the UploadThing dashboard shows it) or the older
 * pair UTFS_KEY (the secret `sk_…` key) and APP_ID. Messages never echo the secret.
 */
import { z } from "zod";

export interface UploadThingCredentials {
  apiKey: string;
  appId: string | undefined;
  regions: string[];
}

export interface UploadThingSettings {
  UPLOADTHING_TOKEN?: string | undefined;
  UTFS_KEY?: string | undefined;
  APP_ID?: string | undefined;
}

const tokenSchema = z.object({
  apiKey: z.string().min(8),
  appId: z.string().min(1),
  regions: z.array(z.string()).default([]),
});

function decodeToken(token: string): UploadThingCredentials {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  const parsed = tokenSchema.safeParse(decoded);
  if (!parsed.success) {
    throw new Error("UPLOADTHING_TOKEN is not an UploadThing token: expected base64 of JSON with apiKey, appId and regions (copy it from the UploadThing dashboard)");
  }
  return parsed.data;
}

/** The credentials to upload with, or undefined when UploadThing is not configured. Throws on a malformed token. */
export function uploadThingCredentials(settings: UploadThingSettings): UploadThingCredentials | undefined {
  if (settings.UPLOADTHING_TOKEN) return decodeToken(settings.UPLOADTHING_TOKEN);
  if (settings.UTFS_KEY) return { apiKey: settings.UTFS_KEY, appId: settings.APP_ID, regions: [] };
  if (settings.APP_ID) throw new Error("APP_ID is set without UTFS_KEY: UploadThing needs its secret key too (or set UPLOADTHING_TOKEN)");
  return undefined;
}

/** Builds a token the way UploadThing encodes one (used by tests and the local stand-in). */
export function encodeUploadThingToken(credentials: { apiKey: string; appId: string; regions?: string[] }): string {
  return Buffer.from(JSON.stringify({ apiKey: credentials.apiKey, appId: credentials.appId, regions: credentials.regions ?? ["sea1"] })).toString("base64");
}
