//! The HTTP face: routes, bearer-token authentication and the error answers.
//!
//! Every error is a [`pos_sync_proto::ErrorBody`] with a stable UPPER_SNAKE `code` (tills branch
//! on it) and a Chinese `message` that tells staff what to do.

use std::sync::Arc;

use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use pos_sync_proto::{ErrorBody, PullPage, PushAck, PushBatch, MAX_BATCH_EVENTS, MAX_BODY_BYTES};
use pos_sync_proto::{MAX_PULL_EVENTS, PROTOCOL};
use serde::Deserialize;
use uuid::Uuid;

use crate::{push, views, Clock, Pool};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    pub fn new(pool: Pool, clock: Arc<dyn Clock>) -> Self {
        AppState { pool, clock }
    }
}

/// The whole API. Bodies over [`MAX_BODY_BYTES`] are refused with 413 before they are read.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/push", post(push_handler))
        .route("/v1/pull", get(pull_handler))
        .route("/v1/restore", get(restore_handler))
        .route("/v1/admin/stores", get(admin_stores))
        .route("/v1/admin/gaps", get(admin_gaps))
        .route("/v1/admin/quarantine", get(admin_quarantine))
        .route("/v1/admin/members", get(admin_members))
        .route("/v1/admin/merge-queue", get(admin_merge_queue))
        .route("/v1/admin/negative-balances", get(admin_negative_balances))
        .route(
            "/v1/admin/trace-code-conflicts",
            get(admin_trace_code_conflicts),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "门店令牌无效或已吊销，请向总部重新申请",
        )
    }

    fn bad_batch(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "BAD_BATCH",
            format!("上传的数据不完整或格式不正确，请重新同步（{detail}）"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.to_string(),
            message: self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

/// Anything unexpected (the database went away, a bug): logged in full, answered as 500.
impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        tracing::error!(error = format!("{e:#}"), "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "总部服务器内部错误，请稍后重试；若一直出现请联系总部技术支持",
        )
    }
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(e: tokio_postgres::Error) -> Self {
        anyhow::Error::from(e).into()
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        anyhow::Error::from(e).into()
    }
}

/// The store the request's bearer token belongs to.
fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(ApiError::unauthorized)
}

async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Uuid, ApiError> {
    let token = bearer(headers)?;
    let client = state.pool.get().await?;
    crate::store_for_token(&client, token)
        .await?
        .ok_or_else(ApiError::unauthorized)
}

/// The admin views need an admin token: a store's token sees only its own sync, never the
/// chain's members, stores or quarantine.
async fn authenticate_admin(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let token = bearer(headers)?;
    let client = state.pool.get().await?;
    if crate::stores::is_admin_token(&client, token).await? {
        return Ok(());
    }
    if crate::store_for_token(&client, token).await?.is_some() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "ADMIN_ONLY",
            "这是总部管理接口，门店令牌无权查看；请使用总部管理令牌",
        ));
    }
    Err(ApiError::unauthorized())
}

async fn health(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let unavailable = |e: String| {
        tracing::error!(error = e, "health check: database unavailable");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "DATABASE_UNAVAILABLE",
            "总部数据库暂时不可用，请稍后重试",
        )
    };
    let client = state
        .pool
        .get()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    client
        .query_one("SELECT 1", &[])
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    Ok(Json(serde_json::json!({ "status": "ok" })))
}

async fn push_handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<PushAck>), ApiError> {
    let store = authenticate(&state, &headers).await?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                format!(
                    "上传的数据超过 {} MB，请分成更小的批次重新上传",
                    MAX_BODY_BYTES / (1024 * 1024)
                ),
            )
        } else {
            ApiError::bad_batch(rejection.body_text())
        }
    })?;
    let batch = parse_batch(&body)?;
    if batch.store_id != store {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "WRONG_STORE",
            "这批数据属于另一家门店，与本门店的令牌不符，请检查本机的门店设置",
        ));
    }
    let ack = push::push(&state.pool, state.clock.as_ref(), store, &batch).await?;
    tracing::info!(
        store = %store,
        device = %batch.device_id,
        accepted = ack.accepted.len(),
        duplicates = ack.duplicates.len(),
        quarantined = ack.quarantined.len(),
        gaps = ack.gaps.len(),
        "push"
    );
    // Events set aside make the answer a 4xx (422) so no client can miss them; the body is the
    // same acknowledgement, and the batch's other events are stored all the same.
    let status = if ack.quarantined.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(ack)))
}

