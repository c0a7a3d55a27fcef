// What makes a loan's instalment schedule one the ledger can replay: instalments numbered 1..n in due-date
// order, none due before the loan was opened, each asking for something, their principal adding up to the
// loan's. Paths use the record's field names so a message points at the column or key to fix.
import type { LoanInput } from './types.ts';

export interface ScheduleProblem {
  path: Array<string | number>;
  message: string;
}

export function scheduleProblems(loan: Pick<LoanInput, 'principalMinor' | 'openedOn' | 'instalments'>): ScheduleProblem[] {
  const problems: ScheduleProblem[] = [];
  if (loan.principalMinor <= 0) problems.push({ path: ['principal'], message: 'must be more than 0' });
  if (loan.instalments.length === 0) problems.push({ path: ['instalments'], message: 'a loan needs at least one instalment' });
  loan.instalments.forEach((i, n) => {
    const previous = loan.instalments[n - 1];
    const at = (field: string) => ['instalments', n, field];
    if (i.seq !== n + 1) problems.push({ path: at('seq'), message: `expected ${n + 1}: instalments are numbered 1, 2, 3 … in order` });
    if (i.dueDate < loan.openedOn) problems.push({ path: at('due_date'), message: `is before the loan was opened (${loan.openedOn})` });
    if (previous && i.dueDate < previous.dueDate) problems.push({ path: at('due_date'), message: `is before the previous instalment's due date (${previous.dueDate})` });
    for (const [field, value] of [['principal', i.principalMinor], ['interest', i.interestMinor], ['fee', i.feeMinor]] as const) {
      if (!Number.isSafeInteger(value) || value < 0) problems.push({ path: at(field), message: 'must be a whole number of minor units, 0 or more' });
    }
    if (i.principalMinor + i.interestMinor + i.feeMinor === 0) problems.push({ path: at('principal'), message: 'an instalment must ask for something: principal, interest and fee are all 0' });
  });
  const scheduled = loan.instalments.reduce((sum, i) => sum + i.principalMinor, 0);
  if (loan.instalments.length > 0 && scheduled !== loan.principalMinor) {
    problems.push({ path: ['principal'], message: `the instalments' principal adds up to ${scheduled} minor units, not ${loan.principalMinor}` });
  }
  return problems;
}
