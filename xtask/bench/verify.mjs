// aws-jwt-verify (Node) on the very tokens the API's validation bench wrote:
// the peer of the API's cold and repeat validation, measured in the same run.
// Usage: node verify.mjs <node_modules dir> <tokens.json>
// Prints one JSON line: {"cold_us": …, "repeat_us": …, "verified": N}, in
// CPU time per token (as openssl speed and the API's bench count).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const [modules, file] = process.argv.slice(2);
const require = createRequire(path.join(modules, "noop.js"));
const { CognitoJwtVerifier } = require("aws-jwt-verify");
const { poolId, clientId, jwks, tokens } = JSON.parse(readFileSync(file, "utf8"));

const verifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: "access", clientId });
verifier.cacheJwks(jwks);

function perToken(list, rounds) {
  const times = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.cpuUsage();
    for (const token of list) verifier.verifySync(token);
    const used = process.cpuUsage(started);
    times.push((used.user + used.system) / list.length);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

// Warm the JIT once over every token, then the median of five rounds.
perToken(tokens, 1);
const cold = perToken(tokens, 5);
const repeat = perToken(Array(tokens.length).fill(tokens[0]), 5);
console.log(JSON.stringify({ cold_us: cold, repeat_us: repeat, verified: tokens.length }));
