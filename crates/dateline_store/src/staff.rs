//! Staff accounts and their sign-in sessions.
//!
//! The store keeps what it is given: password hashes are made and checked
//! by the caller (Argon2id), and a session is known by the hash of its token,
//! never the token itself.

use dateline_core::{Email, Role, Text, UserId};
use jiff::Timestamp;

use crate::{Result, Store, StoreError, read, rows::instant, write_tx};

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub name: Text,
    pub role: Role,
    /// An Argon2id PHC string.
    pub password_hash: String,
    /// The password is one-time (handed over by whoever made the account):
    /// the account must choose its own before it may do anything else.
    pub must_change_password: bool,
}

/// A staff member as the admin shows them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub created_at: Timestamp,
    pub disabled: bool,
    /// Signed in with a one-time password: may only choose a new one.
    pub must_change_password: bool,
}

/// What signing in checks a password against.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the cookie's token, hex.
    pub token_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// A live session and whose it is.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    created_at: i64,
    disabled_at: Option<i64>,
    must_change_password: bool,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self> {
        Ok(User {
            id: UserId(r.id),
            email: r.email,
            name: r.name,
            role: Role::parse(&r.role).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            created_at: instant(r.created_at)?,
            disabled: r.disabled_at.is_some(),
            must_change_password: r.must_change_password,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CredentialsRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: UserRow,
    csrf_token: String,
    session_created_at: i64,
    expires_at: i64,
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Store {
    /// Adds a staff member. An address already in use (in any case) is a
    /// [`StoreError::Conflict`].
    pub async fn create_user(&self, new: &NewUser, now: Timestamp) -> Result<UserId> {
        const SQL: &str = "insert into users
            (email, email_key, name, role, password_hash, created_at, password_changed_at,
             must_change_password)
            values ($1, $2, $3, $4, $5, $6, $6, $7) returning id";
        let id: i64 = write_tx!(self, |tx| sqlx::query_scalar(SQL)
            .bind(new.email.as_str())
            .bind(email_key(new.email.as_str()))
            .bind(new.name.as_str())
            .bind(new.role.as_str())
            .bind(&new.password_hash)
            .bind(now.as_microsecond())
            .bind(new.must_change_password)
            .fetch_one(&mut *tx)
            .await?);
        Ok(UserId(id))
    }

    pub async fn user(&self, id: UserId) -> Result<Option<User>> {
        const SQL: &str =
            "select id, email, name, role, created_at, disabled_at, must_change_password
            from users where id = $1";
        let row: Option<UserRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(User::try_from).transpose()
    }

    /// Every staff member, by name.
    pub async fn users(&self) -> Result<Vec<User>> {
        const SQL: &str =
            "select id, email, name, role, created_at, disabled_at, must_change_password
            from users order by name, id";
        let rows: Vec<UserRow> =
            read!(self, |conn| sqlx::query_as(SQL).fetch_all(&mut *conn).await)?;
        rows.into_iter().map(User::try_from).collect()
    }

    /// The account signing in with `email` (in any case) and its hash.
    pub async fn credentials(&self, email: &str) -> Result<Option<Credentials>> {
        const SQL: &str = "select id, email, name, role, created_at, disabled_at, must_change_password, password_hash
            from users where email_key = $1";
        let row: Option<CredentialsRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(email_key(email))
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(|r| {
            Ok(Credentials {
                user: r.user.try_into()?,
                password_hash: r.password_hash,
            })
        })
        .transpose()
    }

    /// How many enabled admins there are: none means the site needs setting up.
    pub async fn admin_count(&self) -> Result<i64> {
        const SQL: &str = "select count(*) from users where role = 'admin' and disabled_at is null";
        read!(self, |conn| sqlx::query_scalar(SQL)
            .fetch_one(&mut *conn)
            .await
            .map_err(StoreError::from))
    }

    /// Replaces a password and ends every session of the account, in one
    /// transaction: a stolen session dies with the old password.
    pub async fn set_password(&self, id: UserId, hash: &str, now: Timestamp) -> Result<()> {
        const UPDATE: &str =
            "update users set password_hash = $1, password_changed_at = $2, must_change_password = false
            where id = $3";
        const END: &str = "delete from sessions where user_id = $1";
        write_tx!(self, |tx| {
            let updated = sqlx::query(UPDATE)
                .bind(hash)
                .bind(now.as_microsecond())
                .bind(id.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if updated == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query(END).bind(id.0).execute(&mut *tx).await?;
        });
        Ok(())
    }

    pub async fn set_role(&self, id: UserId, role: Role) -> Result<()> {
        const SQL: &str = "update users set role = $1 where id = $2";
        let updated = write_tx!(self, |tx| sqlx::query(SQL)
            .bind(role.as_str())
            .bind(id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected());
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn create_session(&self, new: &NewSession, now: Timestamp) -> Result<()> {
        const SQL: &str = "insert into sessions
            (token_hash, user_id, csrf_token, created_at, expires_at)
            values ($1, $2, $3, $4, $5)";
        write_tx!(self, |tx| {
            sqlx::query(SQL)
                .bind(&new.token_hash)
                .bind(new.user_id.0)
                .bind(&new.csrf_token)
                .bind(now.as_microsecond())
                .bind(new.expires_at.as_microsecond())
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// The session whose token hashes to `token_hash`, if it has not expired
    /// and its account is enabled.
    pub async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        const SQL: &str = "select u.id, u.email, u.name, u.role, u.created_at, u.disabled_at, u.must_change_password,
                s.csrf_token, s.created_at as session_created_at, s.expires_at
            from sessions s join users u on u.id = s.user_id
            where s.token_hash = $1 and s.expires_at > $2 and u.disabled_at is null";
        let row: Option<SessionRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(token_hash)
            .bind(now.as_microsecond())
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(|r| {
            Ok(Session {
                user: r.user.try_into()?,
                csrf_token: r.csrf_token,
                created_at: instant(r.session_created_at)?,
                expires_at: instant(r.expires_at)?,
            })
        })
        .transpose()
    }

    /// Ends one session (signing out). Ending an unknown one is not an error.
    pub async fn end_session(&self, token_hash: &str) -> Result<()> {
        const SQL: &str = "delete from sessions where token_hash = $1";
        write_tx!(self, |tx| {
            sqlx::query(SQL).bind(token_hash).execute(&mut *tx).await?;
        });
        Ok(())
    }

    /// Forgets sessions that have expired; returns how many.
    pub async fn purge_expired_sessions(&self, now: Timestamp) -> Result<u64> {
        const SQL: &str = "delete from sessions where expires_at <= $1";
        Ok(write_tx!(self, |tx| sqlx::query(SQL)
            .bind(now.as_microsecond())
            .execute(&mut *tx)
            .await?
            .rows_affected()))
    }

    /// Records a password-reset link for `user`, valid until `expires_at`.
    pub async fn create_password_reset(
        &self,
        token_hash: &str,
        user: UserId,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        const SQL: &str =
            "insert into password_resets (token_hash, user_id, created_at, expires_at)
            values ($1, $2, $3, $4)";
        write_tx!(self, |tx| {
            sqlx::query(SQL)
                .bind(token_hash)
                .bind(user.0)
                .bind(now.as_microsecond())
                .bind(expires_at.as_microsecond())
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// The account a reset link is for, if the link is unused and unexpired.
    pub async fn password_reset_user(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<User>> {
        const SQL: &str = "select u.id, u.email, u.name, u.role, u.created_at, u.disabled_at, u.must_change_password
            from password_resets r join users u on u.id = r.user_id
            where r.token_hash = $1 and r.used_at is null and r.expires_at > $2
              and u.disabled_at is null";
        let row: Option<UserRow> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(token_hash)
            .bind(now.as_microsecond())
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(User::try_from).transpose()
    }

    /// Uses a reset link: sets the new password, ends every session of the
    /// account and spends the link, in one transaction. `None` (and nothing
    /// changed) if the link is unknown, used or expired.
    pub async fn reset_password(
        &self,
        token_hash: &str,
        new_hash: &str,
        now: Timestamp,
    ) -> Result<Option<UserId>> {
        const SPEND: &str = "update password_resets set used_at = $2
            where token_hash = $1 and used_at is null and expires_at > $2 returning user_id";
        const UPDATE: &str =
            "update users set password_hash = $1, password_changed_at = $2, must_change_password = false
            where id = $3";
        const END: &str = "delete from sessions where user_id = $1";
        write_tx!(self, |tx| {
            let user: Option<i64> = sqlx::query_scalar(SPEND)
                .bind(token_hash)
                .bind(now.as_microsecond())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(user) = user else {
                return Ok(None);
            };
            sqlx::query(UPDATE)
                .bind(new_hash)
                .bind(now.as_microsecond())
                .bind(user)
                .execute(&mut *tx)
                .await?;
            sqlx::query(END).bind(user).execute(&mut *tx).await?;
            Ok(Some(UserId(user)))
        })
    }
}
