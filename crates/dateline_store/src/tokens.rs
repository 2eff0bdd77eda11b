//! Personal access tokens for the admin API.
//!
//! As with sessions, the store keeps the SHA-256 of a token's secret, never
//! the secret: the caller makes the secret, shows it once and hashes it.

use dateline_core::{Scope, UserId};
use jiff::Timestamp;

use crate::{
    Result, Store, StoreError, read,
    rows::{instant, opt_instant},
    staff::UserRow,
    write_tx,
};

/// Uses closer together than this are not each recorded.
const LAST_USED_GRAIN_MICROS: i64 = 60_000_000;

#[derive(Debug, Clone)]
pub struct NewAccessToken {
    pub user_id: UserId,
    /// What its owner calls it ("Mobile desk app").
    pub name: String,
    /// SHA-256 of the secret, hex.
    pub token_hash: String,
    /// The secret's first characters, shown in lists.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<Timestamp>,
}

/// A token as its owner's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccessToken {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// What a live token lets a request do: act as `user`, within `scopes`.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub token_id: i64,
    pub user: crate::User,
    pub scopes: Vec<Scope>,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    prefix: String,
    scopes: String,
    created_at: i64,
    expires_at: Option<i64>,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    #[sqlx(flatten)]
    user: UserRow,
    token_id: i64,
    scopes: String,
}

fn scopes(stored: &str) -> Result<Vec<Scope>> {
    stored
        .split_whitespace()
        .map(|s| Scope::parse(s).map_err(|e| StoreError::Corrupt(e.to_string())))
        .collect()
}

impl TryFrom<TokenRow> for AccessToken {
    type Error = StoreError;
    fn try_from(r: TokenRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            scopes: scopes(&r.scopes)?,
            created_at: instant(r.created_at)?,
            expires_at: opt_instant(r.expires_at)?,
            last_used_at: opt_instant(r.last_used_at)?,
            revoked_at: opt_instant(r.revoked_at)?,
        })
    }
}

impl Store {
    pub async fn create_access_token(&self, new: &NewAccessToken, now: Timestamp) -> Result<i64> {
        const SQL: &str = "insert into access_tokens
            (user_id, name, token_hash, prefix, scopes, created_at, expires_at)
            values ($1, $2, $3, $4, $5, $6, $7) returning id";
        let scopes: Vec<&str> = new.scopes.iter().map(|s| s.as_str()).collect();
        Ok(write_tx!(self, |tx| sqlx::query_scalar(SQL)
            .bind(new.user_id.0)
            .bind(&new.name)
            .bind(&new.token_hash)
            .bind(&new.prefix)
            .bind(scopes.join(" "))
            .bind(now.as_microsecond())
            .bind(new.expires_at.map(|t| t.as_microsecond()))
            .fetch_one(&mut *tx)
            .await?))
    }

    /// What the token whose secret hashes to `token_hash` grants, if it is
    /// neither revoked nor expired and its owner's account is enabled.
    pub async fn access_token_grant(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<TokenGrant>> {
        const SQL: &str = "select u.id, u.email, u.name, u.role, u.created_at, u.disabled_at, u.must_change_password,
                t.id as token_id, t.scopes
            from access_tokens t join users u on u.id = t.user_id
            where t.token_hash = $1 and t.revoked_at is null
                and (t.expires_at is null or t.expires_at > $2)
                and u.disabled_at is null";
        let row: Option<GrantRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(token_hash)
            .bind(now.as_microsecond())
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(|r| {
            Ok(TokenGrant {
                token_id: r.token_id,
                user: r.user.try_into()?,
                scopes: scopes(&r.scopes)?,
            })
        })
        .transpose()
    }

    /// Notes that token `id` was used at `now`, unless a use less than a
    /// minute before was noted (so a busy integration does not write on
    /// every request).
    pub async fn note_access_token_use(&self, id: i64, now: Timestamp) -> Result<()> {
        const SQL: &str = "update access_tokens set last_used_at = $2
            where id = $1 and (last_used_at is null or last_used_at < $3)";
        let now = now.as_microsecond();
        write_tx!(self, |tx| {
            sqlx::query(SQL)
                .bind(id)
                .bind(now)
                .bind(now - LAST_USED_GRAIN_MICROS)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// The tokens of `user`, newest first, revoked ones included.
    pub async fn access_tokens(&self, user: UserId) -> Result<Vec<AccessToken>> {
        const SQL: &str = "select id, name, prefix, scopes, created_at, expires_at,
                last_used_at, revoked_at
            from access_tokens where user_id = $1 order by id desc";
        let rows: Vec<TokenRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(user.0)
            .fetch_all(&mut *conn)
            .await)?;
        rows.into_iter().map(AccessToken::try_from).collect()
    }

    /// Revokes `user`'s token `id` for good. Someone else's token, an
    /// unknown one or one already revoked is [`StoreError::NotFound`].
    pub async fn revoke_access_token(&self, user: UserId, id: i64, now: Timestamp) -> Result<()> {
        const SQL: &str = "update access_tokens set revoked_at = $3
            where id = $1 and user_id = $2 and revoked_at is null";
        let updated = write_tx!(self, |tx| sqlx::query(SQL)
            .bind(id)
            .bind(user.0)
            .bind(now.as_microsecond())
            .execute(&mut *tx)
            .await?
            .rows_affected());
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
