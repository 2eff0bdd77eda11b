//! "Use this story": a draft article made from a wire item, with its
//! headline, body (as Markdown for the editor), source, dateline, byline
//! and lead picture; the item's embargo goes onto the article, and whoever
//! publishes it is credited as its editor (`Store::move_article`).

use bytes::Bytes;
use dateline_core::{
    ArticleId, ArticleKind, Body, Headline, Invalid, LeadImage, NewArticle, SectionId, Slug,
    UserId, markdown_from_html,
};
use dateline_store::{WireOrigin, WireRecord};
use jiff::Timestamp;

use crate::{
    media::{self, Upload},
    services::Services,
};

/// The draft `item` becomes in `section` (without its picture: see
/// [`lead_picture`]).
pub fn draft_of(item: &WireRecord, section: SectionId) -> Result<NewArticle, Invalid> {
    let headline = Headline::parse(&item.headline)?;
    Ok(NewArticle {
        slug: Slug::from_title(headline.as_str(), "wire-story"),
        headline,
        standfirst: String::new(),
        body: Body::from_markdown(&markdown_from_html(&item.body_html)),
        section,
        source: Some(item.source_id),
        authors: Vec::new(),
        edited_by: None,
        place: item.dateline.clone(),
        tags: Vec::new(),
        topics: Vec::new(),
        lead_image: None,
        language: item.language.clone(),
        kind: ArticleKind::Standard,
        corpus_label: None,
    })
}

/// The agency's name for the writer, without the "By" agencies put first.
pub fn byline_name(item: &WireRecord) -> Option<String> {
    let byline = item.byline.as_deref()?.trim();
    let name = byline
        .strip_prefix("By ")
        .or_else(|| byline.strip_prefix("by "))
        .unwrap_or(byline)
        .trim();
    (!name.is_empty() && name.chars().count() <= 100).then(|| name.to_owned())
}

/// Makes the draft: the item's first picture fetched into the media
/// library as its lead image when it has a web address (a picture that
/// cannot be fetched is left out, with a warning in the log, rather than
/// holding the story up).
pub async fn use_story(
    app: &Services,
    item: &WireRecord,
    section: SectionId,
    by: UserId,
) -> anyhow::Result<Result<ArticleId, Invalid>> {
    let mut draft = match draft_of(item, section) {
        Ok(draft) => draft,
        Err(invalid) => return Ok(Err(invalid)),
    };
    draft.lead_image = lead_picture(app, item).await;
    let origin = WireOrigin {
        item: item.id,
        embargo_until: item.embargo_until,
        byline: byline_name(item),
    };
    let id = app
        .store
        .create_draft_from_wire(&draft, &origin, by, Timestamp::now())
        .await?;
    Ok(Ok(id))
}

async fn lead_picture(app: &Services, item: &WireRecord) -> Option<LeadImage> {
    let picture = item.pictures.first()?;
    let url = url::Url::parse(&picture.uri)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))?;
    let bytes = match fetch(app, &url).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!(item = item.id, %url, error = format!("{e:#}"), "wire picture not fetched");
            return None;
        }
    };
    let caption = picture.caption.clone().unwrap_or_default();
    let credit = picture.credit.clone().unwrap_or_default();
    let upload = Upload {
        bytes,
        alt: if caption.trim().is_empty() {
            item.headline.clone()
        } else {
            caption.clone()
        },
        caption: caption.clone(),
        credit: credit.clone(),
    };
    match media::upload(app, upload).await {
        Ok((media, _)) => Some(LeadImage {
            media,
            caption: Some(caption).filter(|c| !c.is_empty()),
            credit: Some(credit).filter(|c| !c.is_empty()),
        }),
        Err(e) => {
            tracing::warn!(item = item.id, %url, error = format!("{e:#}"), "wire picture not kept");
            None
        }
    }
}

/// The picture's bytes, up to the media library's upload limit.
async fn fetch(app: &Services, url: &url::Url) -> anyhow::Result<Bytes> {
    let limit = app.config.media.max_upload_bytes;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let response = app
        .wire_http
        .get(url.as_str())?
        .send()
        .await?
        .error_for_status()?;
    Ok(super::read_limited(response, limit).await?.into())
}
