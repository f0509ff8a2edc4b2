import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../core/errors.js";
import { GGUF_INSTALL_HINT, ggufRuntimeMissing, loadGgufRuntime } from "./gguf-runtime.js";
import { LocalGgufLanguageModel } from "./local-gguf-language-model.js";

async function firstError(llm: LocalGgufLanguageModel): Promise<unknown> {
  const run = async () => {
    for await (const _ of llm.stream({ messages: [{ role: "user", content: "hi" }], tools: [], signal: new AbortController().signal })) {
      /* nothing arrives */
    }
  };
  return run().catch((e: unknown) => e);
}

describe("LocalGgufLanguageModel", () => {
  it("reports a missing model file clearly instead of failing later", async () => {
    const error = await firstError(new LocalGgufLanguageModel("/nonexistent/model.gguf"));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(/LLM_MODEL_PATH points to \/nonexistent\/model\.gguf, which does not exist/);
  });

  it("says how to install the runtime when it is not installed", async () => {
    const model = join(mkdtempSync(join(tmpdir(), "gguf-")), "model.gguf");
    writeFileSync(model, "GGUF");
    const error = await firstError(new LocalGgufLanguageModel(model, "no-such-gguf-runtime"));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toBe("local-gguf: no-such-gguf-runtime is not installed: run `npm run setup -- --gguf` to add it (about 700 MB)");
  });
});

describe("the optional GGUF runtime", () => {
  it("is found when installed and named with its install step when not", async () => {
    expect(ggufRuntimeMissing("vitest")).toBeUndefined();
    expect(ggufRuntimeMissing("no-such-gguf-runtime")).toMatch(/npm run setup -- --gguf/);
    expect(GGUF_INSTALL_HINT).toMatch(/^node-llama-cpp is not installed: run `npm run setup -- --gguf`/);
    await expect(loadGgufRuntime("no-such-gguf-runtime")).rejects.toThrow(/no-such-gguf-runtime is not installed/);
  });
});
