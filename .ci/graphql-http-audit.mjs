// The GraphQL-over-HTTP conformance audit of the `graphql-http` package, run against a
// server already listening at the URL given as the first argument. Prints every audit and
// exits non-zero when a MUST fails (status "error") or a SHOULD fails (status "warn");
// a MAY that is not done (status "notice") is printed only.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node graphql-http-audit.mjs <graphql endpoint URL>');
  process.exit(2);
}
const results = await auditServer({ url });
let failures = 0;
for (const result of results) {
  const failed = result.status === 'error' || result.status === 'warn';
  if (failed) failures += 1;
  const why = result.status === 'ok' ? '' : ` (${result.reason})`;
  console.log(`${result.status.padEnd(6)} ${result.id} ${result.name}${why}`);
}
console.log(`${results.length} audits, ${failures} MUST or SHOULD failures`);
process.exit(failures === 0 ? 0 : 1);
