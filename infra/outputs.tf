output "site_url" {
  description = "Where the UI is served (CloudFront)."
  value       = "https://${aws_cloudfront_distribution.site.domain_name}"
}

output "site_bucket" {
  description = "Bucket to sync dist/ into."
  value       = aws_s3_bucket.site.bucket
}

output "cloudfront_distribution_id" {
  description = "Distribution to invalidate after a deploy."
  value       = aws_cloudfront_distribution.site.id
}

output "api_url" {
  description = "The API's base URL: write it into dist/config.json as apiUrl."
  value       = aws_apigatewayv2_api.api.api_endpoint
}

output "user_pool_id" {
  description = "COGNITO_POOL_ID"
  value       = aws_cognito_user_pool.pool.id
}

output "app_client_ids" {
  description = "App client ids by app (a, b)."
  value       = { for k, c in aws_cognito_user_pool_client.app : k => c.id }
}

output "hosted_ui" {
  description = "The hosted UI base URL."
  value       = "https://${aws_cognito_user_pool_domain.hosted_ui.domain}.auth.${var.region}.amazoncognito.com"
}
