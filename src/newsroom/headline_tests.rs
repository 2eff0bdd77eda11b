//! Headline tests' rules: what an editor may start, and how a test that
//! has been shown enough is decided — the headline clicked most often per
//! showing becomes the story's (a revision by the system), and the result
//! goes to the audit log.

use dateline_core::{ArticleId, Body, Headline, Invalid, UserId};
use dateline_store::{ArticleText, HeadlineTest, MAX_OTHER_HEADLINES, Store, StoreError};
use jiff::Timestamp;

/// Showings a test may be set to need: enough to mean something, few
/// enough to end on a small site.
pub const VIEWS_NEEDED: std::ops::RangeInclusive<i64> = 100..=1_000_000;

/// Starts a test of `others` (blank lines left out) against the story's
/// headline; the story has to be published, the headlines valid and new.
pub async fn start(
    store: &Store,
    article: ArticleId,
    others: &[String],
    views_needed: i64,
    by: UserId,
) -> Result<(), TestRefused> {
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
        return Err(Invalid::new(
            "headline_test",
            format!("give one or {MAX_OTHER_HEADLINES} other headlines"),
        )
        .into());
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
        .await?;
    Ok(())
}

/// Why a test did not start.
#[derive(Debug, thiserror::Error)]
pub enum TestRefused {
    #[error("{}: {}", .0.field, .0.reason)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Decides every running test that has been shown as often as it needs.
pub async fn decide_due(store: &Store) -> Result<(), StoreError> {
    for test in store.running_headline_tests().await? {
        if test.shown() >= test.views_needed {
            decide(store, &test).await?;
        }
    }
    Ok(())
}

async fn decide(store: &Store, test: &HeadlineTest) -> Result<(), StoreError> {
    let now = Timestamp::now();
    let winner = test.leader();
    let Some(current) = store.latest_revision(test.article).await? else {
        return Ok(());
    };
    let headline_of = |variant: i64| match variant {
        0 => current.headline.clone(),
        n => test.others[(n - 1) as usize].clone(),
    };
    let rates: Vec<String> = test
        .counts
        .iter()
        .enumerate()
        .map(|(variant, (shown, clicks))| {
            let percent = if *shown == 0 {
                0.0
            } else {
                100.0 * *clicks as f64 / *shown as f64
            };
            format!(
                "{:?}: {clicks} clicks of {shown} showings ({percent:.1} %)",
                headline_of(variant as i64)
            )
        })
        .collect();
    let result = format!(
        "headline test won by {:?}; {}",
        headline_of(winner),
        rates.join("; ")
    );
    // Decided once, whichever node gets here first; only that one adopts.
    if !store
        .decide_headline_test(test.article, winner, &result, now)
        .await?
    {
        return Ok(());
    }
    if winner > 0 {
        let text = ArticleText {
            headline: Headline::parse(&headline_of(winner))
                .map_err(|e| StoreError::Corrupt(format!("tested headline: {}", e.reason)))?,
            standfirst: current.standfirst,
            body: Body::from_markdown(&current.body_markdown),
        };
        store.revise_article(test.article, &text, now).await?;
    }
    tracing::info!(article = test.article.0, winner, "headline test decided");
    Ok(())
}
