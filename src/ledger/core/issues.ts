// Problems found while validating data, as "where: what" pairs that name the path inside the document
// ("products[1].lateFee.cap") so every message can point at the field to fix.
import type { z } from 'zod';

export interface Problem {
  /** Path inside the document or record, empty for the whole thing. */
  path: string;
  message: string;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

/** zod issues as problems, with "required" for a missing field instead of "expected string, received undefined". */
export function problemsOf(issues: ReadonlyArray<z.core.$ZodIssue>): Problem[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown field' }));
    }
    const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
    return [{ path: formatPath(issue.path), message: missing ? 'required' : issue.message }];
  });
}
