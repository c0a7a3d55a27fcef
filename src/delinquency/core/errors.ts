// The closed list of ways delinquency refuses its input; every message names what and where.
export type DelinquencyErrorCode = 'invalid-as-of' | 'invalid-product' | 'invalid-instalment' | 'invalid-borrower-range';

export class DelinquencyError extends Error {
  readonly code: DelinquencyErrorCode;
  constructor(code: DelinquencyErrorCode, message: string) {
    super(message);
    this.name = 'DelinquencyError';
    this.code = code;
  }
}
