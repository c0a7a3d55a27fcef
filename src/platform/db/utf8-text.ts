// Large text parameters built piece by piece as UTF-8 bytes. A Buffer parameter goes to a server as it
// is (node-postgres and the embedded database send it in binary format, which for text is its UTF-8
// bytes: the statement casts the parameter to text), so a statement's large text is encoded once, as
// it is written, and never held as one JavaScript string. Joining thousands of pieces into one string
// copies them all again (in two bytes per character once one piece holds a character beyond Latin-1,
// such as a borrower's name in Chinese), and the driver then encodes the whole string once more.

/** UTF-8 text written into one growing buffer. */
export class Utf8Text {
  #bytes: Buffer;
  #length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.#bytes = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  #reserve(more: number): void {
    const needed = this.#length + more;
    if (needed <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.#bytes.copy(grown, 0, 0, this.#length);
    this.#bytes = grown;
  }

  /** Appends the text; returns the offset of its first byte. */
  write(text: string): number {
    // A UTF-16 code unit takes at most three bytes in UTF-8 (a surrogate pair, two units, four).
    this.#reserve(text.length * 3);
    const start = this.#length;
    this.#length += this.#bytes.write(text, start, 'utf8');
    return start;
  }

  #lineFeed(): void {
    this.#reserve(1);
    this.#bytes[this.#length++] = 0x0a;
  }

  /** Appends the text and a line feed; returns the offset of the line's first byte. */
  writeLine(text: string): number {
    const start = this.write(text);
    this.#lineFeed();
    return start;
  }

  /** Appends the bytes (UTF-8 text) and a line feed. */
  writeLineBytes(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#bytes.set(bytes, this.#length);
    this.#length += bytes.length;
    this.#lineFeed();
  }

  /** Appends once more the bytes already written from start (inclusive) to end (exclusive). */
  repeat(start: number, end: number): void {
    this.#reserve(end - start);
    this.#bytes.copyWithin(this.#length, start, end);
    this.#length += end - start;
  }

  /** The text written so far: a view, not a copy. */
  bytes(): Buffer {
    return this.#bytes.subarray(0, this.#length);
  }

  /** The lines written so far (writeLine, writeLineBytes, repeat), joined by line feeds, without the last line's: a view, not a copy. */
  lines(): Buffer {
    return this.#bytes.subarray(0, Math.max(0, this.#length - 1));
  }
}
