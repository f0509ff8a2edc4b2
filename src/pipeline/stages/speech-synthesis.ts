/**
 * @module pipeline/stages/speech-synthesis
 * Turns the answer into speech one sentence at a time, as the LLM streams, so the bot starts
 * talking before the model has finished (a long first clause goes ahead on its own). All pieces of
 * one answer share one synthesis context (`turn-<id>`), ended when the answer is, so a provider
 * with continuations keeps the voice continuous. Text is cleaned of markup first; an interruption
 * stops the sentence being synthesised and drops the rest.
 */
import { randomUUID } from "node:crypto";
import { errorMessage } from "../../core/errors.js";
import type { TextToSpeech } from "../../services/tts/text-to-speech.js";
import { type Direction, type Frame, frame } from "../frames.js";
import { FrameProcessor } from "../processor.js";
import { SentenceSplitter } from "../text/sentences.js";
import { speakable } from "../text/speakable.js";
import { sayNames } from "../text/spoken-names.js";
import type { TurnMetrics } from "../turn-metrics.js";

export interface SpeechSynthesisOptions {
  tts: TextToSpeech;
  outputRate: number;
  voiceId: string | undefined;
  gender: string | undefined;
  language: string;
  metrics: TurnMetrics;
  /** Speaking speed multiplier; undefined is normal. */
  speed?: number;
}

export class SpeechSynthesisStage extends FrameProcessor {
  private readonly splitter = new SentenceSplitter();
  private activeTurn: number | undefined;
  /** The TTS engine is shared by every bot of the process: context keys must not collide. */
  private readonly contextPrefix = randomUUID();

  constructor(private readonly options: SpeechSynthesisOptions) {
    super("speech-synthesis");
  }

  protected override async processFrame(f: Frame, direction: Direction): Promise<void> {
    switch (f.type) {
      case "llm-text":
        for (const sentence of this.splitter.push(f.text)) await this.say(sentence, f.turnId);
        return;
      case "llm-response-end": {
        const rest = this.splitter.flush();
        if (rest) await this.say(rest, f.turnId);
        await this.finishTurn(f.turnId);
        return void (await this.push(f, direction));
      }
      case "speak":
        for (const sentence of [...new SentenceSplitter().push(`${f.text}\n`)]) await this.say(sentence, f.turnId);
        await this.finishTurn(f.turnId);
        return;
      case "interruption":
        this.splitter.reset();
        this.endReply();
        break;
    }
    await this.push(f, direction);
  }

  private async say(sentence: string, turnId: number): Promise<void> {
    const text = speakable(sentence);
    if (!/[\p{L}\p{N}]/u.test(text)) return;
    const signal = this.interruptSignal;
    if (this.activeTurn !== turnId) {
      this.endReply();
      this.activeTurn = turnId;
      await this.pushUnlessInterrupted(frame("tts-started", { turnId }), signal);
    }
    const { tts, outputRate, voiceId, gender, language, metrics, speed } = this.options;
    try {
      let first = true;
      for await (const audio of tts.synthesize(sayNames(text), { sampleRate: outputRate, voiceId, gender, language, signal, speed, context: this.contextOf(turnId) })) {
        if (signal.aborted) return;
        if (first) metrics.mark(turnId, "tts_first_audio");
        await this.pushUnlessInterrupted(frame("tts-audio", { audio, sampleRate: outputRate, turnId, text: first ? text : null }), signal);
        first = false;
      }
    } catch (error) {
      if (signal.aborted) return;
      this.logger.warn({ err: errorMessage(error), turnId }, "text-to-speech failed; sentence skipped");
      await this.pushError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async finishTurn(turnId: number): Promise<void> {
    if (this.activeTurn !== turnId) return;
    this.endReply();
    await this.pushUnlessInterrupted(frame("tts-stopped", { turnId }), this.interruptSignal);
  }

  /** Closes the answer's synthesis context, if one is open. */
  private endReply(): void {
    if (this.activeTurn === undefined) return;
    this.options.tts.endReply?.(this.contextOf(this.activeTurn));
    this.activeTurn = undefined;
  }

  private contextOf(turnId: number): string {
    return `${this.contextPrefix}-turn-${turnId}`;
  }

  protected override async cleanup(): Promise<void> {
    this.endReply();
  }
}
