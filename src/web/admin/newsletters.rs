//! `/admin/newsletters`: subscriber counts per newsletter and state, the
//! last issues with how their deliveries went, "send now", breaking alerts,
//! the subscriber export (admins), and newsletter definitions (admins).

use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use dateline_core::{Action, ArticleId, Invalid, Slug, Text};
use dateline_store::{
    IssueSummary, NewNewsletter, Newsletter, NewsletterKind, NewsletterTemplate, SubscriberCounts,
};
use serde::{Deserialize, Serialize};

use super::{
    confirm::{self, Ask, Confirmation},
    session::{AdminForm, Staff, StaffView, admin_page, private, see_other},
};
use crate::{
    web::{App, AppState},
    web::{AppError, Result},
};

/// The most issues the page lists.
const ISSUES_SHOWN: i64 = 30;
const MAX_STORIES: i64 = 50;

#[derive(Serialize)]
struct NewslettersPage {
    staff: StaffView,
    newsletters: Vec<Row>,
    issues: Vec<IssueSummary>,
    sections: Vec<dateline_core::Section>,
    templates: Vec<TemplateChoice>,
    can_define: bool,
    can_export: bool,
    notice: Option<String>,
    errors: Vec<String>,
}

#[derive(Serialize)]
struct TemplateChoice {
    name: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct Row {
    newsletter: Newsletter,
    counts: SubscriberCounts,
}

/// `GET /admin/newsletters`.
pub async fn show_newsletters(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::SendNewsletters)?;
    page(&app, &staff, StatusCode::OK, None, Vec::new()).await
}

async fn page(
    app: &AppState,
    staff: &Staff,
    status: StatusCode,
    notice: Option<String>,
    errors: Vec<String>,
) -> Result<Response> {
    let counts = app.store.subscriber_counts().await?;
    let newsletters = app
        .store
        .newsletters()
        .await?
        .into_iter()
        .map(|newsletter| Row {
            counts: counts
                .iter()
                .find(|c| c.newsletter_id == newsletter.id)
                .cloned()
                .unwrap_or_default(),
            newsletter,
        })
        .collect();
    let page = NewslettersPage {
        staff: staff.view(),
        newsletters,
        issues: app.store.issue_summaries(ISSUES_SHOWN).await?,
        sections: app.store.sections().await?,
        templates: NewsletterTemplate::ALL
            .into_iter()
            .map(|t| TemplateChoice {
                name: t.as_str(),
                label: t.label(),
            })
            .collect(),
        can_define: staff.allows(Action::ManageSite),
        can_export: staff.allows(Action::ExportSubscribers),
        notice,
        errors,
    };
    admin_page(app, "admin/newsletters.html", status, page)
}

#[derive(Deserialize)]
pub struct NewsletterForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    send_time: String,
    #[serde(default)]
    max_stories: String,
    #[serde(default)]
    by_default: Option<String>,
    #[serde(default)]
    template: String,
    #[serde(default)]
    section: Vec<i64>,
}

/// `POST /admin/newsletters`: defines a newsletter, or redefines the one
/// with that slug.
pub async fn save_newsletter(
    State(app): State<AppState>,
    AdminForm { staff, form }: AdminForm<NewsletterForm>,
) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    let sections = app.store.sections().await?;
    match checked(&form, &sections) {
        Ok(new) => {
            app.store
                .save_newsletter(&new, jiff::Timestamp::now())
                .await?;
            Ok(see_other("/admin/newsletters"))
        }
        Err(errors) => {
            let errors = errors
                .into_iter()
                .map(|e| format!("{}: {}", e.field, e.reason))
                .collect();
            page(&app, &staff, StatusCode::UNPROCESSABLE_ENTITY, None, errors).await
        }
    }
}