/// Reads a batch: JSON first, then the protocol (so a batch of another protocol is named as
/// such even if its shape changed), then the shape and the size.
fn parse_batch(body: &[u8]) -> Result<PushBatch, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(ApiError::bad_batch)?;
    match value.get("protocol").and_then(|p| p.as_u64()) {
        Some(p) if p == u64::from(PROTOCOL) => {}
        other => {
            let said = other.map_or_else(|| "未注明".to_string(), |p| p.to_string());
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "UNSUPPORTED_PROTOCOL",
                format!(
                    "收银软件的同步协议版本（{said}）与总部（{PROTOCOL}）不一致，请升级收银软件"
                ),
            ));
        }
    }
    let batch: PushBatch = serde_json::from_value(value).map_err(ApiError::bad_batch)?;
    if batch.events.len() > MAX_BATCH_EVENTS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "BATCH_TOO_LARGE",
            format!(
                "一批最多 {MAX_BATCH_EVENTS} 条事件，本批有 {} 条，请分批上传",
                batch.events.len()
            ),
        ));
    }
    Ok(batch)
}

#[derive(Debug, Deserialize)]
pub struct PullParams {
    #[serde(default)]
    pub cursor: i64,
    pub limit: Option<u32>,
}

/// Events per pull page when the till does not say.
pub const DEFAULT_PULL_EVENTS: u32 = 500;

fn bad_query(rejection: QueryRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "BAD_QUERY",
        format!("请求参数不正确（{}）", rejection.body_text()),
    )
}

/// The store a page request is for, its cursor and its page size (default 500, at most
/// `MAX_PULL_EVENTS`): shared by pull and restore.
async fn page_request(
    state: &AppState,
    headers: &HeaderMap,
    params: Result<Query<PullParams>, QueryRejection>,
) -> Result<(Uuid, i64, u32), ApiError> {
    let store = authenticate(state, headers).await?;
    let Query(params) = params.map_err(bad_query)?;
    let limit = params
        .limit
        .unwrap_or(DEFAULT_PULL_EVENTS)
        .clamp(1, MAX_PULL_EVENTS);
    Ok((store, params.cursor, limit))
}

async fn pull_handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<PullParams>, QueryRejection>,
) -> Result<Json<PullPage>, ApiError> {
    let (store, cursor, limit) = page_request(&state, &headers, params).await?;
    Ok(Json(push::pull(&state.pool, store, cursor, limit).await?))
}

/// `GET /v1/restore?cursor=N&limit=M`: the token's own store's events, for rebuilding a till.
async fn restore_handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<PullParams>, QueryRejection>,
) -> Result<Json<PullPage>, ApiError> {
    let (store, cursor, limit) = page_request(&state, &headers, params).await?;
    Ok(Json(push::own(&state.pool, store, cursor, limit).await?))
}

async fn admin_negative_balances(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<views::NegativeBalanceView>>, ApiError> {
    authenticate_admin(&state, &headers).await?;
    let client = state.pool.get().await?;
    Ok(Json(views::negative_balances(&**client).await?))
}

async fn admin_trace_code_conflicts(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<views::TraceCodeConflictView>>, ApiError> {
    authenticate_admin(&state, &headers).await?;
    let client = state.pool.get().await?;
    Ok(Json(views::trace_code_conflicts(&**client).await?))
}

async fn admin_stores(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<views::StoreView>>, ApiError> {
    authenticate_admin(&state, &headers).await?;
    let client = state.pool.get().await?;
    Ok(Json(views::stores(&**client).await?))
}

async fn admin_gaps(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<pos_sync_proto::Gap>>, ApiError> {
    authenticate_admin(&state, &headers).await?;
    let client = state.pool.get().await?;
    Ok(Json(views::all_gaps(&**client).await?))
}

#[derive(Debug, Deserialize)]
pub struct LimitParams {
    pub limit: Option<i64>,
}

async fn admin_quarantine(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<LimitParams>, QueryRejection>,
) -> Result<Json<Vec<views::QuarantineView>>, ApiError> {
    authenticate_admin(&state, &headers).await?;
    let Query(params) = params.map_err(bad_query)?;
    let client = state.pool.get().await?;
    let limit = params.limit.unwrap_or(100).clamp(1, 1000);
    Ok(Json(views::quarantine(&**client, limit).await?))
}

#[derive(Debug, Deserialize)]
pub struct PhoneParams {
    pub phone: String,
}

async fn admin_members(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<PhoneParams>, QueryRejection>,
) -> Result<Json<Vec<views::MemberView>>, ApiError> {
    authenticate_admin(&state, &headers).await?;
    let Query(params) = params.map_err(bad_query)?;
    let client = state.pool.get().await?;
    Ok(Json(
        views::members_by_phone(&**client, &params.phone).await?,
    ))
}

async fn admin_merge_queue(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<views::MergeQueueView>>, ApiError> {
    authenticate_admin(&state, &headers).await?;
    let client = state.pool.get().await?;
    Ok(Json(views::merge_queue(&**client).await?))
}
