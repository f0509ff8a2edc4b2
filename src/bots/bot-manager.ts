/**
 * @module bots/bot-manager
 * The registry of every bot this process runs: launches a bot (persona, provider, stream URL),
 * routes the provider's stream to it, makes it leave, and makes all of them leave on shutdown.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { AppError, ProviderError, errorMessage } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ProviderRegistry } from "../meeting/provider-registry.js";
import type { AudioFrequency } from "../meeting/meeting-provider.js";
import { Bot } from "./bot.js";
import type { PersonaResolver, TranscriptLine, VoicePipeline, VoicePipelineOptions } from "./bot-contracts.js";
import type { BotInfo, BotRequest } from "./bot-request.js";
import { newClientId, resolveWebSocketBase, streamUrl } from "./websocket-url.js";

export interface BotManagerOptions {
  logger: Logger;
  providers: ProviderRegistry;
  personas: PersonaResolver;
  /** Builds the engine of one bot: voice pipeline, Pipecat relay or recorder. */
  createEngine(options: VoicePipelineOptions, request: BotRequest): VoicePipeline;
  serverApiKey: string | undefined;
  baseUrl: string | undefined;
  tunnelUrl: () => string | undefined;
  /** This server's own loopback WebSocket base; built-in room bots always dial it. */
  loopbackBase?: () => string;
  connectTimeoutMs: number;
  reconnectGraceMs: number;
  /** Receives what each bot heard and said (the built-in room shows it). */
  onTranscript?: (bot: BotInfo, line: TranscriptLine) => void;
  /** Whether `bot_image` may be plain http:// (a loopback-only development server). */
  allowHttpImages?: boolean;
}

export interface LaunchContext {
  apiKey: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  encrypted: boolean;
}

/** Finished bots kept for status queries. */
const FINISHED_HISTORY = 500;

export class BotManager {
  private readonly byId = new Map<string, Bot>();
  private readonly byClientId = new Map<string, Bot>();
  private readonly apiKeys = new Map<Bot, string | undefined>();
  /** The secret in the webhook URL each bot's provider posts to. */
  private readonly webhookTokens = new WeakMap<Bot, string>();
  private readonly meetingLinks = new WeakMap<Bot, string>();
  private shuttingDown = false;

  constructor(private readonly options: BotManagerOptions) {}

  /** Sends a bot into a meeting; resolves with its public id once the provider accepted it. */
  async launch(request: BotRequest, context: LaunchContext): Promise<Bot> {
    if (this.shuttingDown) throw new AppError("SHUTTING_DOWN", "The server is shutting down and takes no new bots");
    if (request.bot_image?.startsWith("http:") && !this.options.allowHttpImages) {
      throw new AppError("VALIDATION_FAILED", "bot_image: must be an https:// URL (http:// is accepted only on a loopback development server)");
    }
    const provider = this.options.providers.select(request.meeting_url);
    const apiKey = context.apiKey ?? this.options.serverApiKey;
    if (provider.requiresApiKey && !apiKey) {
      throw new AppError("API_KEY_MISSING", "Missing MeetingBaas API key: send it in the x-meeting-baas-api-key header");
    }
    const persona = await this.options.personas.resolve({ prompt: request.prompt, personas: request.personas, botName: request.bot_name });
    const clientId = newClientId();
    const loopback = provider.name === "local" ? this.options.loopbackBase?.() : undefined;
    const wsBase = loopback ? { base: loopback, source: "loopback" } : resolveWebSocketBase({
      requestOverride: request.websocket_url,
      baseUrl: this.options.baseUrl,
      tunnelUrl: this.options.tunnelUrl(),
      headers: context.headers,
      encrypted: context.encrypted,
    });
    const frequency: AudioFrequency = request.streaming_audio_frequency === "24khz" ? 24000 : 16000;
    const botName = request.bot_name || persona.name;
    const logger = this.options.logger.child({ clientId, persona: persona.key });
    const bot = new Bot(
      {
        clientId,
        botName,
        personaKey: persona.key,
        meetingUrl: request.meeting_url,
        providerName: provider.name,
        pipeline: request.pipeline,
        recorder: request.recorder,
        connectTimeoutMs: this.options.connectTimeoutMs,
        reconnectGraceMs: this.options.reconnectGraceMs,
      },
      (sendAudio) =>
        this.options.createEngine(
          { botId: clientId, streamSampleRate: frequency, persona, enableTools: request.enable_tools, sendAudio },
          request,
        ),
      {
        onFinished: (finished) => this.forget(finished),
        onStreamLost: (lost) => void this.leaveProvider(lost),
        onTranscript: (speaker, line) => this.options.onTranscript?.(speaker.info(), line),
      },
      logger,
    );
    this.byClientId.set(clientId, bot);
    this.apiKeys.set(bot, apiKey);
    const webhookToken = randomBytes(18).toString("base64url");
    this.webhookTokens.set(bot, webhookToken);
    logger.info({ meetingUrl: request.meeting_url, provider: provider.name, wsSource: wsBase.source, chosenBy: persona.chosenBy }, "sending bot");
    try {
      const joined = await provider.join({
        meetingUrl: request.meeting_url,
        botName,
        botImage: request.bot_image ?? persona.image,
        entryMessage: request.entry_message ?? persona.entryMessage,
        extra: request.extra,
        streamUrl: streamUrl(wsBase.base, clientId),
        audioFrequency: frequency,
        deduplicationKey: `${persona.key}-BaaS-${clientId}`,
        webhookUrl: this.webhookUrl(loopback, webhookToken),
        apiKey,
      });
      bot.providerBotId = joined.providerBotId;
      if (joined.meetingLink) this.meetingLinks.set(bot, joined.meetingLink);
      this.byId.set(joined.providerBotId, bot);
      logger.info({ botId: joined.providerBotId }, "provider accepted the bot");
      return bot;
    } catch (error) {
      this.byClientId.delete(clientId);
      this.apiKeys.delete(bot);
      bot.fail(errorMessage(error));
      throw providerFailure(provider.name, error);
    }
  }

