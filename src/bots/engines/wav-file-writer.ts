/**
 * @module bots/engines/wav-file-writer
 * Appends PCM s16le mono to a WAV file as it arrives and fixes the header sizes on close, so a
 * recording of any length never sits in memory. A failed write (disk full, file gone) or a disk that
 * falls far behind is reported once through `onError`; later samples are dropped, and `close()`
 * rejects with that failure.
 */
import { type FileHandle, open } from "node:fs/promises";
import { SerialQueue } from "../../util/serial-queue.js";

const HEADER_BYTES = 44;
/** Bytes waiting for the disk, at most (~4 min of 16 kHz audio): past that the disk is not keeping up. */
const MAX_QUEUED_BYTES = 8_000_000;

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
  private queuedBytes = 0;
  /** Opening, writes and the final header run one at a time, in order. */
  private readonly steps = new SerialQueue();
  private file: FileHandle | undefined;
  private failure: Error | undefined;

  constructor(
    readonly path: string,
    private readonly sampleRate: number,
    private readonly onError: (error: Error) => void,
  ) {
    void this.step(async () => {
      this.file = await open(path, "w");
      await this.file.write(header(sampleRate, 0), 0, HEADER_BYTES, 0);
    });
  }

  /** Queues samples for writing; writes happen in order without blocking the caller. */
  write(pcm: Int16Array): void {
    if (this.failure) return;
    if (this.queuedBytes + pcm.byteLength > MAX_QUEUED_BYTES) {
      this.fail(new Error(`the disk is not keeping up: ${this.queuedBytes} bytes of ${this.path} still waiting`));
      return;
    }
    const copy = Buffer.from(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    const position = HEADER_BYTES + this.dataBytes;
    this.dataBytes += copy.length;
    this.queuedBytes += copy.length;
    void this.step(async () => {
      this.queuedBytes -= copy.length;
      await this.file?.write(copy, 0, copy.length, position);
    });
  }

  get durationSeconds(): number {
    return this.dataBytes / 2 / this.sampleRate;
  }

  async close(): Promise<void> {
    await this.steps.idle();
    const file = this.file;
    this.file = undefined;
    if (!file) {
      if (this.failure) throw this.failure;
      return;
    }
    try {
      if (!this.failure) await file.write(header(this.sampleRate, this.dataBytes), 0, HEADER_BYTES, 0);
    } finally {
      await file.close();
    }
    if (this.failure) throw this.failure;
  }

  /** Runs after what is queued, unless a write already failed; never rejects. */
  private step(run: () => Promise<void>): Promise<void> {
    return this.steps.run(async () => {
      if (this.failure) return;
      try {
        await run();
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.onError(error);
  }
}