fn checked(
    form: &NewsletterForm,
    sections: &[dateline_core::Section],
) -> std::result::Result<NewNewsletter, Vec<Invalid>> {
    let mut errors = Vec::new();
    let slug = Slug::parse(form.slug.trim())
        .map_err(|e| errors.push(e))
        .ok();
    // The name goes into mail headers (`List-Id`, subjects): one line.
    let name = Text::parse("name", &form.name, 100)
        .map_err(|e| errors.push(e))
        .ok()
        .filter(|n| {
            let plain = !n.as_str().chars().any(char::is_control);
            if !plain {
                errors.push(Invalid::new("name", "must be one line of text"));
            }
            plain
        });
    let description = form.description.trim();
    if description.chars().count() > 300 || description.chars().any(char::is_control) {
        errors.push(Invalid::new(
            "description",
            "must be one line of at most 300 characters",
        ));
    }
    let kind = match form.kind.as_str() {
        "digest" => Some(NewsletterKind::Digest),
        "alert" => Some(NewsletterKind::Alert),
        _ => {
            errors.push(Invalid::new("kind", "must be a digest or an alert"));
            None
        }
    };
    let send_time = match (kind, form.send_time.trim()) {
        (Some(NewsletterKind::Digest), at) => match at.parse::<jiff::civil::Time>() {
            Ok(t) => Some(t.strftime("%H:%M").to_string()),
            Err(_) => {
                errors.push(Invalid::new(
                    "send_time",
                    "a digest needs a time of day, HH:MM",
                ));
                None
            }
        },
        _ => None,
    };
    let max_stories = match form.max_stories.trim().parse::<i64>() {
        Ok(n) if (1..=MAX_STORIES).contains(&n) => n,
        _ => {
            errors.push(Invalid::new(
                "max_stories",
                format!("must be a number from 1 to {MAX_STORIES}"),
            ));
            0
        }
    };
    let template = NewsletterTemplate::parse(&form.template).or_else(|| {
        errors.push(Invalid::new("template", "must be one of the looks offered"));
        None
    });
    if let Some(unknown) = form
        .section
        .iter()
        .find(|id| !sections.iter().any(|s| s.id.0 == **id))
    {
        errors.push(Invalid::new(
            "section",
            format!("{unknown} is not a section"),
        ));
    }
    match (slug, name, kind, template, errors.is_empty()) {
        (Some(slug), Some(name), Some(kind), Some(template), true) => Ok(NewNewsletter {
            slug: slug.as_str().to_owned(),
            name: name.as_str().to_owned(),
            description: description.to_owned(),
            kind,
            send_time,
            max_stories,
            by_default: form.by_default.is_some(),
            template,
            section_ids: form.section.clone(),
        }),
        _ => Err(errors),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

/// The digest `id`, for sending by hand.
async fn digest(app: &App, id: i64) -> Result<Newsletter> {
    app.store
        .newsletters()
        .await?
        .into_iter()
        .find(|n| n.id == id && n.kind == NewsletterKind::Digest)
        .ok_or(AppError::NotFound)
}

fn ask_send_now(
    app: &App,
    staff: &Staff,
    newsletter: &Newsletter,
    notice: Option<String>,
) -> Result<Response> {
    confirm::ask(
        app,
        staff,
        Ask {
            title: "Send this issue now?",
            message: format!(
                "{} goes out now to every confirmed subscriber, with what was published since its last issue. It cannot be called back.",
                newsletter.name
            ),
            action: format!("/admin/newsletters/{}/send", newsletter.id),
            button: "Send to every subscriber",
            test_action: Some(format!("/admin/newsletters/{}/test", newsletter.id)),
            back: "/admin/newsletters".into(),
            notice,
        },
    )
}

/// `POST /admin/newsletters/{id}/send`: an issue of a digest now, with
/// what was published since its last one, once confirmed.
pub async fn send_now(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<Confirmation>,
) -> Result<Response> {
    staff.require(Action::SendNewsletters)?;
    let newsletter = digest(&app, id).await?;
    if !form.given() {
        return ask_send_now(&app, &staff, &newsletter, None);
    }
    let notice = match crate::mail::digest::send_digest_now(&app, &newsletter).await? {
        Some(made) => format!(
            "{}: sent to {} subscribers.",
            newsletter.name,
            crate::theme::grouped(made.deliveries)
        ),
        None => format!(
            "{}: nothing was published since its last issue, so nothing was sent.",
            newsletter.name
        ),
    };
    page(&app, &staff, StatusCode::OK, Some(notice), Vec::new()).await
}

/// `POST /admin/newsletters/{id}/test`: the issue "Send now" would make,
/// to the staff member alone; then the question again.
pub async fn send_now_test(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, .. }: AdminForm<Empty>,
) -> Result<Response> {
    staff.require(Action::SendNewsletters)?;
    let newsletter = digest(&app, id).await?;
    let sent = crate::mail::digest::send_digest_test(&app, &newsletter, &staff.user.email).await;
    let notice = test_notice(
        &staff,
        sent,
        "Nothing was published since the last issue: there is nothing to test.",
    );
    ask_send_now(&app, &staff, &newsletter, Some(notice))
}

/// The published article `id`, for an alert.
async fn alert_article(app: &App, id: i64) -> Result<dateline_core::Article> {
    let article = app
        .store
        .article(ArticleId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    if article.status != dateline_core::ArticleStatus::Published {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Cannot do that",
            "Only a published article can be sent as an alert.",
        ));
    }
    Ok(article)
}