  /**
   * Where the provider posts status events: our own address for the built-in room, else BASE_URL;
   * the bot's own token in the URL is what proves a webhook came from its provider.
   */
  private webhookUrl(loopbackWsBase: string | undefined, token: string): string | undefined {
    const base = loopbackWsBase ? loopbackWsBase.replace(/^ws/, "http") : this.options.baseUrl?.replace(/\/+$/, "");
    return base ? `${base}/webhook?token=${token}` : undefined;
  }

  /** The link people use to join the bot's meeting, when the provider gave one (built-in rooms). */
  meetingLinkOf(bot: Bot): string | undefined {
    return this.meetingLinks.get(bot);
  }

  get(botId: string): Bot | undefined {
    return this.byId.get(botId) ?? this.byClientId.get(botId);
  }

  byClient(clientId: string): Bot | undefined {
    return this.byClientId.get(clientId);
  }

  list(): Bot[] {
    return [...new Set(this.byId.values())];
  }

  get activeCount(): number {
    return this.list().filter((bot) => !bot.isFinal).length;
  }

  /** Whether a webhook carries the token of this bot's webhook URL (compared in constant time). */
  webhookTokenMatches(bot: Bot, token: string | undefined): boolean {
    const expected = this.webhookTokens.get(bot);
    return expected !== undefined && token !== undefined && safeEqual(token, expected);
  }

  /** Makes a bot leave its meeting. Leaving a bot that already left is not an error. */
  async leave(botId: string): Promise<Bot> {
    const bot = this.get(botId);
    if (!bot) throw new AppError("BOT_NOT_FOUND", `No bot with id ${botId.slice(0, 100)}: it was never launched by this server`);
    if (bot.isFinal || bot.status === "leaving") return bot;
    await this.leaveProvider(bot);
    await bot.leave();
    return bot;
  }

  /** Makes every bot leave, waiting at most `timeoutMs`. */
  async shutdown(timeoutMs: number): Promise<{ left: number; pending: number }> {
    this.shuttingDown = true;
    const active = this.list().filter((bot) => !bot.isFinal);
    const all = Promise.allSettled(active.map((bot) => this.leave(bot.id)));
    const timeout = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([all, timeout]);
    const pending = active.filter((bot) => !bot.isFinal).length;
    return { left: active.length - pending, pending };
  }

  private async leaveProvider(bot: Bot): Promise<void> {
    if (!bot.providerBotId) return;
    const provider = this.options.providers.select(bot.settings.meetingUrl);
    try {
      await provider.leave(bot.providerBotId, this.apiKeys.get(bot));
    } catch (error) {
      // The bot may already be gone on the provider's side; our side still cleans up.
      this.options.logger.warn({ botId: bot.providerBotId, err: errorMessage(error) }, "provider leave failed");
    }
  }

  private forget(bot: Bot): void {
    this.byClientId.delete(bot.settings.clientId);
    this.apiKeys.delete(bot);
    const finished = this.list().filter((candidate) => candidate.isFinal);
    for (const old of finished.slice(0, Math.max(0, finished.length - FINISHED_HISTORY))) this.byId.delete(old.id);
  }
}

/** A provider's refusal keeps its status and reason; anything else is a 502. */
function providerFailure(provider: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ProviderError && error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError("PROVIDER_REJECTED", `${provider} rejected the bot: ${error.message}`, {
      status: error.statusCode,
      details: { upstream_status: error.statusCode },
    });
  }
  return new AppError("PROVIDER_UNREACHABLE", `${provider} could not be reached or failed: ${errorMessage(error)}`, { retryable: true });
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
