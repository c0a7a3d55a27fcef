// PostgreSQL array literals written in one join, for arrays that travel as a single text parameter
// (cast to bigint[] or text[] in the statement): the driver's own conversion of a JavaScript array
// escapes and concatenates element by element, which for the daily cycle's lists of tens of thousands
// of ids costs more than the statement that reads them.

/** Whole numbers as an array literal ('{1,2,3}'). */
export function integerArrayLiteral(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}

/** Strings as an array literal ('{"sms","call"}'), each quoted and escaped. */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
