/**
 * @module personas/llm-json
 * Asks a language model for one JSON object and validates it with a zod schema, retrying once with
 * the validation problem when the first answer does not fit.
 */
import type { z } from "zod";
import { AppError } from "../core/errors.js";
import type { ChatMessage, LanguageModel } from "../services/llm/language-model.js";

async function complete(llm: LanguageModel, messages: ChatMessage[]): Promise<string> {
  let text = "";
  for await (const event of llm.stream({ messages, tools: [], signal: AbortSignal.timeout(60_000) })) if (event.type === "text") text += event.text;
  return text;
}

function extractJson(text: string): unknown {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) throw new Error("the answer holds no JSON object");
  return JSON.parse(text.slice(start, end + 1));
}

export async function askForJson<S extends z.ZodType>(llm: LanguageModel, schema: S, system: string, request: string): Promise<z.infer<S>> {
  if (llm.name === "none") {
    throw new AppError("PROVIDER_NOT_CONFIGURED", "This needs a language model: set LLM_BASE_URL (e.g. a local Ollama) or OPENAI_API_KEY");
  }
  const messages: ChatMessage[] = [
    { role: "system", content: `${system}\nAnswer with a single JSON object and nothing else.` },
    { role: "user", content: request },
  ];
  let problem = "";
  for (let attempt = 0; attempt < 2; attempt++) {
    const text = await complete(llm, problem ? [...messages, { role: "user", content: `That answer was not usable (${problem}). Reply again with only the JSON object.` }] : messages);
    try {
      const parsed = schema.safeParse(extractJson(text));
      if (parsed.success) return parsed.data;
      problem = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
  }
  throw new AppError("PROVIDER_REJECTED", `The language model did not produce a usable answer: ${problem}`, { status: 502 });
}
