// The demo's closed list of refusals; the message names the option or the state at fault.
export type DemoErrorCode = 'invalid-option' | 'portfolio-not-empty' | 'products-missing';

export class DemoError extends Error {
  readonly code: DemoErrorCode;
  constructor(code: DemoErrorCode, message: string) {
    super(message);
    this.name = 'DemoError';
    this.code = code;
  }
}
