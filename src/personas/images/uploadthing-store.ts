/**
 * @module personas/images/uploadthing-store
 * Keeps persona pictures on UploadThing through its REST API (no SDK): `POST /v7/prepareUpload`
 * with the `x-uploadthing-api-key` header returns a presigned ingest URL and the file key, then the
 * file is PUT there as multipart form data, and the ingest server answers with the file's
 * permanent `ufsUrl` (https://<app id>.ufs.sh/f/<key>).
 */
import { z } from "zod";
import { AppError, errorMessage } from "../../core/errors.js";
import type { ImageStore, ImageToStore, StoredImage } from "./image-store.js";
import { storedFileName } from "./image-store.js";
import { jsonBody } from "./json-body.js";
import type { UploadThingCredentials } from "./uploadthing-credentials.js";

export const UPLOADTHING_API_URL = "https://api.uploadthing.com";
const TIMEOUT_MS = 30_000;

const presignedSchema = z.object({ key: z.string().min(1), url: z.string().min(1) });
const prepareSchema = z.union([presignedSchema, z.array(presignedSchema).length(1).transform((list) => list[0]!)]);
const ingestSchema = z.object({ ufsUrl: z.string().optional(), url: z.string().optional(), fileHash: z.string().optional() });

function failure(message: string): AppError {
  return new AppError("PROVIDER_REJECTED", message, { status: 502 });
}

/** What an UploadThing error body says, shortened; never the request's secrets. */
async function reason(response: Response): Promise<string> {
  const text = await response.text().catch((error: unknown) => `unreadable body: ${errorMessage(error)}`);
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    return String(body.error ?? body.message ?? text).slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

export class UploadThingImageStore implements ImageStore {
  readonly kind = "uploadthing";
  private readonly api: URL;

  constructor(
    private readonly credentials: UploadThingCredentials,
    apiUrl: string = UPLOADTHING_API_URL,
  ) {
    this.api = new URL(apiUrl);
  }

  async put(image: ImageToStore): Promise<StoredImage> {
    const fileName = storedFileName(image);
    const presigned = await this.prepare(fileName, image);
    const ingest = this.trusted(presigned.url, (url) => url.hostname.endsWith(".uploadthing.com"), "ingest URL");
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(image.bytes)], { type: image.type }), fileName);
    const response = await this.call("upload the image", () => fetch(ingest, { method: "PUT", body: form, signal: AbortSignal.timeout(TIMEOUT_MS) }));
    if (!response.ok) throw failure(`UploadThing refused the upload: HTTP ${response.status}: ${await reason(response)}`);
    const body = ingestSchema.safeParse(await jsonBody(response));
    const fileUrl = (body.success && (body.data.ufsUrl ?? body.data.url)) || this.appUrl(presigned.key);
    if (!fileUrl) throw failure("UploadThing accepted the upload but gave no file URL");
    const url = this.trusted(fileUrl, () => true, "file URL");
    return { url: url.href, storage: this.kind, contentType: image.type };
  }

  private async prepare(fileName: string, image: ImageToStore): Promise<z.infer<typeof presignedSchema>> {
    const response = await this.call("prepare the upload", () =>
      fetch(new URL("/v7/prepareUpload", this.api), {
        method: "POST",
        headers: { "x-uploadthing-api-key": this.credentials.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ fileName, fileSize: image.bytes.byteLength, fileType: image.type, contentDisposition: "inline" }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      }),
    );
    if (!response.ok) throw failure(`UploadThing refused to prepare the upload: HTTP ${response.status}: ${await reason(response)}`);
    const body = prepareSchema.safeParse(await jsonBody(response));
    if (!body.success) throw failure("UploadThing answered prepareUpload without a file key and upload URL");
    return body.data;
  }

  /** The public URL UploadThing documents for a key, when the app id is known. */
  private appUrl(key: string): string | undefined {
    return this.credentials.appId ? `https://${this.credentials.appId}.ufs.sh/f/${encodeURIComponent(key)}` : undefined;
  }

  /** URLs from UploadThing's answers: https on the expected hosts, or the configured API's own origin. */
  private trusted(raw: string, hostAllowed: (url: URL) => boolean, what: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw failure(`UploadThing answered with an ${what} that is not a URL`);
    }
    if (url.origin === this.api.origin) return url;
    if (url.protocol !== "https:" || url.username || url.password || !hostAllowed(url)) throw failure(`UploadThing answered with an unexpected ${what} (${url.protocol}//${url.host})`);
    return url;
  }

  private async call(what: string, send: () => Promise<Response>): Promise<Response> {
    try {
      return await send();
    } catch (error) {
      throw new AppError("PROVIDER_UNREACHABLE", `UploadThing could not be reached to ${what}: ${errorMessage(error)}`);
    }
  }
}
