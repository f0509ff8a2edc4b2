/**
 * @module prompt-data/prompt-data-request
 * `prompt_data_sources` and `prompt_data_token_limit` of `POST /bots`, with the original API's
 * names, defaults and limits: inline text or a URL fetched once when the bot is created, appended
 * to the system prompt under a token budget.
 */
import { z } from "zod";
import { outboundHeadersSchema } from "../net/outbound-headers.js";
import { urlShapeProblem } from "../net/pinned-origin.js";

export const DEFAULT_PROMPT_DATA_TOKEN_LIMIT = 4000;
export const MAX_PROMPT_DATA_TOKENS = 50_000;

export const promptDataSourceSchema = z
  .object({
    name: z.string().trim().min(1).max(120).default("external_context").describe("Name shown on the source's block in the prompt"),
    type: z.enum(["text", "url"]).describe("text: inline `text`; url: fetch `url` once when the bot is created"),
    text: z.string().max(200_000).optional().describe("The context itself; required when type is text"),
    url: z
      .string()
      .trim()
      .max(2048)
      .optional()
      .describe(
        "http(s) page or file to fetch when type is url. HTML becomes readable text. Private, loopback, link-local and metadata addresses are refused unless the server's FETCH_ALLOW_HOSTS opens them",
      ),
    headers: outboundHeadersSchema.optional().describe("Headers sent with the fetch (e.g. Authorization); need https:// unless the host is allowlisted. Never logged"),
    token_limit: z.number().int().min(1).max(MAX_PROMPT_DATA_TOKENS).optional().describe("Cap on this source's tokens, within prompt_data_token_limit"),
  })
  .strict()
  .superRefine((source, context) => {
    if (source.type === "text") {
      if (!source.text?.trim()) context.addIssue({ code: "custom", path: ["text"], message: "is required when type is text" });
      if (source.url !== undefined) context.addIssue({ code: "custom", path: ["url"], message: "is not allowed when type is text" });
      if (source.headers !== undefined) context.addIssue({ code: "custom", path: ["headers"], message: "are only sent for type url" });
      return;
    }
    if (source.text !== undefined) context.addIssue({ code: "custom", path: ["text"], message: "is not allowed when type is url" });
    if (!source.url) context.addIssue({ code: "custom", path: ["url"], message: "is required when type is url" });
    else {
      const problem = urlShapeProblem(source.url);
      if (problem) context.addIssue({ code: "custom", path: ["url"], message: problem });
    }
  });

export type PromptDataSource = z.infer<typeof promptDataSourceSchema>;

export const promptDataSourcesSchema = z.array(promptDataSourceSchema).max(10).describe("Text or URLs appended to the bot's system prompt as named context blocks");

export const promptDataTokenLimitSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_PROMPT_DATA_TOKENS)
  .meta({ default: DEFAULT_PROMPT_DATA_TOKEN_LIMIT })
  .describe("Approximate total token cap for the loaded prompt_data_sources (counted with a GPT tokenizer). 0 disables loading");
