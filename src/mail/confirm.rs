//! Double opt-in: the confirmation message a new subscriber gets, sent by
//! a job so that signing up never waits on the SMTP server. A sign-up of
//! an address already confirmed mails its owner a link to their
//! preferences instead, changing nothing.

use dateline_store::{ConfirmSubscription, SubscriberState};
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

use crate::{
    accounts::{new_token, token_hash},
    services::Services,
};

/// How long a confirmation link works.
const LINK_DAYS: i64 = 7;

#[derive(Serialize)]
struct PreferencesMail<'a> {
    url: &'a str,
}

#[derive(Serialize)]
struct ConfirmMail<'a> {
    url: &'a str,
    days: i64,
    newsletters: Vec<&'a str>,
}

/// Mails the subscriber named in the job's payload a fresh link if they are
/// waiting to confirm (run twice, it sends two links that both work), or
/// their preferences link if they are confirmed.
pub async fn send(app: &Services, p: ConfirmSubscription) -> anyhow::Result<()> {
    let Some(subscriber) = app.store.subscriber(p.subscriber).await? else {
        return Ok(());
    };
    match subscriber.state {
        SubscriberState::Pending => {}
        SubscriberState::Confirmed => {
            let url = format!(
                "{}/newsletter/preferences/{}",
                app.config.site.base(),
                subscriber.token
            );
            let text = app
                .templates
                .render("mail/subscribed.txt", PreferencesMail { url: &url })?;
            let subject = format!("Your newsletters from {}", app.config.site.name);
            return app
                .mailer
                .send_text(&subscriber.email, &subject, text)
                .await;
        }
        SubscriberState::Unsubscribed => return Ok(()),
    }
    let token = new_token();
    let expires = Timestamp::now().checked_add((LINK_DAYS * 24).hours())?;
    app.store
        .add_confirmation(subscriber.id, &token_hash(&token), expires)
        .await?;
    let newsletters = app.store.newsletters().await?;
    let url = format!("{}/newsletter/confirm/{token}", app.config.site.base());
    let text = app.templates.render(
        "mail/confirm.txt",
        ConfirmMail {
            url: &url,
            days: LINK_DAYS,
            newsletters: newsletters
                .iter()
                .filter(|n| subscriber.newsletters.contains(&n.id))
                .map(|n| n.name.as_str())
                .collect(),
        },
    )?;
    let subject = format!("Confirm your subscription to {}", app.config.site.name);
    app.mailer
        .send_text(&subscriber.email, &subject, text)
        .await
}
