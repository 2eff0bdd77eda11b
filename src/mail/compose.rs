//! Newsletter messages: an issue, made for one subscriber.
//!
//! Each message has an HTML part and a plain-text part from the theme's
//! templates of the newsletter's look (`mail/issue.html` and
//! `mail/issue.txt` for the standard one), pictures with their alt text that
//! the text still makes sense without, links back to the site, and the
//! headers mailbox providers ask of bulk mail: `List-Unsubscribe` (https and
//! mailto) with `List-Unsubscribe-Post` for one-click unsubscribing (RFC
//! 8058), `List-Id`, a `Date`, and a `Message-ID` that is the same each time
//! the same issue is sent to the same subscriber, so that a message sent
//! again after a crash is recognised as the one already received.

use anyhow::Context;
use dateline_core::{ArticleCard, Figure, article_path};
use dateline_store::{Delivery, Newsletter, NewsletterKind};
use lettre::{
    Message,
    message::{
        MultiPart,
        header::{HeaderName, HeaderValue},
    },
};
use serde::Serialize;

use crate::services::Services;

/// Pictures in mail are shown at most this wide (CSS px).
const PICTURE_WIDTH: u32 = 560;

/// An issue as every message of it shares: read once per issue.
pub struct IssueContent {
    pub issue_id: i64,
    pub newsletter: Newsletter,
    pub subject: String,
    pub cards: Vec<ArticleCard>,
}

impl IssueContent {
    /// The issue `issue_id` with its articles (those still published).
    pub async fn load(app: &Services, issue_id: i64) -> anyhow::Result<Option<Self>> {
        let Some(issue) = app.store.issue(issue_id).await? else {
            return Ok(None);
        };
        let newsletter = app
            .store
            .newsletters()
            .await?
            .into_iter()
            .find(|n| n.id == issue.newsletter_id)
            .with_context(|| format!("newsletter {} of issue {issue_id}", issue.newsletter_id))?;
        let cards = app.store.cards(&issue.articles).await?;
        Ok(Some(Self {
            issue_id,
            newsletter,
            subject: issue.subject,
            cards,
        }))
    }
}

#[derive(Serialize)]
struct MailContext<'a> {
    newsletter: &'a Newsletter,
    subject: &'a str,
    alert: bool,
    stories: Vec<Story<'a>>,
    preferences_url: String,
    unsubscribe_url: String,
}

#[derive(Serialize)]
struct Story<'a> {
    headline: &'a str,
    standfirst: &'a str,
    section: &'a str,
    source: Option<&'a str>,
    url: String,
    published_at: String,
    picture: Option<Picture<'a>>,
}

#[derive(Serialize)]
struct Picture<'a> {
    src: String,
    alt: &'a str,
    width: u32,
    height: u32,
}

/// The message of `content` for `delivery`'s subscriber, or `None` when
/// nothing in it is in the sections they chose.
pub fn issue_message(
    app: &Services,
    content: &IssueContent,
    delivery: &Delivery,
) -> anyhow::Result<Option<Message>> {
    let base = app.config.site.base();
    let stories: Vec<Story> = content
        .cards
        .iter()
        .filter(|c| delivery.sections.is_empty() || delivery.sections.contains(&c.section.slug))
        .map(|c| story(base, c))
        .collect();
    if stories.is_empty() {
        return Ok(None);
    }
    let context = MailContext {
        newsletter: &content.newsletter,
        subject: &content.subject,
        alert: content.newsletter.kind == NewsletterKind::Alert,
        stories,
        preferences_url: format!("{base}/newsletter/preferences/{}", delivery.token),
        unsubscribe_url: unsubscribe_url(base, &delivery.token),
    };
    let stem = content.newsletter.template.file_stem();
    let html = app.templates.render(&format!("{stem}.html"), &context)?;
    let text = app.templates.render(&format!("{stem}.txt"), &context)?;
    let from = app.mailer.from();
    let to = delivery.email.parse().with_context(|| {
        format!(
            "subscriber {}: {:?} is not a mailbox",
            delivery.subscriber_id, delivery.email
        )
    })?;
    let domain = from.email.domain();
    let mailto = app
        .config
        .newsletters
        .unsubscribe_mailto
        .as_deref()
        .unwrap_or(from.email.as_ref());
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&content.subject)
        .message_id(Some(format!(
            "<issue{}.subscriber{}@{domain}>",
            content.issue_id, delivery.subscriber_id
        )))
        .raw_header(header(
            "List-Id",
            format!(
                "{} <{}.{domain}>",
                content.newsletter.name, content.newsletter.slug
            ),
        ))
        .raw_header(header(
            "List-Unsubscribe",
            format!(
                "<{}>, <mailto:{mailto}?subject=unsubscribe%20{}>",
                context.unsubscribe_url, delivery.token
            ),
        ))
        .raw_header(header(
            "List-Unsubscribe-Post",
            "List-Unsubscribe=One-Click".into(),
        ))
        .multipart(MultiPart::alternative_plain_html(text, html))?;
    Ok(Some(message))
}

/// The one-click unsubscribe address of the subscriber with `token`.
pub fn unsubscribe_url(base: &str, token: &str) -> String {
    format!("{base}/newsletter/unsubscribe/{token}")
}

fn header(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}

fn story<'a>(base: &str, card: &'a ArticleCard) -> Story<'a> {
    Story {
        headline: &card.headline,
        standfirst: &card.standfirst,
        section: &card.section.name,
        source: card.source_name.as_deref(),
        url: format!(
            "{base}{}",
            article_path(&card.section.slug, &card.slug, card.id)
        ),
        published_at: card.published_at.to_string(),
        picture: card.image.as_ref().map(|f| picture(base, f)),
    }
}

/// The smallest whole-picture JPEG at least [`PICTURE_WIDTH`] wide (mail
/// readers take JPEG everywhere, WebP not), at its size for that width.
fn picture<'a>(base: &str, figure: &'a Figure) -> Picture<'a> {
    let (src, width, height) = match figure.renditions.as_ref().and_then(|r| {
        r.full
            .iter()
            .find(|r| r.width >= PICTURE_WIDTH)
            .or(r.full.last())
    }) {
        Some(r) => (format!("{base}/img/{}", r.jpeg), r.width, r.height),
        None => (
            format!("{base}/media/{}", figure.path),
            figure.width,
            figure.height,
        ),
    };
    let shown = width.min(PICTURE_WIDTH);
    Picture {
        src,
        alt: &figure.alt,
        width: shown,
        height: (u64::from(height) * u64::from(shown) / u64::from(width.max(1))) as u32,
    }
}
