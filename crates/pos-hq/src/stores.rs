//! Stores and their bearer tokens. A token is 32 random bytes (hex) shown once; headquarters
//! keeps only its SHA-256, so a leaked database does not leak working tokens.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::Pool;

pub async fn add_store(pool: &Pool, id: Uuid, code: &str, name: &str) -> Result<()> {
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO store (id, code, name) VALUES ($1, $2, $3)",
            &[&id, &code, &name],
        )
        .await
        .with_context(|| format!("cannot add store {code} ({id})"))?;
    Ok(())
}

/// A new token for `store`; only its hash is stored, so this is the one time it is seen.
pub async fn issue_token(pool: &Pool, store: Uuid) -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).context("no randomness for a token")?;
    let token = hex::encode(bytes);
    let client = pool.get().await?;
    let n = client
        .execute(
            "INSERT INTO store_token (token_sha256, store_id)
             SELECT $1, id FROM store WHERE id = $2",
            &[&token_hash(&token), &store],
        )
        .await?;
    anyhow::ensure!(n == 1, "no store {store}: add it first (add-store)");
    Ok(token)
}

/// Revokes every token of `store`; returns how many were still valid.
pub async fn revoke_tokens(pool: &Pool, store: Uuid) -> Result<u64> {
    let client = pool.get().await?;
    Ok(client
        .execute(
            "UPDATE store_token SET revoked_at = now() WHERE store_id = $1 AND revoked_at IS NULL",
            &[&store],
        )
        .await?)
}

/// A new admin token (for headquarters' own staff and tools: the admin views); shown once.
pub async fn issue_admin_token(pool: &Pool, note: &str) -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).context("no randomness for a token")?;
    let token = hex::encode(bytes);
    pool.get()
        .await?
        .execute(
            "INSERT INTO admin_token (token_sha256, note) VALUES ($1, $2)",
            &[&token_hash(&token), &note],
        )
        .await?;
    Ok(token)
}

/// Revokes every admin token; returns how many were still valid.
pub async fn revoke_admin_tokens(pool: &Pool) -> Result<u64> {
    Ok(pool
        .get()
        .await?
        .execute(
            "UPDATE admin_token SET revoked_at = now() WHERE revoked_at IS NULL",
            &[],
        )
        .await?)
}

/// Whether `token` is a valid admin token.
pub async fn is_admin_token(client: &tokio_postgres::Client, token: &str) -> Result<bool> {
    Ok(client
        .query_opt(
            "SELECT 1 FROM admin_token WHERE token_sha256 = $1 AND revoked_at IS NULL",
            &[&token_hash(token)],
        )
        .await?
        .is_some())
}

/// The store a valid (known, not revoked) token belongs to.
pub async fn store_for_token(client: &tokio_postgres::Client, token: &str) -> Result<Option<Uuid>> {
    let row = client
        .query_opt(
            "SELECT store_id FROM store_token WHERE token_sha256 = $1 AND revoked_at IS NULL",
            &[&token_hash(token)],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
