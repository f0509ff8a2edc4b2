import { describe, expect, it } from "vitest";
import { ProviderError } from "../../core/errors.js";
import { LocalGgufLanguageModel } from "./local-gguf-language-model.js";

describe("LocalGgufLanguageModel", () => {
  it("reports a missing model file clearly instead of failing later", async () => {
    const llm = new LocalGgufLanguageModel("/nonexistent/model.gguf");
    const run = async () => {
      for await (const _ of llm.stream({ messages: [{ role: "user", content: "hi" }], tools: [], signal: new AbortController().signal })) {
        /* nothing arrives */
      }
    };
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(/LLM_MODEL_PATH points to \/nonexistent\/model\.gguf, which does not exist/);
  });
});