fn ask_alert(
    app: &App,
    staff: &Staff,
    article: &dateline_core::Article,
    notice: Option<String>,
) -> Result<Response> {
    confirm::ask(
        app,
        staff,
        Ask {
            title: "Send this breaking alert?",
            message: format!(
                "“{}” goes out now to every subscriber of a breaking-news newsletter that carries {}. It cannot be called back.",
                article.headline, article.section.name
            ),
            action: format!("/admin/articles/{}/alert", article.id),
            button: "Send the alert",
            test_action: Some(format!("/admin/articles/{}/alert/test", article.id)),
            back: format!("/admin/articles/{}", article.id),
            notice,
        },
    )
}

/// `POST /admin/articles/{id}/alert`: the article as a breaking alert,
/// once confirmed.
pub async fn send_alert(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, form }: AdminForm<Confirmation>,
) -> Result<Response> {
    staff.require(Action::SendNewsletters)?;
    let article = alert_article(&app, id).await?;
    if !form.given() {
        return ask_alert(&app, &staff, &article, None);
    }
    let made = crate::mail::digest::send_alert(&app, ArticleId(id)).await?;
    let sent: u64 = made.iter().map(|m| m.deliveries).sum();
    let notice = if made.is_empty() {
        "No breaking-news newsletter carries this section, or this story was already sent."
            .to_owned()
    } else {
        format!(
            "The alert was sent to {} subscribers.",
            crate::theme::grouped(sent)
        )
    };
    page(&app, &staff, StatusCode::OK, Some(notice), Vec::new()).await
}

/// `POST /admin/articles/{id}/alert/test`: the alert to the staff member
/// alone; then the question again.
pub async fn send_alert_test(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, .. }: AdminForm<Empty>,
) -> Result<Response> {
    staff.require(Action::SendNewsletters)?;
    let article = alert_article(&app, id).await?;
    let sent = crate::mail::digest::send_alert_test(&app, article.id, &staff.user.email).await;
    let notice = test_notice(
        &staff,
        sent,
        "No breaking-news newsletter carries this section.",
    );
    ask_alert(&app, &staff, &article, Some(notice))
}

/// What the confirmation page says after a test: sent, `nothing` (there
/// was nothing to send), or that the mail server did not take it.
fn test_notice(staff: &Staff, sent: anyhow::Result<bool>, nothing: &str) -> String {
    match sent {
        Ok(true) => format!("A test is on its way to {}.", staff.user.email),
        Ok(false) => nothing.to_owned(),
        Err(e) => {
            tracing::warn!(error = format!("{e:#}"), "cannot send a test mailing");
            "The test could not be sent just now; the mail server did not take it.".to_owned()
        }
    }
}

/// `GET /admin/newsletters/subscribers.csv`: every subscriber. Admins only:
/// it is personal data.
pub async fn export_subscribers(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::ExportSubscribers)?;
    let rows = app.store.export_subscribers().await?;
    let mut csv = String::from("email,state,created_at,confirmed_at,newsletters\r\n");
    for row in rows {
        let fields = [
            row.email,
            row.state.as_str().to_owned(),
            row.created_at.to_string(),
            row.confirmed_at.map(|t| t.to_string()).unwrap_or_default(),
            row.newsletters,
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        csv.push_str(&line.join(","));
        csv.push_str("\r\n");
    }
    let mut response = csv.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"subscribers.csv\""),
    );
    Ok(private(response))
}

/// One CSV field (RFC 4180), defused for spreadsheets: a field that starts
/// like a formula gets a leading apostrophe.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("reader@example.org"), "reader@example.org");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-1+2"), "'-1+2");
    }
}
