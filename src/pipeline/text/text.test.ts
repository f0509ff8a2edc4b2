import { describe, expect, it } from "vitest";
import { SentenceSplitter } from "./sentences.js";
import { speakable } from "./speakable.js";

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

describe("speakable", () => {
  it("strips markdown, links, URLs and emoji", () => {
    expect(speakable("## Title\n- **Bold** and _it_ 🎉\n1. see [docs](https://x.y) or https://a.b/c `code`")).toBe(
      "Title Bold and it see docs or code",
    );
    expect(speakable("```js\nconst a = 1;\n```\nDone 👍🏽")).toBe("Done");
  });
});
