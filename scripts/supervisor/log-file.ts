// The supervised process's log: appended (a restart never empties it, so a crash's last lines stay), rotated
// by size into a few numbered generations, and JSON on every line (anything else the process prints is
// wrapped into a JSON line, so one parser reads the whole file).
import fs from 'node:fs';

export interface LogFileOptions {
  path: string;
  /** Rotate before a write would take the file past this size. */
  maxBytes: number;
  /** Old generations kept beside it: path.1 (newest) ... path.N. */
  keep: number;
}

export type Stream = 'stdout' | 'stderr';

/** The line as is when it is a JSON object (winston's output); otherwise a JSON line carrying it. */
export function jsonLine(line: string, service: string, stream: Stream, now: Date = new Date()): string {
  if (line.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return line;
    } catch {
      // Not JSON after all: wrapped below.
    }
  }
  // Raw stderr is mostly a crash's stack trace or a runtime warning: worth an operator's attention.
  const level = stream === 'stderr' ? 'error' : 'info';
  return JSON.stringify({ level, message: line, service, stream, raw: true, timestamp: now.toISOString() });
}

export class LogFile {
  private fd: number;
  private size: number;

  constructor(private readonly options: LogFileOptions) {
    this.fd = fs.openSync(options.path, 'a');
    this.size = fs.fstatSync(this.fd).size;
  }

  /** Writes whole lines (each without its newline), in one write per file: a file is rotated before the line
   *  that would take it past maxBytes, so no generation grows beyond it (unless a single line does). */
  writeLines(lines: string[]): void {
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const flush = (): void => {
      if (batchBytes > 0) fs.writeSync(this.fd, Buffer.concat(batch));
      this.size += batchBytes;
      batch = [];
      batchBytes = 0;
    };
    for (const line of lines) {
      const data = Buffer.from(`${line}\n`);
      if (this.size + batchBytes > 0 && this.size + batchBytes + data.length > this.options.maxBytes) {
        flush();
        this.rotate();
      }
      batch.push(data);
      batchBytes += data.length;
    }
    flush();
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  private rotate(): void {
    fs.closeSync(this.fd);
    const { path, keep } = this.options;
    fs.rmSync(`${path}.${keep}`, { force: true });
    for (let generation = keep - 1; generation >= 1; generation -= 1) {
      if (fs.existsSync(`${path}.${generation}`)) fs.renameSync(`${path}.${generation}`, `${path}.${generation + 1}`);
    }
    if (keep > 0) fs.renameSync(path, `${path}.1`);
    else fs.rmSync(path, { force: true });
    this.fd = fs.openSync(path, 'a');
    this.size = 0;
  }
}

/** Splits a byte stream into lines; a line longer than `maxLine` is cut so one runaway write cannot grow memory. */
export class LineSplitter {
  private pending = '';

  constructor(private readonly maxLine = 64 * 1024) {}

  push(chunk: string): string[] {
    const parts = (this.pending + chunk).split('\n');
    this.pending = parts.pop() ?? '';
    while (this.pending.length > this.maxLine) {
      parts.push(this.pending.slice(0, this.maxLine));
      this.pending = this.pending.slice(this.maxLine);
    }
    return parts.map((line) => line.replace(/\r$/, '')).filter((line) => line.length > 0);
  }

  /** What is left when the stream ends without a final newline. */
  flush(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest.length > 0 ? [rest] : [];
  }
}
