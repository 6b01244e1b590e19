//! The HTTP leg: JSON over HTTP(S) to headquarters, with the store's bearer token, bounded
//! timeouts and bounded answers. Every failure becomes `SYNC_FAILED` with a Chinese message that
//! says what to do; nothing is marked sent unless headquarters said it stored it.

use std::time::Duration;

use pos_core::error::{ErrorCode, PosError, Result};
use pos_sync_proto::{ErrorBody, PullPage, PushAck, PushBatch};
use serde::de::DeserializeOwned;

/// The largest answer read from headquarters (a full pull page of large sales fits easily).
const MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

pub struct Client {
    base: String,
    token: String,
    agent: ureq::Agent,
}

impl Client {
    pub fn new(base: &str, token: &str) -> Result<Client> {
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(120)))
            .http_status_as_error(false)
            .build();
        Ok(Client {
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            agent: config.into(),
        })
    }

    pub fn push(&self, batch: &PushBatch) -> Result<PushAck> {
        let body = serde_json::to_vec(batch).map_err(PosError::storage)?;
        let response = self
            .agent
            .post(format!("{}/v1/push", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Content-Type", "application/json")
            .send(&body[..]);
        answer_with(response, |status, text| {
            // 422: some events were set aside; the body is still the acknowledgement.
            (status == 422)
                .then(|| serde_json::from_str::<PushAck>(text).ok())
                .flatten()
        })
    }

    /// This store's own events, for rebuilding a lost till.
    pub fn restore(&self, cursor: i64, limit: u32) -> Result<PullPage> {
        let response = self
            .agent
            .get(format!(
                "{}/v1/restore?cursor={cursor}&limit={limit}",
                self.base
            ))
            .header("Authorization", format!("Bearer {}", self.token))
            .call();
        answer(response)
    }

    pub fn pull(&self, cursor: i64, limit: u32) -> Result<PullPage> {
        let response = self
            .agent
            .get(format!(
                "{}/v1/pull?cursor={cursor}&limit={limit}",
                self.base
            ))
            .header("Authorization", format!("Bearer {}", self.token))
            .call();
        answer(response)
    }
}

fn failed(message: String) -> PosError {
    PosError::new(ErrorCode::SyncFailed, message)
}

fn answer<T: DeserializeOwned>(
    response: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<T> {
    answer_with(response, |_, _| None)
}

/// `answer`, where `accept` may still take a non-2xx answer's body as the result.
fn answer_with<T: DeserializeOwned>(
    response: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    accept: impl Fn(u16, &str) -> Option<T>,
) -> Result<T> {
    let mut response = response.map_err(|e| {
        failed(format!(
            "连不上总部（{e}）。数据都在本机，不会丢失；请检查网络后点“立即同步”再试"
        ))
    })?;
    let status = response.status();
    let text = response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER_BYTES)
        .read_to_string()
        .map_err(|e| failed(format!("总部的回答没有读完（{e}），请稍后再试")))?;
    if status.is_success() {
        return serde_json::from_str(&text)
            .map_err(|e| failed(format!("总部的回答格式不对（{e}），请联系总部")));
    }
    if let Some(t) = accept(status.as_u16(), &text) {
        return Ok(t);
    }
    let body: Option<ErrorBody> = serde_json::from_str(&text).ok();
    let mut err = failed(match &body {
        Some(b) => format!("总部拒绝了同步：{}", b.message),
        None => format!("总部拒绝了同步（HTTP {}），请联系总部", status.as_u16()),
    });
    err.details = Some(serde_json::json!({
        "status": status.as_u16(),
        "code": body.map(|b| b.code),
    }));
    Err(err)
}
