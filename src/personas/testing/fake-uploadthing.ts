/**
 * @module personas/testing/fake-uploadthing
 * A local server that answers like UploadThing's upload API: `POST /v7/prepareUpload` checks the
 * `x-uploadthing-api-key` header and the file description and returns `{key, url}` with a presigned
 * ingest URL (signed with HMAC-SHA256 over the URL, like UploadThing's); a multipart `PUT` to that
 * URL with the `file` field is checked against the signature, the declared size and type, and
 * answered with `{url, appUrl, ufsUrl, fileHash, serverData}`; `GET /f/<key>` serves the file as
 * the ufs.sh CDN does.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeUploadThingOptions {
  apiKey?: string;
  appId?: string;
  /** Answer prepareUpload with this status and error instead. */
  refuseWith?: { status: number; error: string };
}

export interface StoredUpload {
  key: string;
  name: string;
  type: string;
  bytes: Buffer;
}

interface Pending {
  name: string;
  size: number;
  type: string;
}

export class FakeUploadThing {
  readonly prepared: { apiKey: string | undefined; body: unknown }[] = [];
  readonly files = new Map<string, StoredUpload>();
  private readonly pending = new Map<string, Pending>();
  private readonly server: Server;
  readonly apiKey: string;
  readonly appId: string;

  constructor(readonly options: FakeUploadThingOptions = {}) {
    this.apiKey = options.apiKey ?? "sk_live_fake0123456789";
    this.appId = options.appId ?? "fakeapp123";
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private sign(url: URL): string {
    return `hmac-sha256=${createHmac("sha256", this.apiKey).update(url.href).digest("hex")}`;
  }

  private signatureValid(url: URL): boolean {
    const given = url.searchParams.get("signature") ?? "";
    const unsigned = new URL(url.href);
    unsigned.searchParams.delete("signature");
    const expected = this.sign(unsigned);
    return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", this.url);
    const send = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));

    if (req.method === "POST" && url.pathname === "/v7/prepareUpload") {
      const apiKey = req.headers["x-uploadthing-api-key"] as string | undefined;
      let body: Record<string, unknown> | undefined;
      try {
        body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
      } catch {
        body = undefined;
      }
      this.prepared.push({ apiKey, body });
      if (apiKey !== this.apiKey) return void send(401, { error: "Invalid API key", code: "UNAUTHORIZED" });
      if (this.options.refuseWith) return void send(this.options.refuseWith.status, { error: this.options.refuseWith.error });
      const { fileName, fileSize, fileType } = body ?? {};
      if (typeof fileName !== "string" || !fileName || typeof fileSize !== "number" || fileSize < 0 || typeof fileType !== "string") {
        return void send(400, { error: "Invalid request input: fileName, fileSize and fileType are required", code: "BAD_REQUEST" });
      }
      const key = randomBytes(18).toString("base64url");
      const ingest = new URL(`/${key}`, this.url);
      ingest.searchParams.set("expires", String(Date.now() + 3_600_000));
      ingest.searchParams.set("x-ut-identifier", this.appId);
      ingest.searchParams.set("x-ut-file-name", fileName);
      ingest.searchParams.set("x-ut-file-size", String(fileSize));
      ingest.searchParams.set("x-ut-file-type", fileType);
      ingest.searchParams.set("x-ut-content-disposition", String(body?.contentDisposition ?? "inline"));
      ingest.searchParams.set("signature", this.sign(ingest));
      this.pending.set(key, { name: fileName, size: fileSize, type: fileType });
      return void send(200, { key, url: ingest.href });
    }

    if (req.method === "PUT") {
      const key = url.pathname.slice(1);
      const pending = this.pending.get(key);
      if (!pending || !this.signatureValid(url)) return void send(403, { error: "Invalid signature" });
      if (Number(url.searchParams.get("expires")) < Date.now()) return void send(403, { error: "URL expired" });
      let file: FormDataEntryValue | null;
      try {
        const form = await new Request(url, { method: "PUT", headers: { "content-type": req.headers["content-type"] ?? "" }, body: raw }).formData();
        file = form.get("file");
      } catch {
        file = null;
      }
      if (!(file instanceof Blob)) return void send(400, { error: "Expected multipart form data with a file field" });
      const bytes = Buffer.from(await file.arrayBuffer());
      if (bytes.length !== pending.size) return void send(400, { error: `File size mismatch: declared ${pending.size}, got ${bytes.length}` });
      this.pending.delete(key);
      this.files.set(key, { key, name: pending.name, type: pending.type, bytes });
      const fileUrl = `${this.url}/f/${key}`;
      return void send(200, {
        url: fileUrl,
        appUrl: `${this.url}/a/${this.appId}/f/${key}`,
        ufsUrl: fileUrl,
        fileHash: createHash("md5").update(bytes).digest("hex"),
        serverData: null,
      });
    }

    const served = req.method === "GET" && url.pathname.startsWith("/f/") ? this.files.get(url.pathname.slice(3)) : undefined;
    if (served) {
      res.writeHead(200, { "content-type": served.type, "content-length": String(served.bytes.length) }).end(served.bytes);
      return;
    }
    send(404, { error: "Not found" });
  }
}
