// Load generator for bench/saml.py: GETs each URL once (with the SSO cookie) and checks that
// the answer is the auto-submit form carrying a SAMLResponse.
// Usage: node saml_load.mjs CONFIG_JSON  ->  {"requests": N, "seconds": S, "errors": E}
// CONFIG: {urls: [...], cookie, seconds, concurrency, expect: text the body must contain}
import { readFileSync } from 'node:fs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let next = 0, done = 0, errors = 0, firstError = null;
const deadline = Date.now() + config.seconds * 1000;

async function worker() {
  while (Date.now() < deadline && next < config.urls.length) {
    const url = config.urls[next++];
    try {
      const r = await fetch(url, { redirect: 'manual', headers: { cookie: config.cookie } });
      const body = await r.text();
      if (r.status !== 200 || !body.includes(config.expect)) throw new Error(`${r.status} ${body.slice(0, 200)}`);
      done++;
    } catch (e) { errors++; firstError ??= String(e); }
  }
}

const start = Date.now();
await Promise.all(Array.from({ length: config.concurrency }, worker));
console.log(JSON.stringify({ requests: done, seconds: (Date.now() - start) / 1000, errors, firstError }));
