# The UI: a private bucket behind CloudFront (origin access control), with a
# single-page fallback to index.html and a response-headers policy whose CSP
# allows exactly the API and the Cognito hosted UI.

resource "aws_s3_bucket" "site" {
  #checkov:skip=CKV_AWS_144:The site is rebuilt from git by `cargo xtask dist`; a replica adds cost and nothing to recover.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to uploads; deploys invalidate CloudFront themselves.
  #checkov:skip=CKV_AWS_18:Only CloudFront reads the bucket (origin access control); visitors are what to log, at CloudFront (see CKV_AWS_86).
  bucket_prefix = "${var.project}-site-"
}

resource "aws_s3_bucket_lifecycle_configuration" "site" {
  bucket = aws_s3_bucket.site.id
  rule {
    id     = "old-builds"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket                  = aws_s3_bucket.site.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "site" {
  bucket = aws_s3_bucket.site.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "site" {
  bucket = aws_s3_bucket.site.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "site" {
  bucket = aws_s3_bucket.site.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.main.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_cloudfront_origin_access_control" "site" {
  name                              = "${var.project}-site"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

data "aws_iam_policy_document" "site" {
  statement {
    sid       = "CloudFrontReadsTheSite"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.site.arn}/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.site.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = data.aws_iam_policy_document.site.json
}

locals {
  hosted_ui = "https://${var.cognito_domain_prefix}.auth.${var.region}.amazoncognito.com"
  csp = join("; ", [
    "default-src 'self'",
    # WebAssembly needs compiling; no inline script (xtask dist moves trunk's loader into a file).
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self' ${aws_apigatewayv2_api.api.api_endpoint} ${local.hosted_ui}",
    "form-action 'self' ${local.hosted_ui}",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ])
}

resource "aws_cloudfront_response_headers_policy" "site" {
  name = "${var.project}-site"
  security_headers_config {
    content_security_policy {
      content_security_policy = local.csp
      override                = true
    }
    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }
    content_type_options {
      override = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }
  }
}

data "aws_cloudfront_cache_policy" "optimized" {
  name = "Managed-CachingOptimized"
}

resource "aws_cloudfront_distribution" "site" {
  #checkov:skip=CKV_AWS_174:The default *.cloudfront.net certificate cannot pin TLS 1.2; with your own domain and ACM certificate set minimum_protocol_version = "TLSv1.2_2021".
  #checkov:skip=CKV2_AWS_42:A custom certificate needs your own domain; the default certificate serves the CloudFront domain.
  #checkov:skip=CKV_AWS_68:A static site with no server-side code behind it; attach a WAF web ACL (web_acl_id) if your organisation requires one.
  #checkov:skip=CKV2_AWS_47:No WAF attached (see CKV_AWS_68); nothing behind CloudFront runs Java.
  #checkov:skip=CKV_AWS_310:One origin (the bucket); S3's own durability stands in for failover.
  #checkov:skip=CKV_AWS_374:Who may use the dashboard is decided by Cognito sign-in, not by country.
  #checkov:skip=CKV_AWS_86:Enable standard logging with a logs bucket of your organisation (logging_config); it is not created here to keep the stack minimal.
  enabled             = true
  comment             = "${var.project} UI"
  default_root_object = "index.html"
  http_version        = "http2and3"
  price_class         = "PriceClass_100"

  origin {
    origin_id                = "site"
    domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
  }

  default_cache_behavior {
    target_origin_id           = "site"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.site.id
  }

  # Single-page fallback: unknown paths (S3 answers 403 without ListBucket) are app routes.
  custom_error_response {
    error_code            = 403
    response_code         = 200
    response_page_path    = "/index.html"
    error_caching_min_ttl = 0
  }
  custom_error_response {
    error_code            = 404
    response_code         = 200
    response_page_path    = "/index.html"
    error_caching_min_ttl = 0
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
