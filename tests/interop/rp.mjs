// A relying party on node openid-client@6 (OpenID-certified), driven step by step by
// test_openid_client.py: `node rp.mjs start|finish` with a JSON job on stdin, JSON on stdout.
import * as client from "openid-client";

const job = JSON.parse(await new Promise((resolve) => {
  let data = "";
  process.stdin.on("data", (chunk) => { data += chunk; });
  process.stdin.on("end", () => resolve(data));
}));

// Loopback http issuer in tests only: openid-client refuses http unless told.
const config = await client.discovery(
  new URL(job.issuer), job.client_id, undefined, client.ClientSecretBasic(job.client_secret),
  { execute: [client.allowInsecureRequests] },
);

async function start() {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: job.redirect_uri,
    scope: job.scope ?? "openid profile offline_access",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { url: url.href, verifier, state, nonce };
}

async function finish() {
  const tokens = await client.authorizationCodeGrant(config, new URL(job.callback), {
    pkceCodeVerifier: job.verifier, expectedState: job.state, expectedNonce: job.nonce,
  });
  const claims = tokens.claims();
  if (job.minimal) return { sub: claims.sub, sid: claims.sid };
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const introspected = await client.tokenIntrospection(config, refreshed.access_token);
  await client.tokenRevocation(config, refreshed.refresh_token);
  const afterRevocation = await client.tokenIntrospection(config, refreshed.refresh_token);
  const logoutUrl = client.buildEndSessionUrl(config, {
    id_token_hint: refreshed.id_token ?? tokens.id_token,
    post_logout_redirect_uri: job.post_logout_redirect_uri,
    state: "logout-state",
  });
  return {
    sub: claims.sub, sid: claims.sid, acr: claims.acr, iss: claims.iss,
    userinfo,
    refreshed_sub: refreshed.claims()?.sub,
    rotated: refreshed.refresh_token !== tokens.refresh_token,
    introspected_active: introspected.active,
    revoked_active: afterRevocation.active,
    logout_url: logoutUrl.href,
  };
}

const result = job.step === "start" ? await start() : await finish();
process.stdout.write(JSON.stringify(result));
