//! Headline tests' rules: what an editor may start, and how a test that
//! has been shown enough is decided — the headline clicked most often per
//! showing becomes the story's (a revision by the system), and the result
//! goes to the audit log.

use dateline_core::{ArticleId, Headline, Invalid, UserId};
use dateline_store::{HeadlineTest, MAX_OTHER_HEADLINES, Store, StoreError};
use jiff::Timestamp;

/// Showings a test may be set to need: enough to mean something, few
/// enough to end on a small site.
pub const VIEWS_NEEDED: std::ops::RangeInclusive<i64> = 100..=1_000_000;

/// Starts a test of `others` (blank lines left out) against the story's
/// headline; the story has to be published, the headlines valid and new,
/// and no other test of it running. Returns how many headlines it shows.
pub async fn start(
    store: &Store,
    article: ArticleId,
    others: &[String],
    views_needed: i64,
    by: UserId,
) -> Result<usize, TestRefused> {
    let card = store.cards(&[article]).await?.pop().ok_or_else(|| {
        Invalid::new(
            "headline_test",
            "only a published story can be tested on the fronts",
        )
    })?;
    let mut headlines = Vec::new();
    for other in others.iter().filter(|o| !o.trim().is_empty()) {
        let headline = Headline::parse(other)?;
        let text = headline.as_str().to_owned();
        if text == card.headline || headlines.contains(&text) {
            return Err(Invalid::new(
                "headline_test",
                format!("{text:?} is already one of the headlines"),
            )
            .into());
        }
        headlines.push(text);
    }
    if headlines.is_empty() || headlines.len() > MAX_OTHER_HEADLINES {
        return Err(Invalid::new("headline_test", "give one or two other headlines").into());
    }
    if !VIEWS_NEEDED.contains(&views_needed) {
        return Err(Invalid::new(
            "views_needed",
            format!(
                "between {} and {} showings",
                VIEWS_NEEDED.start(),
                VIEWS_NEEDED.end()
            ),
        )
        .into());
    }
    store
        .start_headline_test(article, &headlines, views_needed, by, Timestamp::now())
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => TestRefused::Invalid(Invalid::new(
                "headline_test",
                "a test of this story is running: stop it first",
            )),
            other => TestRefused::Store(other),
        })?;
    Ok(headlines.len() + 1)
}

/// Why a test did not start.
#[derive(Debug, thiserror::Error)]
pub enum TestRefused {
    #[error("{}: {}", .0.field, .0.reason)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Decides every running test that has been shown as often as it needs;
/// the tests still running.
pub async fn decide_due(store: &Store) -> Result<Vec<HeadlineTest>, StoreError> {
    let mut running = store.running_headline_tests().await?;
    for test in &running {
        if test.shown() >= test.views_needed {
            decide(store, test).await?;
        }
    }
    running.retain(|t| t.shown() < t.views_needed);
    Ok(running)
}

async fn decide(store: &Store, test: &HeadlineTest) -> Result<(), StoreError> {
    let winner = test.leader();
    let rates: Vec<String> = (0..test.variants())
        .map(|v| {
            let (shown, clicks) = test.counts[v];
            format!(
                "{:?}: {clicks} clicks of {shown} showings ({:.1} %)",
                test.headline(v),
                100.0 * test.rate(v)
            )
        })
        .collect();
    let result = format!(
        "headline test won by {:?}; {}",
        test.headline(winner),
        rates.join("; ")
    );
    // The story's own headline winning changes nothing (not even back to
    // the test's start, if an editor has changed it since).
    let adopt = (winner > 0).then(|| test.headline(winner));
    let decided = store
        .decide_headline_test(test.article, winner, adopt, &result, Timestamp::now())
        .await?;
    if decided {
        tracing::info!(article = test.article.0, winner, "headline test decided");
    }
    Ok(())
}
