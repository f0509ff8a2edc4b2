/**
 * @module bots/engines/wav-file-writer
 * Appends PCM s16le mono to a WAV file as it arrives and fixes the header sizes on close, so a
 * recording of any length never sits in memory.
 */
import { type FileHandle, open } from "node:fs/promises";

const HEADER_BYTES = 44;

function header(sampleRate: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write("WAVE", 8, "ascii");
  h.write("fmt ", 12, "ascii");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

export class WavFileWriter {
  private dataBytes = 0;
  private chain: Promise<unknown>;
  private file: FileHandle | undefined;

  constructor(
    readonly path: string,
    private readonly sampleRate: number,
  ) {
    this.chain = open(path, "w").then(async (file) => {
      this.file = file;
      await file.write(header(sampleRate, 0), 0, HEADER_BYTES, 0);
    });
  }

  /** Queues samples for writing; writes happen in order without blocking the caller. */
  write(pcm: Int16Array): void {
    const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    const copy = Buffer.from(bytes);
    const position = HEADER_BYTES + this.dataBytes;
    this.dataBytes += copy.length;
    this.chain = this.chain.then(() => this.file?.write(copy, 0, copy.length, position));
  }

  get durationSeconds(): number {
    return this.dataBytes / 2 / this.sampleRate;
  }

  async close(): Promise<void> {
    await this.chain;
    if (!this.file) return;
    await this.file.write(header(this.sampleRate, this.dataBytes), 0, HEADER_BYTES, 0);
    await this.file.close();
    this.file = undefined;
  }
}
