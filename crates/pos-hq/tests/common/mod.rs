//! Shared test helpers: a small HTTP client, a till that numbers its events, payload builders.
#![allow(dead_code)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use pos_hq::testing::{TestDb, TestServer};
use pos_sync_proto::catalogue::*;
use pos_sync_proto::{payload_hash, Envelope, Payload, PushAck, PushBatch, PROTOCOL};
use serde::de::DeserializeOwned;
use uuid::Uuid;

pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    pub base: String,
}

impl Http {
    pub fn new(base: &str) -> Http {
        Http {
            client: Client::builder(TokioExecutor::new()).build_http(),
            base: base.to_string(),
        }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> (StatusCode, Vec<u8>) {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("{}{}", self.base, path))
            .header("content-type", "application/json");
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = req.body(Full::new(Bytes::from(body))).unwrap();
        let resp = self.client.request(req).await.expect("request");
        let status = resp.status();
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        (status, body.to_vec())
    }

    pub async fn get_json<T: DeserializeOwned>(&self, path: &str, token: &str) -> T {
        let (status, body) = self.send(Method::GET, path, Some(token), Vec::new()).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).expect("json")
    }

    pub async fn push_raw(&self, token: &str, batch: &PushBatch) -> (StatusCode, Vec<u8>) {
        self.send(
            Method::POST,
            "/v1/push",
            Some(token),
            serde_json::to_vec(batch).unwrap(),
        )
        .await
    }

    /// A push that must be answered with an acknowledgement: 200, or 422 exactly when some
    /// event was quarantined (the others are stored all the same).
    pub async fn push(&self, token: &str, batch: &PushBatch) -> PushAck {
        let (status, body) = self.push_raw(token, batch).await;
        let ack: PushAck = serde_json::from_slice(&body)
            .unwrap_or_else(|_| panic!("{status}: {}", String::from_utf8_lossy(&body)));
        let want = if ack.quarantined.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        assert_eq!(status, want, "{}", String::from_utf8_lossy(&body));
        ack
    }
}

/// The error code of an ErrorBody answer.
pub fn code(body: &[u8]) -> String {
    let e: pos_sync_proto::ErrorBody = serde_json::from_slice(body).expect("ErrorBody");
    assert!(!e.message.is_empty());
    e.code
}

/// One till of one store: numbers its events like an outbox.
pub struct Till {
    pub store: Uuid,
    pub device: Uuid,
    pub token: String,
    pub seq: i64,
}

impl Till {
    pub fn env(&mut self, p: &Payload) -> Envelope {
        self.env_text(p.kind(), p.to_json())
    }

    /// An envelope carrying this exact payload text.
    pub fn env_text(&mut self, kind: &str, payload: String) -> Envelope {
        self.seq += 1;
        Envelope {
            event_id: Uuid::now_v7(),
            store_id: self.store,
            device_id: self.device,
            seq: self.seq,
            kind: kind.to_string(),
            payload_hash: payload_hash(payload.as_bytes()),
            payload,
            created_at: "2026-11-29T10:00:00Z".to_string(),
        }
    }

    pub fn batch(&self, events: Vec<Envelope>) -> PushBatch {
        PushBatch {
            protocol: PROTOCOL,
            store_id: self.store,
            device_id: self.device,
            events,
        }
    }
}

/// A database, a server and an HTTP client.
pub struct Hq {
    pub db: TestDb,
    pub server: TestServer,
    pub http: Http,
    /// Headquarters' clock: 2026-11-29 12:00 UTC ([`T0`]) until moved.
    pub clock: std::sync::Arc<pos_hq::ManualClock>,
    /// An admin token, for the /v1/admin views.
    pub admin: String,
}

impl Hq {
    pub async fn start() -> Hq {
        let db = TestDb::create().await.expect("test database");
        let clock = pos_hq::testing::manual_clock_at_t0();
        let server = TestServer::start_with_clock(&db, clock.clone())
            .await
            .expect("server");
        let http = Http::new(&server.base_url);
        let admin = pos_hq::issue_admin_token(&db.pool, "tests").await.unwrap();
        Hq {
            db,
            server,
            http,
            clock,
            admin,
        }
    }

    pub async fn till(&self, code: &str) -> Till {
        let store = Uuid::now_v7();
        pos_hq::add_store(&self.db.pool, store, code, &format!("门店{code}"))
            .await
            .unwrap();
        let token = pos_hq::issue_token(&self.db.pool, store).await.unwrap();
        Till {
            store,
            device: Uuid::now_v7(),
            token,
            seq: 0,
        }
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let c = self.db.client().await.unwrap();
        c.query_one(sql, &[]).await.unwrap().get(0)
    }

    pub async fn member(&self, id: Uuid) -> pos_hq::views::MemberView {
        let c = self.db.client().await.unwrap();
        pos_hq::views::member(&**c, id)
            .await
            .unwrap()
            .expect("member")
    }
}

pub fn stamp(wall_ms: i64, counter: u32, device: Uuid) -> HlcStamp {
    HlcStamp {
        wall_ms,
        counter,
        device,
    }
}

/// 2026-11-29 12:00 UTC in ms (the test server's clock).
pub const T0: i64 = 1_795_953_600_000;

pub fn registered(
    id: Uuid,
    phone: &str,
    name: &str,
    created_at: &str,
    store: Uuid,
    hlc: HlcStamp,
) -> Payload {
    Payload::MemberRegistered(MemberRegisteredV1 {
        id,
        card_no: format!("C{}", &id.simple().to_string()[..8]),
        phone: phone.to_string(),
        name: name.to_string(),
        gender: "female".into(),
        birthday: Some("1980-05-01".into()),
        address: "上海市浦东新区".into(),
        occupation: "教师".into(),
        tags: String::new(),
        store_id: store,
        registered_by: Uuid::nil(),
        created_at: created_at.to_string(),
        hlc,
    })
}

pub fn edited(member: Uuid, field: &str, value: &str, hlc: HlcStamp) -> Payload {
    Payload::MemberFieldEdited(MemberFieldEditedV1 {
        edit_id: Uuid::now_v7(),
        member_id: member,
        field: field.to_string(),
        value: Some(value.to_string()),
        at: "2026-11-29T10:00:00Z".into(),
        by_staff: Uuid::nil(),
        hlc,
    })
}

pub fn points(member: Uuid, pts: i64) -> Payload {
    Payload::PointsEntry(PointsEntryV1 {
        id: Uuid::now_v7(),
        member_id: member,
        kind: "earn".into(),
        points: pts,
        expires_on: Some("2027-12-31".into()),
        sale_id: None,
        reverses: None,
        reason: "消费积分".into(),
        by_staff: None,
        at: "2026-11-29T10:00:00Z".into(),
        business_date: "2026-11-29".into(),
        draws: vec![],
    })
}

pub fn consent(member: Uuid, granted: bool, at: &str) -> Payload {
    Payload::MemberConsent(MemberConsentV1 {
        member_id: member,
        event: ConsentEventV1 {
            id: Uuid::now_v7(),
            scope: "health".into(),
            granted,
            notice_version: "2026-01".into(),
            at: at.to_string(),
            by_staff: Uuid::nil(),
        },
    })
}

pub fn staff_created() -> Payload {
    Payload::StaffCreated(StaffCreatedV1 {
        id: Uuid::now_v7(),
        staff_no: "001".into(),
        name: "张三".into(),
        roles: vec!["cashier".into()],
        active: true,
    })
}
