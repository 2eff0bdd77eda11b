//! People the site credits: bylines and editors.

use dateline_core::{NewPerson, Person, PersonId};
use jiff::Timestamp;

use crate::{
    ChangeKind, Entity, Result, Store, StoreError, changes::append_change, read, write_tx,
};

impl Store {
    pub async fn create_person(&self, new: &NewPerson, now: Timestamp) -> Result<PersonId> {
        const SQL: &str = "insert into people (slug, name, bio, email, created_at, updated_at)
            values ($1, $2, $3, $4, $5, $5) returning id";
        let id = write_tx!(self, |tx| {
            let id: i64 = sqlx::query_scalar(SQL)
                .bind(new.slug.as_str())
                .bind(new.name.as_str())
                .bind(&new.bio)
                .bind(new.email.as_ref().map(|e| e.as_str()))
                .bind(now.as_microsecond())
                .fetch_one(&mut *tx)
                .await?;
            append_change!(tx, Entity::Person, id, ChangeKind::Created, now);
            id
        });
        Ok(PersonId(id))
    }

    /// Everyone the site credits, by name.
    pub async fn people(&self) -> Result<Vec<Person>> {
        const SQL: &str = "select id, slug, name, bio from people order by name, id";
        let rows: Vec<(i64, String, String, String)> =
            read!(self, |conn| sqlx::query_as(SQL).fetch_all(&mut *conn).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, slug, name, bio)| Person {
                id: PersonId(id),
                slug,
                name,
                bio,
            })
            .collect())
    }

    pub async fn person_by_slug(&self, slug: &str) -> Result<Option<Person>> {
        const SQL: &str = "select id, slug, name, bio from people where slug = $1";
        let row: Option<(i64, String, String, String)> = read!(self, |pool| sqlx::query_as(SQL)
            .bind(slug)
            .fetch_optional(&mut *pool)
            .await)?;
        Ok(row.map(|(id, slug, name, bio)| Person {
            id: PersonId(id),
            slug,
            name,
            bio,
        }))
    }

    /// Changes a byline: name, address of its page, biography (its email,
    /// which readers never see, stays).
    pub async fn update_person(
        &self,
        id: PersonId,
        person: &NewPerson,
        now: Timestamp,
    ) -> Result<()> {
        const UPDATE: &str = "update people set slug = $2, name = $3, bio = $4, updated_at = $5
            where id = $1";
        write_tx!(self, |tx| {
            let updated = sqlx::query(UPDATE)
                .bind(id.0)
                .bind(person.slug.as_str())
                .bind(person.name.as_str())
                .bind(&person.bio)
                .bind(now.as_microsecond())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            logged_one!(tx, updated, Entity::Person, id.0, ChangeKind::Updated, now);
        });
        Ok(())
    }
}
