// A real OpenID Provider for the tests: the certified `oidc-provider` package
// on a loopback port, with its own keys, one confidential client (and any
// clients with keys that a test adds), a few fixed people and its built-in
// (development) login and consent pages.
// Configured by OIDC_TEST_CONFIG (JSON); prints "listening" when ready.
import { generateKeyPairSync } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG);
const { default: Provider } = await import(pathToFileURL(config.module).href);
const people = config.people;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const key = { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', use: 'sig', alg: 'RS256' };

const provider = new Provider(config.issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    redirect_uris: [config.redirect_uri],
    post_logout_redirect_uris: [config.post_logout_redirect_uri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  },
  // Clients that prove themselves with a signed JWT (private_key_jwt) and
  // register their public keys (jwks), as a test asks.
  ...(config.key_clients ?? []).map((client) => ({
    client_id: client.client_id,
    jwks: client.jwks,
    redirect_uris: client.redirect_uris,
    post_logout_redirect_uris: client.post_logout_redirect_uris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'private_key_jwt',
  }))],
  jwks: { keys: [key] },
  cookies: { keys: ['a test cookie key, not a secret'] },
  acrValues: config.acr_levels,
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    email: ['email'],
    roles: ['roles'],
  },
  scopes: ['openid', 'profile', 'email', 'roles'],
  // The claims the scopes grant go into the ID token itself.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  ttl: {
    // A person marked `id_token_ttl` gets an ID token that lives that long.
    IdToken: (ctx) => people[ctx.oidc.entities.Account?.accountId]?.id_token_ttl ?? 600,
  },
  async findAccount(ctx, id) {
    if (!people[id]) return undefined;
    return { accountId: id, claims: () => ({ sub: id, ...people[id].claims }) };
  },
});

// The development login page says nothing of how the person signed in:
// record each person's assurance level (acr) as a real login would.
const finished = provider.interactionFinished.bind(provider);
provider.interactionFinished = (req, res, result, options) => {
  if (result.login && people[result.login.accountId]?.acr) {
    result.login.acr = people[result.login.accountId].acr;
  }
  return finished(req, res, result, options);
};

// An ID token that lives a second is held back until it has expired.
provider.use(async (ctx, next) => {
  await next();
  const idToken = ctx.path === '/token' && ctx.body && ctx.body.id_token;
  if (idToken) {
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url'));
    if (claims.exp - claims.iat <= 1) await new Promise((done) => setTimeout(done, 2500));
  }
});

const server = provider.listen(config.port, '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
