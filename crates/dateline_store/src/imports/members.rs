//! Newsletter subscribers from an old site's members, each with the
//! consent it recorded: subscribed to newsletters, or to none (kept as
//! unsubscribed, so the import never opts anyone in and a later sign-up
//! asks again).

use dateline_core::Email;
use jiff::Timestamp;

use super::{ImportKey, Imported, find_key, keep_key};
use crate::{Result, Store, write_tx};

/// A member as it comes in.
#[derive(Debug, Clone)]
pub struct ImportedMember {
    pub key: ImportKey,
    pub email: Email,
    /// A fresh link token, used if the address is new.
    pub token: String,
    /// The newsletters they receive; none: unsubscribed.
    pub newsletters: Vec<i64>,
    pub joined_at: Option<Timestamp>,
}

const BY_EMAIL: &str = "select id from subscribers where email = $1";
const INSERT: &str = "insert into subscribers (email, state, token, created_at, confirmed_at,
        unsubscribed_at, updated_at)
    values ($1, $2, $3, $4, case when $2 = 'confirmed' then $4 end,
        case when $2 = 'unsubscribed' then $5 end, $5)
    returning id";
const RESTATE: &str = "update subscribers set state = $2, updated_at = $3,
        confirmed_at = case when $2 = 'confirmed' then coalesce(confirmed_at, $3) else confirmed_at end,
        unsubscribed_at = case when $2 = 'unsubscribed' then $3 else null end
    where id = $1";
const CLEAR: &str = "delete from subscriptions where subscriber_id = $1";
const SUBSCRIBE: &str = "insert into subscriptions (subscriber_id, newsletter_id, created_at)
    values ($1, $2, $3) on conflict do nothing";

impl Store {
    /// Writes a batch of members in one transaction: a new address with its
    /// recorded consent; an address the site already has is left as the
    /// site has it (only remembered); one imported before whose consent
    /// changed in a newer export takes the new consent.
    pub async fn import_members(
        &self,
        batch: &[ImportedMember],
        now: Timestamp,
    ) -> Result<Vec<Imported>> {
        Ok(write_tx!(self, |tx| {
            let mut done = Vec::with_capacity(batch.len());
            for member in batch {
                let state = if member.newsletters.is_empty() {
                    "unsubscribed"
                } else {
                    "confirmed"
                };
                let email = member.email.as_str().to_lowercase();
                let (id, imported) = match find_key!(tx, &member.key) {
                    Some((_, digest)) if digest == member.key.digest => {
                        done.push(Imported::Unchanged);
                        continue;
                    }
                    Some((id, _)) => {
                        sqlx::query(RESTATE)
                            .bind(id)
                            .bind(state)
                            .bind(now.as_microsecond())
                            .execute(&mut *tx)
                            .await?;
                        sqlx::query(CLEAR).bind(id).execute(&mut *tx).await?;
                        (id, Imported::Updated)
                    }
                    None => {
                        let known: Option<i64> = sqlx::query_scalar(BY_EMAIL)
                            .bind(&email)
                            .fetch_optional(&mut *tx)
                            .await?;
                        if let Some(id) = known {
                            keep_key!(tx, &member.key, id, now);
                            done.push(Imported::Unchanged);
                            continue;
                        }
                        let joined = member.joined_at.unwrap_or(now).min(now);
                        let id: i64 = sqlx::query_scalar(INSERT)
                            .bind(&email)
                            .bind(state)
                            .bind(&member.token)
                            .bind(joined.as_microsecond())
                            .bind(now.as_microsecond())
                            .fetch_one(&mut *tx)
                            .await?;
                        (id, Imported::Added)
                    }
                };
                for newsletter in &member.newsletters {
                    sqlx::query(SUBSCRIBE)
                        .bind(id)
                        .bind(newsletter)
                        .bind(now.as_microsecond())
                        .execute(&mut *tx)
                        .await?;
                }
                keep_key!(tx, &member.key, id, now);
                done.push(imported);
            }
            done
        }))
    }

    /// Subscribers by state among those imported from `origin`.
    pub async fn imported_subscribers(&self, origin: &str) -> Result<Vec<(String, i64)>> {
        const SQL: &str = "select s.state, count(*) from import_keys k
            join subscribers s on s.id = k.entity_id
            where k.origin = $1 and k.kind = 'member' group by s.state order by s.state";
        Ok(crate::read!(self, |conn| sqlx::query_as(SQL)
            .bind(origin)
            .fetch_all(&mut *conn)
            .await)?)
    }
}
