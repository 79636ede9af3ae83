//! `/stats`: KPI records; reading needs a signed-in user, changing needs `admin`.

use crate::auth::{AdminUser, AuthenticatedUser};
use crate::error::ApiError;
use crate::json::UniqueKeys;
use crate::store::{StatFilter, StatsStore, StoreError};
use actix_web::http::header::{self, ContentType};
use actix_web::web::{Data, Json, Path, Query};
use actix_web::HttpResponse;
use serde::Deserialize;
use serde_json::{Map, Value};
use shared::dto::{KpiInput, KpiRecord};
use shared::{rules, ErrorBody};
use std::collections::BTreeMap;

/// `?kpi=&year=`; both optional.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct StatsQuery {
    /// Only this KPI, e.g. `sales`.
    pub kpi: Option<String>,
    /// Only this year, e.g. `2025`.
    pub year: Option<String>,
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => Self::NotFound(e.to_string()),
            StoreError::Duplicate { .. } => Self::Conflict(e.to_string()),
            other => Self::Internal(other.to_string()),
        }
    }
}

#[utoipa::path(get, path = "/stats", tag = "stats", params(StatsQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "KPI records ordered by kpi and period", body = Vec<KpiRecord>),
        (status = 400, description = "A bad filter", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(sub = %user.claims.sub))]
pub(crate) async fn list(
    user: AuthenticatedUser,
    store: Data<StatsStore>,
    query: Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut fields = BTreeMap::new();
    let kpi = query
        .kpi
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    if let Some(Err(problem)) = kpi.map(check_kpi) {
        fields.insert("kpi".to_owned(), problem.to_owned());
    }
    let year = match query
        .year
        .as_deref()
        .map(str::trim)
        .filter(|y| !y.is_empty())
    {
        None => None,
        Some(raw) => match raw.parse::<i32>() {
            Ok(year) if (1000..=9999).contains(&year) => Some(year),
            _ => {
                fields.insert("year".to_owned(), "must be a four-digit year".to_owned());
                None
            }
        },
    };
    if !fields.is_empty() {
        return Err(ApiError::Validation(fields));
    }
    let filter = StatFilter {
        kpi: kpi.map(str::to_owned),
        year,
    };
    if filter.is_all() {
        // What the UI asks for: the cached records' JSON, encoded once per change.
        let all = store.all_records().await?;
        return Ok(HttpResponse::Ok()
            .content_type(ContentType::json())
            .body(all.json.clone()));
    }
    Ok(HttpResponse::Ok().json(store.list(&filter).await?))
}

#[utoipa::path(post, path = "/stats", tag = "stats", request_body = KpiInput, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = KpiRecord,
            headers(("Location" = String, description = "/stats/{id}"))),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 403, description = "Not in the admin group", body = ErrorBody),
        (status = 409, description = "A record for this kpi and period exists", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(sub = %admin.0.claims.sub))]
pub(crate) async fn create(
    admin: AdminUser,
    store: Data<StatsStore>,
    body: Json<UniqueKeys>,
) -> Result<HttpResponse, ApiError> {
    let input = parse_input(body.into_inner().0)?;
    let record = store.create(&input).await?;
    tracing::info!(id = record.id, kpi = %record.kpi, period = %record.period, "KPI record created");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/stats/{}", record.id)))
        .json(record))
}

#[utoipa::path(put, path = "/stats/{id}", tag = "stats", request_body = KpiInput,
    params(("id" = i64, Path, description = "Record id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = KpiRecord),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 403, description = "Not in the admin group", body = ErrorBody),
        (status = 404, description = "No such record", body = ErrorBody),
        (status = 409, description = "Another record has this kpi and period", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(sub = %admin.0.claims.sub))]
pub(crate) async fn update(
    admin: AdminUser,
    store: Data<StatsStore>,
    id: Path<String>,
    body: Json<UniqueKeys>,
) -> Result<Json<KpiRecord>, ApiError> {
    let id = record_id(&id)?;
    let input = parse_input(body.into_inner().0)?;
    let record = store.update(id, &input).await?;
    tracing::info!(id, "KPI record updated");
    Ok(Json(record))
}

#[utoipa::path(delete, path = "/stats/{id}", tag = "stats",
    params(("id" = i64, Path, description = "Record id")), security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not in the admin group", body = ErrorBody),
        (status = 404, description = "No such record", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(sub = %admin.0.claims.sub))]
