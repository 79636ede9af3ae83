terraform {
  required_version = ">= 1.6"
  # State in S3: `terraform init -backend-config="bucket=<your state bucket>"` (docs/deploy.md).
  backend "s3" {
    key     = "kpi-dashboard/terraform.tfstate"
    encrypt = true
  }
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = {
      Project = var.project
    }
  }
}

# CloudFront's certificate and WAF scopes live in us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
  default_tags {
    tags = {
      Project = var.project
    }
  }
}
