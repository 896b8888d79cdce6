// Opens the GraphiQL page in headless Chromium with every address but the server's
// blocked, runs a query, then a subscription that must receive an event.
// Usage: ADMIN_PASSWORD=… node graphiql-browser.mjs <server url> <administrator's e-mail>
import { chromium } from 'playwright-core';

const [server, email] = process.argv.slice(2);
const origin = new URL(server).origin;
const problems = [];

let token = null;

async function graphql(query, variables = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${server}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/// The text of GraphiQL's result pane once it contains `expected`.
async function resultContaining(page, expected, timeout = 20000) {
  const pane = page.locator('.graphiql-response');
  await pane.filter({ hasText: expected }).first().waitFor({ timeout });
  return pane.innerText();
}

async function run(page, query) {
  await page.goto(`${server}/graphql?query=${encodeURIComponent(query)}`, { waitUntil: 'load' });
  await page.locator('.graphiql-execute-button').waitFor({ timeout: 20000 });
  await page.locator('.graphiql-execute-button').click();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // No name resolves and no address but loopback is reachable: a closed network.
  args: ['--no-sandbox', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
});
let status = 0;
try {
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin || url.startsWith('data:')) return route.continue();
    problems.push(`request outside the server: ${url}`);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

  await run(page, '{ categories { code } }');
  const answer = await resultContaining(page, '"categories"');
  console.log(`query answered (${answer.length} characters)`);

  await run(page, 'subscription { offerChanged { change offerId } }');
  // The subscription is live once the socket is open; then an offer changes.
  await page.waitForTimeout(1500);
  const login = await graphql(
    'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }',
    { email, password: process.env.ADMIN_PASSWORD },
  );
  token = login.login.accessToken;
  const { offers } = await graphql('{ offers(first: 1) { nodes { id } } }');
  const id = offers.nodes[0].id;
  await graphql('mutation($id: ID!) { archiveOffer(id: $id) { status } }', { id });
  const event = await resultContaining(page, id);
  console.log(`subscription received: ${event.replace(/\s+/g, ' ').slice(0, 200)}`);
} catch (error) {
  problems.push(String(error?.stack ?? error));
} finally {
  await browser.close();
}
for (const problem of problems) console.error(problem);
if (problems.length > 0) status = 1;
console.log(problems.length === 0 ? 'GraphiQL works offline' : `${problems.length} problem(s)`);
process.exit(status);
