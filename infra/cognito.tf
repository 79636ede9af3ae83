# The user pool: email as username, a password policy, an admin group and
# the hosted UI domain; two app clients with secrets, code flow only.

resource "aws_cognito_user_pool" "pool" {
  name                     = var.project
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  deletion_protection      = "ACTIVE"
  mfa_configuration        = "OPTIONAL"

  software_token_mfa_configuration {
    enabled = true
  }

  password_policy {
    minimum_length                   = 12
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 3
  }

  admin_create_user_config {
    # Users are invited by an administrator (docs/deploy.md shows how).
    allow_admin_create_user_only = true
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  user_pool_add_ons {
    advanced_security_mode = "ENFORCED"
  }
}

resource "aws_cognito_user_pool_domain" "hosted_ui" {
  domain       = var.cognito_domain_prefix
  user_pool_id = aws_cognito_user_pool.pool.id
}

resource "aws_cognito_user_group" "admin" {
  name         = "admin"
  description  = "May create, edit and delete KPI records."
  user_pool_id = aws_cognito_user_pool.pool.id
}

locals {
  # The CloudFront domain serves app A when no origin is given.
  ui_origins = length(var.ui_origins) > 0 ? var.ui_origins : ["https://${aws_cloudfront_distribution.site.domain_name}"]
  # App B is the second origin when there is one (single sign-on across apps).
  app_clients = {
    a = local.ui_origins[0]
    b = length(local.ui_origins) > 1 ? local.ui_origins[1] : local.ui_origins[0]
  }
}

resource "aws_cognito_user_pool_client" "app" {
  for_each = local.app_clients

  name                                 = "${var.project}-app-${each.key}"
  user_pool_id                         = aws_cognito_user_pool.pool.id
  generate_secret                      = true
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = ["openid", "email", "profile"]
  supported_identity_providers         = ["COGNITO"]
  callback_urls                        = ["${each.value}/signin"]
  logout_urls                          = ["${each.value}/signout"]
  explicit_auth_flows                  = ["ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors        = "ENABLED"
  enable_token_revocation              = true

  access_token_validity  = var.access_token_minutes
  id_token_validity      = var.access_token_minutes
  refresh_token_validity = var.refresh_token_days
  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}
