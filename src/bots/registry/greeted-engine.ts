/**
 * @module bots/registry/greeted-engine
 * The engine of a bot resumed after a restart while it was in the call: everything passes through
 * except the admission, because the meeting already heard this bot's greeting once.
 */
import type { TranscriptLine, TurnMetricsSnapshot, VoicePipeline, VoiceState } from "../../core/bot-contracts.js";
import type { Speaker } from "../../core/speaker.js";

export class AlreadyGreetedEngine implements VoicePipeline {
  constructor(private readonly inner: VoicePipeline) {}

  start(): Promise<void> {
    return this.inner.start();
  }

  admitted(): void {
    // The bot greeted the meeting before the restart; greeting again would interrupt it.
  }

  pushAudio(pcm: Int16Array): void {
    this.inner.pushAudio(pcm);
  }

  pushSpeakers(speakers: Speaker[]): void {
    this.inner.pushSpeakers(speakers);
  }

  isSpeaking(): boolean {
    return this.inner.isSpeaking();
  }

  metrics(): TurnMetricsSnapshot {
    return this.inner.metrics();
  }

  onTranscript(listener: (line: TranscriptLine) => void): void {
    this.inner.onTranscript(listener);
  }

  onVoiceState(listener: (state: VoiceState) => void): void {
    this.inner.onVoiceState?.(listener);
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }
}
