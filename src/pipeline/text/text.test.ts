import { describe, expect, it } from "vitest";
import { SentenceSplitter } from "./sentences.js";
import { speakable } from "./speakable.js";
import { sayNames } from "./spoken-names.js";
import { MISSING_LLM_SENTENCE } from "../../services/llm/unavailable-language-model.js";

describe("SentenceSplitter", () => {
  it("emits sentences as soon as they are complete, across token boundaries", () => {
    const splitter = new SentenceSplitter();
    const out: string[] = [];
    for (const token of ["Hel", "lo there", ". It is 3", ".5 degrees in Paris", "! Mr. Smith agrees", "? Yes"]) out.push(...splitter.push(token));
    expect(out).toEqual(["Hello there.", "It is 3.5 degrees in Paris!", "Mr. Smith agrees?"]);
    expect(splitter.flush()).toBe("Yes");
    expect(splitter.flush()).toBeUndefined();
  });

  it("cuts at line breaks and at a comma in very long runs", () => {
    const splitter = new SentenceSplitter();
    expect(splitter.push("First line\nsecond")).toEqual(["First line"]);
    const long = ` ${"word ".repeat(30)}, ${"more ".repeat(30)}`;
    expect(splitter.push(long)[0]).toMatch(/^second word/);
  });
});

describe("first clause", () => {
  const stream = (splitter: SentenceSplitter, tokens: string[]) => tokens.flatMap((t) => splitter.push(t));

  it("speaks a long first clause on its own, then whole sentences", () => {
    const splitter = new SentenceSplitter();
    const out = stream(splitter, ["Well, the forecast for Paris ", "today looks mostly sunny and warm", ", with a light breeze", " later on. Take sunglasses, ", "and water too, because it is going to be a very hot day indeed. Bye"]);
    expect(out).toEqual(["Well, the forecast for Paris today looks mostly sunny and warm,", "with a light breeze later on.", "Take sunglasses, and water too, because it is going to be a very hot day indeed."]);
    expect(splitter.flush()).toBe("Bye");
  });

  it("keeps short first clauses, numbers and times in the sentence", () => {
    const splitter = new SentenceSplitter();
    expect(stream(splitter, ["Sure, it costs 1,000 euros and starts at 10:30 on the first day", "; bring a pen."])).toEqual(["Sure, it costs 1,000 euros and starts at 10:30 on the first day;"]);
    expect(splitter.flush()).toBe("bring a pen.");
    expect(new SentenceSplitter().push("Yes, I can do that for you. ")).toEqual(["Yes, I can do that for you."]);
  });

  it("waits for the character after a clause mark before deciding", () => {
    const splitter = new SentenceSplitter();
    expect(splitter.push("The meeting moved to the big room downstairs at 10:")).toEqual([]);
    expect(splitter.push("30 for everyone. Ok")).toEqual(["The meeting moved to the big room downstairs at 10:30 for everyone."]);
  });

  it("starts over after flush and reset: each answer may open with a clause", () => {
    const splitter = new SentenceSplitter();
    const clause = "One two three four five six seven eight, nine.";
    expect(splitter.push(clause)).toEqual(["One two three four five six seven eight,"]);
    expect(splitter.flush()).toBe("nine.");
    expect(splitter.push(clause)).toEqual(["One two three four five six seven eight,"]);
    splitter.reset();
    expect(splitter.push(clause)).toEqual(["One two three four five six seven eight,"]);
    expect(new SentenceSplitter(20).push(`${clause} `)).toEqual([clause]);
  });
});

describe("speakable", () => {
  it("strips markdown, links, URLs and emoji", () => {
    expect(speakable("## Title\n- **Bold** and _it_ 🎉\n1. see [docs](https://x.y) or https://a.b/c `code`")).toBe(
      "Title Bold and it see docs or code",
    );
    expect(speakable("```js\nconst a = 1;\n```\nDone 👍🏽")).toBe("Done");
  });
});

describe("setting names", () => {
  it("stay exact through the markdown stripping, underscores and all", () => {
    expect(speakable(MISSING_LLM_SENTENCE)).toContain("Set LLM_BASE_URL to");
    expect(speakable(MISSING_LLM_SENTENCE)).toContain("set OPENAI_API_KEY, or set LLM_MODEL_PATH to a GGUF file");
    expect(sayNames(speakable(MISSING_LLM_SENTENCE))).toContain("Set L L M base URL to an OpenAI-compatible server");
    expect(speakable("Set **LLM_BASE_URL** or `OPENAI_API_KEY`, then __restart__ _now_.")).toBe("Set LLM_BASE_URL or OPENAI_API_KEY, then restart now.");
    expect(speakable("_ a lone underscore _ and snake_case_name")).toBe("a lone underscore and snake_case_name");
  });

  it("are said as words", () => {
    expect(sayNames("Set LLM_BASE_URL to a server.")).toBe("Set L L M base URL to a server.");
    expect(sayNames("OPENAI_API_KEY, or LLM_MODEL_PATH to a GGUF file")).toBe("OpenAI A P I key, or L L M model path to a GGUF file");
    expect(sayNames("the onboarding_guide persona, HTTP_PORT_2")).toBe("the onboarding guide persona, H T T P port 2");
    expect(sayNames("no names here")).toBe("no names here");
  });
});
