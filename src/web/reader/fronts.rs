//! Fronts as editors arrange them (`dateline_store::fronts`): each slot
//! shows its pinned story while the pin holds and the story is published;
//! an empty slot, and every place after the slots, takes the newest story
//! not pinned.

use dateline_core::ArticleCard;
use dateline_store::{Front, FrontRevision};
use jiff::Timestamp;

use crate::web::{App, Result};

/// The front's slots in order: the pinned story's card, or `None` where
/// the pin has ended or the story is no longer published (its card key
/// purges the page when it goes).
pub async fn slots(app: &App, front: Front) -> Result<Vec<Option<ArticleCard>>> {
    slots_of(app, app.store.front(front).await?.as_ref()).await
}

/// [`slots`] of an arrangement already read.
pub async fn slots_of(
    app: &App,
    arrangement: Option<&FrontRevision>,
) -> Result<Vec<Option<ArticleCard>>> {
    let Some(arrangement) = arrangement else {
        return Ok(Vec::new());
    };
    let now = Timestamp::now();
    let held: Vec<_> = arrangement
        .slots
        .iter()
        .filter(|slot| slot.holds_at(now))
        .map(|slot| slot.article)
        .collect();
    let mut cards = app.store.cards(&held).await?;
    Ok(arrangement
        .slots
        .iter()
        .map(|slot| {
            let at = cards.iter().position(|c| c.id == slot.article)?;
            slot.holds_at(now).then(|| cards.swap_remove(at))
        })
        .collect())
}

/// The stories a front shows, `total` at least, each with whether it is
/// pinned: `slots` filled from `newest` (less the pinned), then the rest
/// of `newest`.
pub fn arrange(
    slots: Vec<Option<ArticleCard>>,
    newest: Vec<ArticleCard>,
    total: usize,
) -> Vec<(ArticleCard, bool)> {
    let pinned: Vec<_> = slots.iter().flatten().map(|c| c.id).collect();
    let mut rest = newest.into_iter().filter(|c| !pinned.contains(&c.id));
    let mut shown: Vec<(ArticleCard, bool)> = slots
        .into_iter()
        .filter_map(|slot| match slot {
            Some(card) => Some((card, true)),
            None => rest.next().map(|card| (card, false)),
        })
        .collect();
    while shown.len() < total {
        match rest.next() {
            Some(card) => shown.push((card, false)),
            None => break,
        }
    }
    shown
}