pub(crate) async fn remove(
    admin: AdminUser,
    store: Data<StatsStore>,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = record_id(&id)?;
    store.delete(id).await?;
    tracing::info!(id, "KPI record deleted");
    Ok(HttpResponse::NoContent().finish())
}

fn record_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::NotFound(format!("no KPI record with id {raw:?}")))
}

/// `{kpi, period, value}` with every problem named by field.
pub(crate) fn parse_input(body: Value) -> Result<KpiInput, ApiError> {
    let Value::Object(map) = body else {
        return Err(ApiError::BadRequest(
            "the body must be a JSON object {kpi, period, value}".into(),
        ));
    };
    let mut fields: BTreeMap<String, String> = map
        .keys()
        .filter(|name| !matches!(name.as_str(), "kpi" | "period" | "value"))
        .map(|name| (name.clone(), "is not a field of a KPI record".to_owned()))
        .collect();
    let kpi = string_field(&map, "kpi").and_then(|k| check_kpi(k).map(|()| k));
    let period = string_field(&map, "period").and_then(|p| check_period(p).map(|()| p));
    let value = match map.get("value") {
        None | Some(Value::Null) => Err("is required"),
        Some(Value::Number(n)) => n
            .as_f64()
            .ok_or("must be a finite number")
            .and_then(|v| rules::value_problem(v).map_or(Ok(v), Err)),
        Some(_) => Err("must be a number"),
    };
    match (kpi, period, value) {
        (Ok(kpi), Ok(period), Ok(value)) if fields.is_empty() => Ok(KpiInput {
            kpi: kpi.to_owned(),
            period: period.to_owned(),
            value,
        }),
        (kpi, period, value) => {
            for (name, result) in [
                ("kpi", kpi.err()),
                ("period", period.err()),
                ("value", value.err()),
            ] {
                if let Some(text) = result {
                    fields.insert(name.to_owned(), text.to_owned());
                }
            }
            Err(ApiError::Validation(fields))
        }
    }
}

fn string_field<'a>(map: &'a Map<String, Value>, name: &str) -> Result<&'a str, &'static str> {
    match map.get(name) {
        None | Some(Value::Null) => Err("is required"),
        Some(Value::String(s)) => Ok(s.as_str()),
        Some(_) => Err("must be a string"),
    }
}

fn check_kpi(kpi: &str) -> Result<(), &'static str> {
    rules::kpi_problem(kpi).map_or(Ok(()), Err)
}

fn check_period(period: &str) -> Result<(), &'static str> {
    rules::period_problem(period).map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field_errors(body: Value) -> BTreeMap<String, String> {
        match parse_input(body) {
            Err(ApiError::Validation(fields)) => fields,
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn a_good_input_parses() {
        let input = parse_input(json!({"kpi": "churn_rate2", "period": "202512", "value": 1.5}))
            .expect("valid");
        assert_eq!(input.kpi, "churn_rate2");
        assert_eq!(input.value, 1.5);
    }

    #[test]
    fn every_bad_field_is_named() {
        let fields = field_errors(json!({"kpi": "Sales", "period": "202513", "value": "12"}));
        assert_eq!(
            fields.keys().collect::<Vec<_>>(),
            ["kpi", "period", "value"]
        );
        let fields = field_errors(json!({"extra": 1}));
        assert_eq!(fields["kpi"], "is required");
        assert_eq!(fields["period"], "is required");
        assert_eq!(fields["value"], "is required");
        assert_eq!(fields["extra"], "is not a field of a KPI record");
    }

    #[test]
    fn a_non_object_body_is_a_bad_request() {
        assert!(matches!(
            parse_input(json!([1, 2])),
            Err(ApiError::BadRequest(_))
        ));
    }
}
