/**
 * @module tools/get-weather
 * `get_weather`: current conditions from a wttr.in-compatible service (`?format=j1` JSON), read back
 * as one short sentence. Failures come back as a sentence too, so the bot can say what went wrong.
 */
import { z } from "zod";
import type { Tool } from "./tool.js";

const args = z.object({
  location: z.string().min(1).max(100).describe("City or place, e.g. Paris or San Francisco"),
  format: z.enum(["celsius", "fahrenheit"]).default("celsius").describe("Temperature unit"),
});

const j1 = z.object({
  current_condition: z
    .array(
      z.object({
        temp_C: z.string(),
        temp_F: z.string(),
        FeelsLikeC: z.string().optional(),
        FeelsLikeF: z.string().optional(),
        humidity: z.string().optional(),
        weatherDesc: z.array(z.object({ value: z.string() })).optional(),
      }),
    )
    .min(1),
});

const TIMEOUT_MS = 4000;

export const getWeather: Tool<typeof args> = {
  name: "get_weather",
  description: "Get the current weather for a location",
  args,
  async run({ location, format }, context) {
    const url = `${context.weatherApiUrl.replace(/\/+$/, "")}/${encodeURIComponent(location)}?format=j1`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.any([context.signal, AbortSignal.timeout(TIMEOUT_MS)]) });
    } catch {
      return `I couldn't reach the weather service for ${location} just now.`;
    }
    if (!response.ok) return `The weather service had no answer for ${location} (status ${response.status}).`;
    const parsed = j1.safeParse(await response.json().catch(() => undefined));
    const now = parsed.success ? parsed.data.current_condition[0] : undefined;
    if (!now) return `The weather service sent something I couldn't read for ${location}.`;
    const celsius = format === "celsius";
    const temp = celsius ? now.temp_C : now.temp_F;
    const feels = celsius ? now.FeelsLikeC : now.FeelsLikeF;
    const unit = celsius ? "degrees Celsius" : "degrees Fahrenheit";
    const sky = now.weatherDesc?.[0]?.value.trim().toLowerCase() || "unknown conditions";
    const feelsPart = feels && feels !== temp ? `, feeling like ${feels}` : "";
    return `In ${location} it is ${temp} ${unit}${feelsPart}, with ${sky}${now.humidity ? ` and ${now.humidity} percent humidity` : ""}.`;
  },
};
