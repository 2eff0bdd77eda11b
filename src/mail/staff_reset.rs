//! A staff member's password-reset link, mailed by a job so that asking
//! for one answers at once and says the same whether or not the address
//! has an account.

use anyhow::Context;
use jiff::{Timestamp, ToSpan};

use crate::{
    accounts::{new_token, token_hash},
    services::Services,
};

/// How long a reset link works.
pub const LINK_HOURS: i64 = 1;

/// The job that mails a reset link, if the address has an enabled account.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct ResetLink {
    pub email: String,
}

impl dateline_store::JobKind for ResetLink {
    const KIND: &'static str = "staff_password_reset";
    const MAX_ATTEMPTS: i64 = 6;
}

/// Runs a [`ResetLink`] job: makes a link for the account with its
/// address and mails it; nothing for an unknown or disabled one. A mail
/// that cannot be sent fails the job, which is tried again.
pub async fn send_reset_link(app: &Services, job: ResetLink) -> anyhow::Result<()> {
    let email = job.email.as_str();
    let Some(user) = app
        .store
        .credentials(email)
        .await?
        .map(|c| c.user)
        .filter(|u| !u.disabled)
    else {
        return Ok(());
    };
    let token = new_token();
    let now = Timestamp::now();
    let expires_at = now.checked_add(LINK_HOURS.hours())?;
    app.store
        .create_password_reset(&token_hash(&token), user.id, expires_at, now)
        .await?;
    let link = format!("{}/admin/password-reset/{token}", app.config.site.base());
    let text = format!(
        "Hello {},\n\nSomeone (we hope you) asked to reset your password for the {} newsroom.\n\
         To choose a new one, open this link within {LINK_HOURS} hour:\n\n{link}\n\n\
         If you did not ask, ignore this message; your password stays as it is.\n",
        user.name, app.config.site.name
    );
    let subject = format!("Reset your {} newsroom password", app.config.site.name);
    app.mailer
        .send_text(&user.email, &subject, text)
        .await
        .context("cannot send a password-reset mail")?;
    tracing::info!(user = user.id.0, "password-reset link sent");
    Ok(())
}
