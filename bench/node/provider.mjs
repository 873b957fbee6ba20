// node oidc-provider configured like Yiwang, for bench/oidc.py: code + PKCE with first-party
// clients (no consent), RS256 ID tokens, ES256 JWT access tokens for client credentials,
// introspection, in-memory storage, one process. Usage: node provider.mjs PORT CLIENTS_JSON
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

const [port, clientsFile] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
const clients = JSON.parse(readFileSync(clientsFile, 'utf8'));
const issuer = `http://127.0.0.1:${port}`;
const API = 'urn:yiwang:bench-api';
const OPAQUE_API = 'urn:yiwang:bench-opaque-api';

async function jwk(alg, options) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...options });
  return { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: alg.toLowerCase() };
}

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [await jwk('RS256', { modulusLength: 2048 }), await jwk('ES256')] },
  cookies: { keys: ['bench-cookie-key-not-secret'] },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx) => (ctx.oidc.params?.grant_type === 'client_credentials' ? API : undefined),
      useGrantedResource: () => false,
      // node cannot introspect JWT access tokens: the introspection scenario asks for an
      // opaque one through this resource.
      getResourceServerInfo: (ctx, resource) => (resource === OPAQUE_API
        ? { scope: 'api', audience: OPAQUE_API, accessTokenFormat: 'opaque' }
        : { scope: 'api', audience: API, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
    },
  },
  scopes: ['openid', 'offline_access', 'api'],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
  async findAccount(ctx, sub) {
    return { accountId: sub, claims: () => ({ sub, name: '张三', preferred_username: sub }) };
  },
  // First-party government systems: no consent screen (as Yiwang's first_party clients).
  async loadExistingGrant(ctx) {
    const { client, session } = ctx.oidc;
    const existing = session.grantIdFor(client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope('openid profile');
    await grant.save();
    session.grantIdFor(client.clientId, grant.jti);
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});

// The bench logs in once per load client: the interaction logs in "bench-user" at once.
provider.use(async (ctx, next) => {
  if (ctx.path.startsWith('/interaction/')) {
    await provider.interactionDetails(ctx.req, ctx.res);
    const url = await provider.interactionResult(ctx.req, ctx.res, {
      login: { accountId: 'bench-user' },
    }, { mergeWithLastSubmission: false });
    ctx.redirect(url);
    return;
  }
  await next();
});

provider.listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
