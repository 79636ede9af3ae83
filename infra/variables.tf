variable "project" {
  description = "Name prefix of every resource."
  type        = string
  default     = "kpi-dashboard"
}

variable "region" {
  description = "AWS region of the user pool, the API and the bucket."
  type        = string
  default     = "eu-west-1"
}

variable "cognito_domain_prefix" {
  description = "Hosted UI domain prefix: https://{prefix}.auth.{region}.amazoncognito.com. Globally unique."
  type        = string
}

variable "ui_origins" {
  description = "Origins of the UIs (app A first). Callback URLs are {origin}/signin, sign-out URLs {origin}/signout. Empty: the CloudFront domain alone."
  type        = list(string)
  default     = []
}

variable "access_token_minutes" {
  description = "Access and ID token lifetime (5-1440 minutes)."
  type        = number
  default     = 60
}

variable "refresh_token_days" {
  description = "Refresh token lifetime in days."
  type        = number
  default     = 30
}

variable "api_zip" {
  description = "The API packaged for Lambda by `cargo xtask dist` (bootstrap inside)."
  type        = string
  default     = "../target/dist/api-lambda.zip"
}

variable "database_url_secret_arn" {
  description = "ARN of a Secrets Manager secret holding the PostgreSQL DATABASE_URL (created outside Terraform, so that no credential sits in a tfvars file or the state)."
  type        = string
}

variable "enable_jwt_authorizer" {
  description = "Let API Gateway check Cognito JWTs before the API (off by default: it refuses expired tokens, so the server-side refresh cannot run; the UI must then refresh through POST /auth/refresh). See docs/deploy.md."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "CloudWatch log retention for the API."
  type        = number
  default     = 365
}
