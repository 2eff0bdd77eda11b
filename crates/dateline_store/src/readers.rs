//! Reader accounts: the people who read the site, apart from staff. An
//! account signs in with a password or with a link mailed to its address;
//! its address is verified by such a link; its sessions and links are known
//! by the hashes of their tokens. A verified account owns the newsletter
//! subscription of its address.

use dateline_core::Email;
use jiff::Timestamp;
use serde::Serialize;

use crate::{Result, Store, StoreError, read, rows::instant, write_tx};

/// A reader account as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reader {
    pub id: i64,
    pub email: String,
    pub verified: bool,
    pub has_password: bool,
    pub created_at: Timestamp,
    /// The token of the account's newsletter subscription, if it has one.
    pub subscriber_token: Option<String>,
}

/// What a mailed link does when it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkPurpose {
    /// Proves the address of a new account.
    Verify,
    /// Signs in without a password.
    SignIn,
    /// Sets a new password.
    Reset,
    /// Moves the account to a new address (the link went there).
    Email,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::SignIn => "sign-in",
            Self::Reset => "reset",
            Self::Email => "email",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "verify" => Self::Verify,
            "sign-in" => Self::SignIn,
            "reset" => Self::Reset,
            "email" => Self::Email,
            other => return Err(StoreError::Corrupt(format!("reader link purpose {other}"))),
        })
    }
}

/// A live link, before it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderLink {
    pub reader_id: i64,
    pub purpose: LinkPurpose,
    pub new_email: Option<String>,
}

/// A link about to be mailed.
#[derive(Debug, Clone)]
pub struct NewReaderLink<'a> {
    /// SHA-256 of the link's token, hex.
    pub token_hash: &'a str,
    pub reader_id: i64,
    pub purpose: LinkPurpose,
    pub new_email: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    pub expires_at: Timestamp,
}

/// A reader's session.
#[derive(Debug, Clone)]
pub struct ReaderSession {
    pub reader: Reader,
    pub csrf_token: String,
}

/// What signing up found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderSignUp {
    /// A new account, waiting for its address to be verified.
    Created(i64),
    /// The address already has an account.
    Exists { id: i64, verified: bool },
}

type ReaderRow = (
    i64,
    String,
    Option<String>,
    Option<i64>,
    i64,
    Option<String>,
);

const READER_BY_ID: &str =
    "select r.id, r.email, r.password_hash, r.verified_at, r.created_at, s.token
    from readers r left join subscribers s on s.reader_id = r.id where r.id = $1";
const READER_BY_EMAIL: &str =
    "select r.id, r.email, r.password_hash, r.verified_at, r.created_at, s.token
    from readers r left join subscribers s on s.reader_id = r.id where r.email = $1";

fn reader(row: ReaderRow) -> Result<(Reader, Option<String>)> {
    let (id, email, password_hash, verified_at, created_at, subscriber_token) = row;
    Ok((
        Reader {
            id,
            email,
            verified: verified_at.is_some(),
            has_password: password_hash.is_some(),
            created_at: instant(created_at)?,
            subscriber_token,
        },
        password_hash,
    ))
}

impl Store {
    /// Opens an account for `email`, unverified and without a password
    /// (the verification link carries it), unless the address has one.
    pub async fn sign_up_reader(&self, email: &Email, now: Timestamp) -> Result<ReaderSignUp> {
        const INSERT: &str = "insert into readers (email, created_at, updated_at)
            values ($1, $2, $2) on conflict (email) do nothing returning id";
        const FIND: &str = "select id, verified_at from readers where email = $1";
        let email = email.as_str().to_lowercase();
        write_tx!(self, |tx| {
            let created: Option<i64> = sqlx::query_scalar(INSERT)
                .bind(&email)
                .bind(now.as_microsecond())
                .fetch_optional(&mut *tx)
                .await?;
            match created {
                Some(id) => Ok(ReaderSignUp::Created(id)),
                None => {
                    let (id, verified_at): (i64, Option<i64>) = sqlx::query_as(FIND)
                        .bind(&email)
                        .fetch_one(&mut *tx)
                        .await?;
                    Ok(ReaderSignUp::Exists {
                        id,
                        verified: verified_at.is_some(),
                    })
                }
            }
        })
    }

    pub async fn reader(&self, id: i64) -> Result<Option<Reader>> {
        let row: Option<ReaderRow> = read!(self, |conn| sqlx::query_as(READER_BY_ID)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await)?;
        Ok(row.map(reader).transpose()?.map(|(r, _)| r))
    }

