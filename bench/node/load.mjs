// The load generator bench/oidc.py drives against both servers, so both see the same client.
// Usage: node load.mjs CONFIG_JSON  ->  prints {"requests": N, "seconds": S, "errors": E}
// CONFIG: {scenario, base, seconds, concurrency, clients:[{client_id, client_secret,
//          redirect_uri}], cookie, endpoints:{authorization_endpoint, token_endpoint, ...}}
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const ep = config.endpoints;
const basic = (c) => 'Basic ' + Buffer.from(`${encodeURIComponent(c.client_id)}:${encodeURIComponent(c.client_secret)}`).toString('base64');
const form = (o) => new URLSearchParams(o).toString();
const FORM = 'application/x-www-form-urlencoded';

async function clientCredentials(c, extra = {}) {
  const r = await fetch(ep.token_endpoint, {
    method: 'POST', headers: { authorization: basic(c), 'content-type': FORM },
    body: form({ grant_type: 'client_credentials', ...(config.cc_scope ? { scope: config.cc_scope } : {}), ...extra }),
  });
  const body = await r.json();
  if (!body.access_token) throw new Error(JSON.stringify(body));
  return body.access_token;
}

let ccToken;
async function introspect(c) {
  const r = await fetch(ep.introspection_endpoint, {
    method: 'POST', headers: { authorization: basic(c), 'content-type': FORM },
    body: form({ token: ccToken }),
  });
  const body = await r.json();
  if (body.active !== true) throw new Error(JSON.stringify(body));
}

async function discovery() {
  const r = await fetch(`${config.base}/.well-known/openid-configuration`);
  if (r.status !== 200) throw new Error(String(r.status));
  await r.arrayBuffer();
}

async function jwks() {
  const r = await fetch(ep.jwks_uri);
  if (r.status !== 200) throw new Error(String(r.status));
  const body = await r.json();
  if (!body.keys?.length) throw new Error('no keys');
}

// Roaming: the browser already holds an SSO session; a site it has not used yet runs
// authorize -> code -> token -> userinfo.
async function roam(c) {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(8).toString('hex');
  const url = `${ep.authorization_endpoint}?` + form({
    client_id: c.client_id, response_type: 'code', scope: 'openid profile',
    redirect_uri: c.redirect_uri, state, code_challenge: challenge, code_challenge_method: 'S256',
  });
  let r = await fetch(url, { redirect: 'manual', headers: { cookie: config.cookie } });
  let location = r.headers.get('location');
  await r.arrayBuffer();
  // node's provider hops through /authorize/resume-like redirects on its own origin.
  for (let i = 0; i < 3 && location && !location.startsWith(c.redirect_uri); i++) {
    r = await fetch(new URL(location, config.base), { redirect: 'manual', headers: { cookie: config.cookie } });
    location = r.headers.get('location');
    await r.arrayBuffer();
  }
  if (!location || !location.startsWith(c.redirect_uri)) throw new Error(`no code: ${r.status} ${location}`);
  const code = new URL(location).searchParams.get('code');
  if (!code) throw new Error(`no code in ${location}`);
  r = await fetch(ep.token_endpoint, {
    method: 'POST', headers: { authorization: basic(c), 'content-type': FORM },
    body: form({ grant_type: 'authorization_code', code, redirect_uri: c.redirect_uri, code_verifier: verifier }),
  });
  const tokens = await r.json();
  if (!tokens.access_token) throw new Error(JSON.stringify(tokens));
  r = await fetch(ep.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  const info = await r.json();
  if (!info.sub) throw new Error(JSON.stringify(info));
}

const scenarios = { roam, cc: clientCredentials, introspect, discovery, jwks };
const run = scenarios[config.scenario];
if (config.scenario === 'introspect') {
  ccToken = await clientCredentials(config.clients[0], config.introspect_params || {});
}

let done = 0, errors = 0, lastError = '';
const deadline = Date.now() + config.seconds * 1000;
let turn = 0;
async function worker() {
  while (Date.now() < deadline) {
    const c = config.clients[turn++ % config.clients.length];
    try { await run(c); done++; } catch (e) { errors++; lastError = String(e).slice(0, 300); }
  }
}
const started = Date.now();
await Promise.all(Array.from({ length: config.concurrency }, worker));
const seconds = (Date.now() - started) / 1000;
console.log(JSON.stringify({ requests: done, seconds, errors, last_error: lastError }));
