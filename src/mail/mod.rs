//! Sending mail over SMTP (lettre, a pooled connection): the one way out
//! for password resets now, newsletters later.

use anyhow::Context;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};

use crate::config::MailConfig;

pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(config: &MailConfig) -> anyhow::Result<Self> {
        let from = config
            .from
            .parse()
            .with_context(|| format!("mail.from {:?} is not a mailbox", config.from))?;
        let transport = config
            .smtp_url
            .as_deref()
            .map(|url| {
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map(|builder| builder.build())
                    .with_context(|| {
                        format!(
                            "mail.smtp_url {} is not an SMTP URL",
                            dateline_store::redact(url)
                        )
                    })
            })
            .transpose()?;
        Ok(Self { transport, from })
    }

    /// Whether mail can be sent at all (an SMTP server is configured).
    pub fn is_configured(&self) -> bool {
        self.transport.is_some()
    }

    /// Sends a plain-text message with a `Date` and a `Message-ID`.
    pub async fn send_text(&self, to: &str, subject: &str, text: String) -> anyhow::Result<()> {
        let transport = self
            .transport
            .as_ref()
            .context("no SMTP server is configured (mail.smtp_url)")?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to
                .parse()
                .with_context(|| format!("{to:?} is not a mailbox"))?)
            .subject(subject)
            // A fresh `<random@hostname>`; lettre adds only `Date` by itself.
            .message_id(None)
            .header(ContentType::TEXT_PLAIN)
            .body(text)?;
        transport.send(message).await.context("SMTP")?;
        Ok(())
    }
}
