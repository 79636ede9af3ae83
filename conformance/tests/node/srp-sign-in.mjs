// Signs in with amazon-cognito-identity-js (USER_SRP_AUTH, the flow Amplify
// uses by default) against the given endpoint, and prints the outcome as JSON.
// Usage: node srp-sign-in.mjs <node_modules dir> <endpoint> <poolId> <clientId> <username> <password>
import { createRequire } from "node:module";
import path from "node:path";

const [modules, endpoint, UserPoolId, ClientId, Username, Password] = process.argv.slice(2);
const require = createRequire(path.join(modules, "noop.js"));
const { AuthenticationDetails, CognitoUser, CognitoUserPool } = require("amazon-cognito-identity-js");

const Pool = new CognitoUserPool({ UserPoolId, ClientId, endpoint });
const user = new CognitoUser({ Username, Pool });
const print = (outcome) => console.log(JSON.stringify(outcome));
user.authenticateUser(new AuthenticationDetails({ Username, Password }), {
  onSuccess: (session) =>
    print({ ok: true, accessToken: session.getAccessToken().getJwtToken() }),
  onFailure: (error) => print({ ok: false, error: `${error.code ?? error.name}: ${error.message}` }),
  newPasswordRequired: () => print({ ok: false, error: "newPasswordRequired" }),
});
