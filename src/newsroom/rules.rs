//! Who may do what to an article. The roles' table is
//! [`dateline_core::allows`]; what is written here once is how an article's
//! state and the actor's relation to it become the [`Action`] asked about.

use dateline_core::{Action, ArticleId, ArticleStatus, Ownership, Role, UserId};
use dateline_store::{Editorial, Store, StoreError};

/// Someone acting on the newsroom: a signed-in staff member or an API
/// token's owner. Each door refuses in its own shape (an HTML page, a JSON
/// error), so the refusal is the actor's type.
pub trait Actor {
    type Refusal: From<NoSuchArticle> + From<StoreError>;
    fn user_id(&self) -> UserId;
    /// Whether `action` is allowed (for what a page offers).
    fn allows(&self, action: Action) -> bool;
    /// `Ok` if `action` is allowed, else the refusal (403).
    fn require(&self, action: Action) -> Result<(), Self::Refusal>;
}

/// The article asked for does not exist (404).
#[derive(Debug, Clone, Copy)]
pub struct NoSuchArticle;

/// Whether `actor` wrote the article (roles may treat their own articles
/// and others' differently).
pub fn ownership(actor: &impl Actor, state: &Editorial) -> Ownership {
    if state.created_by == Some(actor.user_id()) {
        Ownership::Own
    } else {
        Ownership::Others
    }
}

/// What makes a reviewer: publishing others' work. Reviewers see the
/// review queue (its count on every page, live on the dashboard) and are
/// mailed when stories are submitted.
pub const REVIEW: Action = Action::MoveArticle(Ownership::Others, ArticleStatus::Published);

/// Whether `role` curates: files articles in topics (curated series) and
/// makes new bylines while editing (as anyone makes new tags). The role
/// alone decides: filing is part of writing the article, so an API token
/// whose scopes cover writing covers it, whatever its other scopes.
pub fn curates(role: Role) -> bool {
    dateline_core::allows(role, Action::ManageTaxonomy)
}

/// The article's workflow state, whoever asks; `E` is the asking door's
/// error (`article_state::<A::Refusal>`).
pub async fn article_state<E>(store: &Store, id: ArticleId) -> Result<Editorial, E>
where
    E: From<NoSuchArticle> + From<StoreError>,
{
    Ok(store.editorial(id).await?.ok_or(NoSuchArticle)?)
}

/// The article's state, if `actor` may edit it as it stands.
pub async fn editable<A: Actor>(
    store: &Store,
    actor: &A,
    id: ArticleId,
) -> Result<Editorial, A::Refusal> {
    let state = article_state::<A::Refusal>(store, id).await?;
    actor.require(Action::EditArticle(ownership(actor, &state), state.status))?;
    Ok(state)
}

/// The article's state, if `actor` may move it to `next`.
pub async fn movable<A: Actor>(
    store: &Store,
    actor: &A,
    id: ArticleId,
    next: ArticleStatus,
) -> Result<Editorial, A::Refusal> {
    let state = article_state::<A::Refusal>(store, id).await?;
    actor.require(Action::MoveArticle(ownership(actor, &state), next))?;
    Ok(state)
}
