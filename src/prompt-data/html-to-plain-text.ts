/**
 * @module prompt-data/html-to-plain-text
 * A fetched document as text the model can read: HTML rendered to plain text (headings, lists and
 * tables kept, scripts, styles, images and link targets dropped), other text decoded with its
 * charset. Binary documents are refused.
 */
import { convert } from "html-to-text";

export class NotTextError extends Error {
  override readonly name = "NotTextError";
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|xhtml\+xml|markdown|x-yaml|yaml|ld\+json|rss\+xml|atom\+xml)\b)/i;

export function documentText(body: Buffer, contentType: string): string {
  const mime = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const text = decode(body, contentType);
  const looksLikeHtml = /^\s*(<!doctype html|<html[\s>])/i.test(text.slice(0, 512));
  if (mime === "text/html" || mime === "application/xhtml+xml" || (!mime && looksLikeHtml)) return tidy(htmlToText(text));
  if (mime && !TEXT_TYPES.test(mime)) throw new NotTextError(`is ${mime}, not a text document`);
  if (!mime && text.includes("\u0000")) throw new NotTextError("is binary, not a text document");
  return tidy(text);
}

export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    tables: true,
    selectors: [
      { selector: "table", format: "dataTable", options: { uppercaseHeaderCells: false } },
      { selector: "a", options: { ignoreHref: true } },
      { selector: "img", format: "skip" },
      { selector: "h1", options: { uppercase: false } },
      { selector: "h2", options: { uppercase: false } },
      { selector: "h3", options: { uppercase: false } },
    ],
  });
}

function decode(body: Buffer, contentType: string): string {
  const charset = /charset="?([\w-]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? "utf-8").decode(body);
  } catch {
    return new TextDecoder("utf-8").decode(body);
  }
}

function tidy(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
}
