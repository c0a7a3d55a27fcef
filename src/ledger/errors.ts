// A file (products, import) that is refused whole: every problem on its own line, each naming the file,
// the place inside it and what was expected. Nothing was written.
export class InvalidFileError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'InvalidFileError';
    this.problems = problems;
  }
}
