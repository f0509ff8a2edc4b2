/**
 * @module personas/testing/fake-replicate
 * A local server that answers like Replicate's predictions API for FLUX schnell — bearer-token
 * check, input validation (422), `Prefer: wait`, prediction objects with `urls.get` and an output
 * list, polling by id — and, like replicate.delivery, serves the output file itself. The output file
 * (bytes and Content-Type) is chosen by the test, so wrong types and oversized files can be served.
 */
import { randomBytes } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeReplicateOptions {
  token?: string;
  /** What the output URL serves; a 1×1 PNG by default. */
  image?: { bytes: Buffer; contentType: string };
  /** Leave out Content-Length (chunked), as a server hiding the size would. */
  chunked?: boolean;
  /** Polls answered "processing" before the prediction succeeds (0: finished within `Prefer: wait`). */
  processingPolls?: number;
  /** The prediction fails with this error instead. */
  failWith?: string;
}

export interface ReplicateRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  prefer: string | undefined;
  body: unknown;
}

/** A valid 1×1 PNG. */
export const TINY_PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201e5274de10000000049454e44ae426082",
  "hex",
);

interface Prediction {
  id: string;
  input: Record<string, unknown>;
  pollsLeft: number;
  created_at: string;
}

const ASPECT_RATIOS = new Set(["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"]);
const FORMATS = new Set(["webp", "jpg", "png"]);

export class FakeReplicate {
  readonly requests: ReplicateRequest[] = [];
  readonly downloads: string[] = [];
  private readonly predictions = new Map<string, Prediction>();
  private readonly server: Server;

  constructor(readonly options: FakeReplicateOptions = {}) {
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

  /** A prediction finished earlier, as if made by another client; returns its output URL. */
  finishedPrediction(outputFormat = "png"): string {
    const prediction = { id: randomBytes(13).toString("hex"), input: { prompt: "earlier", output_format: outputFormat }, pollsLeft: 0, created_at: new Date().toISOString() };
    this.predictions.set(prediction.id, prediction);
    return this.outputUrl(prediction);
  }

  private outputUrl(prediction: Prediction): string {
    return `${this.url}/xezq/${prediction.id}/out-0.${String(prediction.input.output_format ?? "webp")}`;
  }

  private view(prediction: Prediction): Record<string, unknown> {
    const failed = this.options.failWith !== undefined;
    const status = prediction.pollsLeft > 0 ? "processing" : failed ? "failed" : "succeeded";
    const done = status !== "processing";
    return {
      id: prediction.id,
      model: "black-forest-labs/flux-schnell",
      version: "hidden",
      input: prediction.input,
      logs: "",
      output: status === "succeeded" ? [this.outputUrl(prediction)] : null,
      data_removed: false,
      error: failed && done ? this.options.failWith : null,
      status,
      created_at: prediction.created_at,
      ...(done ? { completed_at: new Date().toISOString(), metrics: { predict_time: 0.4 } } : {}),
      urls: {
        cancel: `${this.url}/v1/predictions/${prediction.id}/cancel`,
        get: `${this.url}/v1/predictions/${prediction.id}`,
        stream: `${this.url}/v1/predictions/${prediction.id}/stream`,
        web: `https://replicate.com/p/${prediction.id}`,
      },
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const method = req.method ?? "GET";
    const send = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));

    if (method === "GET" && path.startsWith("/xezq/")) {
      this.downloads.push(path);
      const image = this.options.image ?? { bytes: TINY_PNG, contentType: "image/png" };
      const headers: Record<string, string> = { "content-type": image.contentType, "cache-control": "public, max-age=3600" };
      if (!this.options.chunked) headers["content-length"] = String(image.bytes.length);
      res.writeHead(this.predictions.has(path.split("/")[2] ?? "") ? 200 : 404, headers).end(image.bytes);
      return;
    }
    this.requests.push({ method, path, authorization: req.headers.authorization, prefer: req.headers.prefer as string | undefined, body });
    if (req.headers.authorization !== `Bearer ${this.options.token ?? "r8_test"}`) {
      send(401, { title: "Unauthenticated", detail: "You did not pass a valid authentication token", status: 401 });
      return;
    }
    if (method === "POST" && path === "/v1/models/black-forest-labs/flux-schnell/predictions") {
      const input = (body as { input?: Record<string, unknown> } | undefined)?.input;
      const invalid = [
        typeof input?.prompt !== "string" || input.prompt.length === 0 ? "prompt" : undefined,
        input?.aspect_ratio !== undefined && !ASPECT_RATIOS.has(String(input.aspect_ratio)) ? "aspect_ratio" : undefined,
        input?.output_format !== undefined && !FORMATS.has(String(input.output_format)) ? "output_format" : undefined,
      ].filter(Boolean);
      if (!input || invalid.length) {
        send(422, { title: "Input validation failed", detail: `invalid: ${invalid.join(", ") || "input"}`, status: 422, invalid_fields: invalid });
        return;
      }
      const prediction = { id: randomBytes(13).toString("hex"), input, pollsLeft: this.options.processingPolls ?? 0, created_at: new Date().toISOString() };
      this.predictions.set(prediction.id, prediction);
      send(201, this.view(prediction));
      return;
    }
    const poll = path.match(/^\/v1\/predictions\/([a-z0-9]+)$/);
    const prediction = poll ? this.predictions.get(poll[1] ?? "") : undefined;
    if (method === "GET" && prediction) {
      if (prediction.pollsLeft > 0) prediction.pollsLeft -= 1;
      send(200, this.view(prediction));
      return;
    }
    send(404, { title: "Not found", detail: "The requested resource could not be found.", status: 404 });
  }
}
