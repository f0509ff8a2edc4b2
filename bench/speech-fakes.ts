/**
 * @module bench/speech-fakes
 * The scale benchmark's STT, LLM and TTS servers in a process of their own, as real providers are:
 * it prints their settings as one JSON line and runs until its standard input closes.
 */
import { startSpeechFakes } from "./fakes.js";

const fakes = await startSpeechFakes();
process.stdout.write(`${JSON.stringify({ env: fakes.env })}\n`);
process.stdin.resume();
process.stdin.on("end", () => void fakes.stop().then(() => process.exit(0)));
