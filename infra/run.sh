#!/bin/sh
# Lambda start-up (handler of the function, run through the Lambda Web Adapter):
# read the two secrets through the AWS Parameters and Secrets extension, then
# start the API, which the adapter reaches on $PORT.
set -eu

secret() {
  curl -sf -H "X-Aws-Parameters-Secrets-Token: ${AWS_SESSION_TOKEN}" \
    "http://localhost:2773/secretsmanager/get?secretId=$1" |
    sed -e 's/.*"SecretString":"\([^"]*\)".*/\1/'
}

COGNITO_CLIENT_SECRET="$(secret "${CLIENT_SECRET_ARN}")"
DATABASE_URL="$(secret "${DATABASE_URL_SECRET_ARN}")"
export COGNITO_CLIENT_SECRET DATABASE_URL
exec ./api
