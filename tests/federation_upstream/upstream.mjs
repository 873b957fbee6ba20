// node oidc-provider as an upstream identity provider for tests/federation_upstream: the
// "national government service platform" Yiwang brokers. Its people are given in a JSON file
// ({sub: {name, resident_id, phone}}); a test says who logs in next by POST /_next?sub=...
// (the interaction then logs that person in at once). Usage: node upstream.mjs PORT CONFIG_JSON
// CONFIG_JSON: {"clients": [...], "people": {...}}
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';

// The oidc-provider bench/node installed (scripts/test.sh installs bench/node for the benches).
const { default: Provider } = await import(
  new URL('../../bench/node/node_modules/oidc-provider/lib/index.js', import.meta.url));

const [port, configFile] = process.argv.slice(2);
const { clients, people } = JSON.parse(readFileSync(configFile, 'utf8'));
const issuer = `http://127.0.0.1:${port}`;

function jwk(kid) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid };
}

let nextSub = Object.keys(people)[0];

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [jwk('upstream-1')] },
  cookies: { keys: ['upstream-test-cookie-key'] },
  pkce: { required: () => true },
  // Yiwang listens on loopback here: let the back-channel POST reach it (node refuses
  // special-use addresses by default, an SSRF guard that matters only in production).
  fetch: (url, options) => {
    delete options.dispatcher;
    return globalThis.fetch(url, options);
  },
  features: {
    devInteractions: { enabled: false },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // The logout page submits itself: Yiwang's logout page loads this URL in a frame.
      logoutSource: async (ctx, form) => {
        ctx.body = `<!DOCTYPE html><html><body>${form.replace('</form>',
          '<input type="hidden" name="logout" value="yes"></form>')}
          <script>document.getElementById('op.logoutForm').submit()</script></body></html>`;
      },
    },
  },
  scopes: ['openid', 'profile', 'idcard', 'phone'],
  claims: { openid: ['sub'], profile: ['name'], idcard: ['resident_id'], phone: ['phone_number'] },
  async findAccount(ctx, sub) {
    const person = people[sub];
    if (!person) return undefined;
    return {
      accountId: sub,
      claims: () => ({ sub, name: person.name, resident_id: person.resident_id,
        phone_number: person.phone }),
    };
  },
  async loadExistingGrant(ctx) {
    const { client, session } = ctx.oidc;
    const existing = session.grantIdFor(client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope('openid profile idcard phone');
    await grant.save();
    session.grantIdFor(client.clientId, grant.jti);
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});

provider.use(async (ctx, next) => {
  if (ctx.path === '/_next' && ctx.method === 'POST') {
    nextSub = ctx.query.sub;
    ctx.body = 'ok';
    return;
  }
  if (ctx.path.startsWith('/interaction/')) {
    await provider.interactionDetails(ctx.req, ctx.res);
    const url = await provider.interactionResult(ctx.req, ctx.res, {
      login: { accountId: nextSub, amr: ['pwd', 'sms'] },
    }, { mergeWithLastSubmission: false });
    ctx.redirect(url);
    return;
  }
  await next();
});

provider.on('backchannel.error', (ctx, err) => console.error(`backchannel.error ${err} ${err.cause}`));
provider.on('backchannel.success', () => console.error('backchannel.success'));

provider.listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
