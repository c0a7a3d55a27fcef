// Use-case: bring account_states up to date for one as-of date, for the whole portfolio or a scope
// of borrowers (the daily cycle calls it per chunk inside its own transaction; payment posting per
// borrower). Refuses bad input before touching anything: a bad date, range or product row.
import { checkAsOf, checkDelinquencyProduct } from './core/schema.ts';
import { DelinquencyError } from './core/errors.ts';
import { delinquencyProductOf, loadProductRows, upsertAccountStates, type BorrowerScope, type Executor, type RefreshCount } from './store.ts';

export interface RefreshScope extends BorrowerScope {
  asOf: string;
}

export async function refreshDelinquency(db: Executor, scope: RefreshScope): Promise<RefreshCount> {
  const asOf = checkAsOf(scope.asOf);
  checkBorrowerScope(scope);
  for (const row of await loadProductRows(db)) checkDelinquencyProduct(delinquencyProductOf(row), `product ${row.id}`);
  return upsertAccountStates(db, asOf, scope);
}

function checkBorrowerScope(scope: BorrowerScope): void {
  const { loBorrowerId: lo, hiBorrowerId: hi, borrowerIds } = scope;
  for (const [name, value] of [['loBorrowerId', lo], ['hiBorrowerId', hi]] as const) {
    if (value !== undefined && !Number.isSafeInteger(value)) {
      throw new DelinquencyError('invalid-borrower-range', `${name}: expected an integer borrower id, got ${JSON.stringify(value)}`);
    }
  }
  if (lo !== undefined && hi !== undefined && lo > hi) {
    throw new DelinquencyError('invalid-borrower-range', `borrower range [${lo}, ${hi}): loBorrowerId is above hiBorrowerId`);
  }
  const bad = borrowerIds?.find((id) => !Number.isSafeInteger(id));
  if (bad !== undefined) throw new DelinquencyError('invalid-borrower-range', `borrowerIds: expected integer borrower ids, got ${JSON.stringify(bad)}`);
}
