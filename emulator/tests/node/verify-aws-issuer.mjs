// Verifies an access token with aws-jwt-verify's CognitoJwtVerifier, which
// hard-codes the AWS issuer: https://cognito-idp.{region}.amazonaws.com/{poolId}.
// The JWKS is handed over (as a cache) instead of fetched from AWS.
// Usage: node verify-aws-issuer.mjs <node_modules dir> <poolId> <clientId> <jwks json> <token>
import { createRequire } from "node:module";
import path from "node:path";

const [modules, userPoolId, clientId, jwks, token] = process.argv.slice(2);
const require = createRequire(path.join(modules, "noop.js"));
const { CognitoJwtVerifier } = require("aws-jwt-verify");

const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId });
verifier.cacheJwks(JSON.parse(jwks));
try {
  const payload = await verifier.verify(token);
  console.log(JSON.stringify({ ok: true, iss: payload.iss, sub: payload.sub }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: `${error.name}: ${error.message}` }));
}