    /// The account of `email` (in any case) and its password hash.
    pub async fn reader_credentials(
        &self,
        email: &str,
    ) -> Result<Option<(Reader, Option<String>)>> {
        let row: Option<ReaderRow> = read!(self, |conn| sqlx::query_as(READER_BY_EMAIL)
            .bind(email.trim().to_lowercase())
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(reader).transpose()
    }

    /// Records a link mailed to reader `id`: `new_email` for an address
    /// link, `password_hash` for a verification link of a sign-up that
    /// chose a password.
    pub async fn add_reader_link(&self, link: &NewReaderLink<'_>, now: Timestamp) -> Result<()> {
        const SQL: &str = "insert into reader_links
            (token_hash, reader_id, purpose, new_email, password_hash, created_at, expires_at)
            values ($1, $2, $3, $4, $5, $6, $7)";
        write_tx!(self, |tx| sqlx::query(SQL)
            .bind(link.token_hash)
            .bind(link.reader_id)
            .bind(link.purpose.as_str())
            .bind(link.new_email.map(str::to_lowercase))
            .bind(link.password_hash)
            .bind(now.as_microsecond())
            .bind(link.expires_at.as_microsecond())
            .execute(&mut *tx)
            .await?
            .rows_affected());
        Ok(())
    }

    /// The link whose token hashes to `token_hash`, if unused and unexpired.
    pub async fn reader_link(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<ReaderLink>> {
        const SQL: &str = "select reader_id, purpose, new_email from reader_links
            where token_hash = $1 and used_at is null and expires_at > $2";
        let row: Option<(i64, String, Option<String>)> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(token_hash)
            .bind(now.as_microsecond())
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(|(reader_id, purpose, new_email)| {
            Ok(ReaderLink {
                reader_id,
                purpose: LinkPurpose::parse(&purpose)?,
                new_email,
            })
        })
        .transpose()
    }

    /// Uses a link, in one transaction: spends it and does what it is for.
    /// Every link proves the address it was mailed to, so the account is
    /// verified and takes over its address's newsletter subscription. A
    /// verification link sets the password its sign-up chose, a reset link
    /// `new_password_hash`; verification, reset and address links spend the
    /// account's other links of their kind, and reset and address links end
    /// every session of the account. `None` (nothing changed) if the link is
    /// unknown, used, expired or for another purpose; a
    /// [`StoreError::Conflict`] if the new address has an account since.
    pub async fn use_reader_link(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
        new_password_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<Reader>> {
        const SPEND: &str = "update reader_links set used_at = $3
            where token_hash = $1 and purpose = $2 and used_at is null and expires_at > $3
            returning reader_id, new_email, password_hash";
        const VERIFY: &str = "update readers set verified_at = coalesce(verified_at, $2),
            updated_at = $2 where id = $1 returning email";
        const PASSWORD: &str = "update readers set password_hash = $2 where id = $1";
        const EMAIL: &str = "update readers set email = $2 where id = $1";
        const SUBSCRIBER_EMAIL: &str = "update subscribers set email = $2
            where reader_id = $1 and not exists (select 1 from subscribers where email = $2)";
        const UNLINK: &str = "update subscribers set reader_id = null
            where reader_id = $1 and email <> $2";
        const LINK: &str = "update subscribers set reader_id = $1
            where email = $2 and reader_id is null";
        const END_SESSIONS: &str = "delete from reader_sessions where reader_id = $1";
        const SPEND_OTHERS: &str = "update reader_links set used_at = $3
            where reader_id = $1 and purpose = $2 and used_at is null";
        let at = now.as_microsecond();
        let id = write_tx!(self, |tx| {
            let spent: Option<(i64, Option<String>, Option<String>)> = sqlx::query_as(SPEND)
                .bind(token_hash)
                .bind(purpose.as_str())
                .bind(at)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((id, new_email, chosen_hash)) = spent else {
                return Ok(None);
            };
            // The password a verification link carries, or a reset's new one.
            let password = match purpose {
                LinkPurpose::Verify => chosen_hash.as_deref(),
                LinkPurpose::Reset => Some(new_password_hash.ok_or_else(|| {
                    StoreError::Corrupt("a reset link used without a password".into())
                })?),
                LinkPurpose::SignIn | LinkPurpose::Email => None,
            };
            if let Some(hash) = password {
                sqlx::query(PASSWORD)
                    .bind(id)
                    .bind(hash)
                    .execute(&mut *tx)
                    .await?;
            }
            if purpose == LinkPurpose::Email {
                let new_email = new_email.ok_or_else(|| {
                    StoreError::Corrupt("an address link without its address".into())
                })?;
                sqlx::query(EMAIL)
                    .bind(id)
                    .bind(&new_email)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(SUBSCRIBER_EMAIL)
                    .bind(id)
                    .bind(&new_email)
                    .execute(&mut *tx)
                    .await?;
            }
            if matches!(purpose, LinkPurpose::Reset | LinkPurpose::Email) {
                sqlx::query(END_SESSIONS).bind(id).execute(&mut *tx).await?;
            }
            if purpose != LinkPurpose::SignIn {
                sqlx::query(SPEND_OTHERS)
                    .bind(id)
                    .bind(purpose.as_str())
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
            }
            let email: String = sqlx::query_scalar(VERIFY)
                .bind(id)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(UNLINK)
                .bind(id)
                .bind(&email)
                .execute(&mut *tx)
                .await?;
            sqlx::query(LINK)
                .bind(id)
                .bind(&email)
                .execute(&mut *tx)
                .await?;
            id
        });
        self.reader(id).await
    }

    pub async fn create_reader_session(
        &self,
        token_hash: &str,
        id: i64,
        csrf_token: &str,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        const SQL: &str = "insert into reader_sessions
            (token_hash, reader_id, csrf_token, created_at, expires_at) values ($1, $2, $3, $4, $5)";
        // Sign-ins are rare enough to sweep expired sessions as they happen.
        const PURGE: &str = "delete from reader_sessions where expires_at <= $1";
        write_tx!(self, |tx| {
            sqlx::query(PURGE)
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?;
            sqlx::query(SQL)
                .bind(token_hash)
                .bind(id)
                .bind(csrf_token)
                .bind(now.as_microsecond())
                .bind(expires_at.as_microsecond())
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// The live session whose token hashes to `token_hash`.
    pub async fn reader_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<ReaderSession>> {
        const SQL: &str = "select r.id, r.email, r.password_hash, r.verified_at, r.created_at,
                s.token, x.csrf_token
            from reader_sessions x join readers r on r.id = x.reader_id
            left join subscribers s on s.reader_id = r.id
            where x.token_hash = $1 and x.expires_at > $2";
        type Row = (
            i64,
            String,
            Option<String>,
            Option<i64>,
            i64,
            Option<String>,
            String,
        );
        let row: Option<Row> = read!(self, |conn| sqlx::query_as(SQL)
            .bind(token_hash)
            .bind(now.as_microsecond())
            .fetch_optional(&mut *conn)
            .await)?;
        row.map(|(a, b, c, d, e, f, csrf_token)| {
            Ok(ReaderSession {
                reader: reader((a, b, c, d, e, f))?.0,
                csrf_token,
            })
        })
        .transpose()
    }

    /// Ends one session; ending an unknown one is not an error.
    pub async fn end_reader_session(&self, token_hash: &str) -> Result<()> {
        const SQL: &str = "delete from reader_sessions where token_hash = $1";
        write_tx!(self, |tx| sqlx::query(SQL)
            .bind(token_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Sets a reader's password and ends their other sessions.
    pub async fn set_reader_password(
        &self,
        id: i64,
        hash: &str,
        keep_session: &str,
        now: Timestamp,
    ) -> Result<()> {
        const UPDATE: &str = "update readers set password_hash = $2, updated_at = $3 where id = $1";
        const END: &str = "delete from reader_sessions where reader_id = $1 and token_hash <> $2";
        write_tx!(self, |tx| {
            sqlx::query(UPDATE)
                .bind(id)
                .bind(hash)
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?;
            sqlx::query(END)
                .bind(id)
                .bind(keep_session)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// Subscribes a verified reader's address to `newsletters` (the
    /// address is proven, so the subscription is confirmed at once), or
    /// takes over the address's existing subscription. The subscription's
    /// token.
    pub async fn subscribe_reader(
        &self,
        id: i64,
        newsletters: &[i64],
        token: &str,
        now: Timestamp,
    ) -> Result<String> {
        const EMAIL: &str = "select email from readers where id = $1 and verified_at is not null";
        const INSERT: &str = "insert into subscribers
            (email, state, token, reader_id, created_at, confirmed_at, updated_at)
            values ($1, 'confirmed', $2, $3, $4, $4, $4) on conflict (email) do nothing
            returning token";
        const TAKE_OVER: &str = "update subscribers set reader_id = $2, state = 'confirmed',
            confirmed_at = coalesce(confirmed_at, $3), unsubscribed_at = null, updated_at = $3
            where email = $1 returning token";
        const SUBSCRIBE: &str =
            "insert into subscriptions (subscriber_id, newsletter_id, created_at)
            select id, $2, $3 from subscribers where token = $1 on conflict do nothing";
        let at = now.as_microsecond();
        write_tx!(self, |tx| {
            let email: Option<String> = sqlx::query_scalar(EMAIL)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let email = email.ok_or(StoreError::NotFound)?;
            let created: Option<String> = sqlx::query_scalar(INSERT)
                .bind(&email)
                .bind(token)
                .bind(id)
                .bind(at)
                .fetch_optional(&mut *tx)
                .await?;
            let (token, fresh) = match created {
                Some(token) => (token, true),
                None => {
                    let token: String = sqlx::query_scalar(TAKE_OVER)
                        .bind(&email)
                        .bind(id)
                        .bind(at)
                        .fetch_one(&mut *tx)
                        .await?;
                    (token, false)
                }
            };
            if fresh {
                for newsletter in newsletters {
                    sqlx::query(SUBSCRIBE)
                        .bind(&token)
                        .bind(newsletter)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            Ok(token)
        })
    }

    /// Deletes an account and the personal data kept with it: its sessions,
    /// links and newsletter subscription (with what was sent to it).
    pub async fn delete_reader(&self, id: i64) -> Result<bool> {
        const SUBSCRIBER: &str = "delete from subscribers where reader_id = $1";
        const READER: &str = "delete from readers where id = $1";
        let deleted = write_tx!(self, |tx| {
            sqlx::query(SUBSCRIBER).bind(id).execute(&mut *tx).await?;
            sqlx::query(READER)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        Ok(deleted == 1)
    }
}
