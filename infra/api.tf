# The API: the same `api` binary on AWS Lambda (through the Lambda Web
# Adapter, which forwards HTTP to it on PORT), behind an HTTP API. Secrets
# come from Secrets Manager at start (run.sh, through the AWS Parameters and
# Secrets extension), never from a tfvars file or a plain environment value.

data "aws_caller_identity" "current" {}

locals {
  # Layers published by AWS in every region (see docs/deploy.md for updating them).
  web_adapter_layer = "arn:aws:lambda:${var.region}:753240598075:layer:LambdaAdapterLayerX86:25"
  secrets_layer     = "arn:aws:lambda:${var.region}:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension:17"
}

resource "aws_secretsmanager_secret" "client_secret" {
  for_each    = aws_cognito_user_pool_client.app
  #checkov:skip=CKV2_AWS_57:Cognito generates app client secrets; a new one means a new client, so Secrets Manager cannot rotate it.
  name_prefix = "${var.project}/app-${each.key}/client-secret-"
  description = "Cognito app client secret of app ${each.key}"
  kms_key_id  = aws_kms_key.main.arn
}

resource "aws_secretsmanager_secret_version" "client_secret" {
  for_each      = aws_cognito_user_pool_client.app
  secret_id     = aws_secretsmanager_secret.client_secret[each.key].id
  secret_string = each.value.client_secret
}

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "api" {
  name_prefix        = "${var.project}-api-"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}

data "aws_iam_policy_document" "api" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.api.arn}:*"]
  }
  statement {
    sid       = "ReadItsSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.client_secret["a"].arn, var.database_url_secret_arn]
  }
  statement {
    sid       = "DecryptWithTheStackKey"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.main.arn]
  }
  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
  # User administration (/admin/users): exactly the calls it makes, on this pool only.
  statement {
    sid = "AdministerThisPoolsUsers"
    actions = [
      "cognito-idp:ListUsers",
      "cognito-idp:AdminGetUser",
      "cognito-idp:AdminListGroupsForUser",
      "cognito-idp:AdminCreateUser",
      "cognito-idp:AdminAddUserToGroup",
      "cognito-idp:AdminRemoveUserFromGroup",
      "cognito-idp:AdminDisableUser",
      "cognito-idp:AdminEnableUser",
      "cognito-idp:AdminUserGlobalSignOut",
      "cognito-idp:AdminDeleteUser",
    ]
    resources = [aws_cognito_user_pool.pool.arn]
  }
}

resource "aws_iam_role_policy" "api" {
  role   = aws_iam_role.api.id
  policy = data.aws_iam_policy_document.api.json
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/lambda/${var.project}-api"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_lambda_function" "api" {
  #checkov:skip=CKV_AWS_116:API Gateway invokes synchronously; a dead-letter queue applies to asynchronous invocations only.
  #checkov:skip=CKV_AWS_117:The function needs Cognito's public endpoints; put it in a VPC (with a NAT) only if the database is private. See docs/deploy.md.
  #checkov:skip=CKV_AWS_272:Code signing needs an AWS Signer profile of your organisation; the zip is built from a tagged commit by the deploy workflow.
  function_name                  = "${var.project}-api"
  kms_key_arn                    = aws_kms_key.main.arn
  role                           = aws_iam_role.api.arn
  filename                       = var.api_zip
  source_code_hash               = filebase64sha256(var.api_zip)
  runtime                        = "provided.al2023"
  architectures                  = ["x86_64"]
  handler                        = "run.sh"
  memory_size                    = 256
  timeout                        = 15
  reserved_concurrent_executions = 50
  layers                         = [local.web_adapter_layer, local.secrets_layer]

  environment {
    variables = {
      AWS_LAMBDA_EXEC_WRAPPER      = "/opt/bootstrap"
      AWS_LWA_READINESS_CHECK_PATH = "/healthz"
      PORT                         = "8000"
      HOST                         = "127.0.0.1"
      RUST_LOG                     = "info"
      COGNITO_CLIENT_REGION        = var.region
      COGNITO_POOL_ID              = aws_cognito_user_pool.pool.id
      COGNITO_CLIENT_ID            = aws_cognito_user_pool_client.app["a"].id
      COGNITO_CLIENT_DOMAIN        = var.cognito_domain_prefix
      UI_ORIGINS                   = join(",", local.ui_origins)
      # run.sh reads these two secrets into COGNITO_CLIENT_SECRET and DATABASE_URL.
      CLIENT_SECRET_ARN       = aws_secretsmanager_secret.client_secret["a"].arn
      DATABASE_URL_SECRET_ARN = var.database_url_secret_arn
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.api]
}

resource "aws_apigatewayv2_api" "api" {
  name          = "${var.project}-api"
  protocol_type = "HTTP"
  # CORS is the API's own (exactly UI_ORIGINS, the x-* headers exposed).
}

resource "aws_apigatewayv2_integration" "api" {
  api_id                 = aws_apigatewayv2_api.api.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.api.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  count            = var.enable_jwt_authorizer ? 1 : 0
  api_id           = aws_apigatewayv2_api.api.id
  name             = "cognito"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  jwt_configuration {
    issuer = "https://cognito-idp.${var.region}.amazonaws.com/${aws_cognito_user_pool.pool.id}"
    # Cognito access tokens have no aud; API Gateway then checks client_id.
    audience = [for c in aws_cognito_user_pool_client.app : c.id]
  }
}

locals {
  protected_routes = ["GET /stats", "POST /stats", "PUT /stats/{id}", "DELETE /stats/{id}", "GET /user", "POST /auth/signout"]
}

resource "aws_apigatewayv2_route" "protected" {
  #checkov:skip=CKV_AWS_309:The API validates every token itself; the JWT authorizer is an optional first gate (enable_jwt_authorizer) because it refuses expired tokens before the server-side refresh can run.
  for_each           = toset(local.protected_routes)
  api_id             = aws_apigatewayv2_api.api.id
  route_key          = each.value
  target             = "integrations/${aws_apigatewayv2_integration.api.id}"
  authorization_type = var.enable_jwt_authorizer ? "JWT" : "NONE"
  authorizer_id      = var.enable_jwt_authorizer ? aws_apigatewayv2_authorizer.jwt[0].id : null
}

# Everything else (sign-in, refresh, docs, health, CORS preflights) reaches the API as is.
resource "aws_apigatewayv2_route" "default" {
  #checkov:skip=CKV_AWS_309:Public routes by design: sign-in, refresh, health, docs and CORS preflights.
  api_id    = aws_apigatewayv2_api.api.id
  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.api.id}"
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/aws/apigateway/${var.project}-api"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.api.id
  name        = "$default"
  auto_deploy = true
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    # No headers and no query strings: tokens never reach these logs.
    format = jsonencode({
      requestId = "$context.requestId"
      method    = "$context.httpMethod"
      path      = "$context.path"
      status    = "$context.status"
      latencyMs = "$context.responseLatency"
    })
  }
  default_route_settings {
    throttling_burst_limit = 200
    throttling_rate_limit  = 100
  }
}

resource "aws_lambda_permission" "api_gateway" {
  statement_id  = "AllowHttpApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.api.execution_arn}/*/*"
}
