//! Headline tests on the fronts (`dateline_store::headline_tests`).
//!
//! A front that shows tested stories has several versions, cached apart:
//! as many as it takes for each tested story to show each of its headlines
//! equally often (tests of 2 and of 3 headlines: 2, 3 or 6 versions). The
//! page cache hands them out at random and renders version `n` inside
//! [`rendering`]; a tested story shows its headline number `n % headlines`.
//! No reader is told apart: the version depends on nothing about them.
//! The card says which headline it showed (`data-headline-test`), and
//! `reader.js` reports the showing and any click on it.

use std::{collections::HashMap, future::Future};

use dateline_core::ArticleCard;

use crate::web::{App, Result};

/// The most versions a front has (tests of 2 and of 3 headlines on it).
pub const MOST_VARIANTS: u8 = 6;

tokio::task_local! {
    /// Which version of a page the current render makes.
    static VARIANT: u8;
}

/// Runs `render` as the render of version `variant` of its page.
pub async fn rendering<F: Future>(variant: u8, render: F) -> F::Output {
    VARIANT.scope(variant, render).await
}

/// Which headline each tested card shows (by the story's id, as the
/// templates look it up), and how many versions the page has.
#[derive(Debug, serde::Serialize)]
pub struct Tested {
    pub shown: HashMap<String, usize>,
    #[serde(skip)]
    pub variants: u8,
}

impl Default for Tested {
    fn default() -> Self {
        Self {
            shown: HashMap::new(),
            variants: 1,
        }
    }
}

/// Puts the headline this version of the page shows on each tested card.
pub async fn apply<'a>(
    app: &App,
    cards: impl IntoIterator<Item = &'a mut ArticleCard>,
) -> Result<Tested> {
    let tests = app.store.running_headline_tests().await?;
    let mut tested = Tested::default();
    if tests.is_empty() {
        return Ok(tested);
    }
    let variant = usize::from(VARIANT.try_with(|v| *v).unwrap_or(0));
    for card in cards {
        let Some(test) = tests.iter().find(|t| t.article == card.id) else {
            continue;
        };
        let headlines = test.variants();
        let shown = variant % headlines;
        if shown > 0 {
            card.headline.clone_from(&test.others[shown - 1]);
        }
        tested.shown.insert(card.id.0.to_string(), shown);
        tested.variants = lcm(tested.variants, headlines as u8);
    }
    Ok(tested)
}

fn lcm(a: u8, b: u8) -> u8 {
    let gcd = |mut a: u8, mut b: u8| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    a / gcd(a, b) * b
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_cover_every_mix_of_headlines() {
        assert_eq!(super::lcm(1, 2), 2);
        assert_eq!(super::lcm(2, 3), 6);
        assert_eq!(super::lcm(6, 3), 6);
        assert_eq!(super::lcm(3, 3), 3);
    }
}
