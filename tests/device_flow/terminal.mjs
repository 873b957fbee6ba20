// A terminal on node openid-client@6 (OpenID-certified): discovery, initiateDeviceAuthorization,
// then pollDeviceAuthorizationGrant until the person answers. Driven by test_openid_client.py:
// a JSON job on stdin; one JSON line when the codes are known, one when polling ends.
const client = await import(
  new URL("../interop/node_modules/openid-client/build/index.js", import.meta.url));

const job = JSON.parse(await new Promise((resolve) => {
  let data = "";
  process.stdin.on("data", (chunk) => { data += chunk; });
  process.stdin.on("end", () => resolve(data));
}));

// Loopback http issuer in tests only: openid-client refuses http unless told.
const config = await client.discovery(
  new URL(job.issuer), job.client_id, undefined, client.None(),
  { execute: [client.allowInsecureRequests] },
);
const started = await client.initiateDeviceAuthorization(config, { scope: job.scope });
process.stdout.write(JSON.stringify(started) + "\n");

try {
  const tokens = await client.pollDeviceAuthorizationGrant(config, started);
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  process.stdout.write(JSON.stringify({ claims, userinfo, scope: tokens.scope }) + "\n");
} catch (error) {
  process.stdout.write(JSON.stringify({ error: error.error ?? String(error) }) + "\n");
}
