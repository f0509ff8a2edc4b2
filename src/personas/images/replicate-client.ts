/**
 * @module personas/images/replicate-client
 * Asks Replicate's predictions API for a portrait with FLUX schnell. `Prefer: wait` lets Replicate
 * answer with the finished prediction; when it is still running the prediction is polled by id on
 * the same API until it ends or the deadline passes. The answer is only an output URL: the file
 * itself is fetched by image-download under its own rules.
 */
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import { AppError, errorMessage } from "../../core/errors.js";
import { jsonBody } from "./json-body.js";

export interface ReplicateSettings {
  token: string;
  apiUrl: string;
  /** How long to wait for the prediction in total. */
  timeoutMs?: number;
  /** Pause between polls of an unfinished prediction. */
  pollIntervalMs?: number;
}

export interface PortraitRequest {
  name: string;
  description: string;
  gender?: string | undefined;
  characteristics?: string[] | undefined;
}

const predictionSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/).optional(),
  status: z.enum(["starting", "processing", "succeeded", "failed", "canceled", "aborted"]),
  output: z.union([z.string(), z.array(z.string())]).nullish(),
  error: z.unknown().optional(),
});
type Prediction = z.infer<typeof predictionSchema>;

const MODEL_PATH = "/v1/models/black-forest-labs/flux-schnell/predictions";

export function portraitPrompt(request: PortraitRequest): string {
  return [
    `Friendly professional headshot portrait of ${request.name}`,
    request.gender ? `(${request.gender})` : "",
    `: ${request.description}.`,
    request.characteristics?.length ? `Personality: ${request.characteristics.join(", ")}.` : "",
    "Soft studio light, plain background, photorealistic.",
  ].join(" ");
}

async function send(url: string, init: RequestInit): Promise<Prediction> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new AppError("PROVIDER_UNREACHABLE", `Replicate could not be reached: ${errorMessage(error)}`);
  }
  const body = predictionSchema.safeParse(await jsonBody(response));
  if (!response.ok || !body.success) throw new AppError("PROVIDER_REJECTED", `Replicate refused the image: HTTP ${response.status}`, { status: 502 });
  return body.data;
}

/** Runs one prediction and returns the URL of the picture it made. */
export async function replicatePortrait(request: PortraitRequest, settings: ReplicateSettings): Promise<string> {
  const api = settings.apiUrl.replace(/\/+$/, "");
  const deadline = Date.now() + (settings.timeoutMs ?? 90_000);
  const headers = { Authorization: `Bearer ${settings.token}`, "content-type": "application/json" };
  const signal = AbortSignal.timeout(settings.timeoutMs ?? 90_000);
  let prediction = await send(`${api}${MODEL_PATH}`, {
    method: "POST",
    headers: { ...headers, Prefer: "wait" },
    body: JSON.stringify({ input: { prompt: portraitPrompt(request), aspect_ratio: "1:1", output_format: "png" } }),
    signal,
  });
  while (prediction.status === "starting" || prediction.status === "processing") {
    if (!prediction.id || Date.now() > deadline) throw new AppError("PROVIDER_REJECTED", "Replicate did not finish the image in time", { status: 502 });
    await delay(settings.pollIntervalMs ?? 1000);
    prediction = await send(`${api}/v1/predictions/${prediction.id}`, { headers, signal });
  }
  const output = Array.isArray(prediction.output) ? prediction.output[0] : prediction.output;
  if (prediction.status !== "succeeded" || !output) {
    const why = typeof prediction.error === "string" ? prediction.error : prediction.status;
    throw new AppError("PROVIDER_REJECTED", `Replicate did not finish the image: ${why.slice(0, 200)}`, { status: 502 });
  }
  return output;
}
