//! Sending mail over SMTP: pooled connections (see [`smtp`]) and the one
//! sender address.

pub mod smtp;

use anyhow::Context;
use lettre::{
    Message,
    message::{Mailbox, header::ContentType},
};

use crate::config::{MailConfig, NewslettersConfig};

pub struct Mailer {
    pool: Option<smtp::Pool>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(config: &MailConfig, newsletters: &NewslettersConfig) -> anyhow::Result<Self> {
        let from = config
            .from
            .parse()
            .with_context(|| format!("mail.from {:?} is not a mailbox", config.from))?;
        let pool = config
            .smtp_url
            .as_deref()
            .map(|url| {
                let server = smtp::Server::from_url(url).with_context(|| {
                    format!(
                        "mail.smtp_url {} is not an SMTP URL",
                        dateline_store::redact(url)
                    )
                })?;
                // Connections are kept and reused: a newsletter sends
                // thousands of messages over a few of them.
                smtp::Pool::builder(smtp::Connections(server))
                    .max_size(newsletters.connections as usize)
                    .runtime(deadpool::Runtime::Tokio1)
                    .build()
                    .context("the SMTP connection pool")
            })
            .transpose()?;
        Ok(Self { pool, from })
    }

    /// Whether mail can be sent at all (an SMTP server is configured).
    pub fn is_configured(&self) -> bool {
        self.pool.is_some()
    }

    /// The sender of every message.
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// Sends a plain-text message with a `Date` and a `Message-ID`.
    pub async fn send_text(&self, to: &str, subject: &str, text: String) -> anyhow::Result<()> {
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
        self.send(message).await
    }

    /// Sends a message made elsewhere, over a pooled connection (one that
    /// failed is marked broken by lettre and not reused).
    pub async fn send(&self, message: Message) -> anyhow::Result<()> {
        let sent = self.send_pooled(message).await;
        match sent {
            Ok(()) => metrics::counter!("dateline_mail_sent_total").increment(1),
            Err(_) => metrics::counter!("dateline_mail_failed_total").increment(1),
        }
        sent
    }

    async fn send_pooled(&self, message: Message) -> anyhow::Result<()> {
        let pool = self
            .pool
            .as_ref()
            .context("no SMTP server is configured (mail.smtp_url)")?;
        let mut conn = pool.get().await.context("SMTP")?;
        conn.send(message.envelope(), &message.formatted())
            .await
            .context("SMTP")?;
        Ok(())
    }
}
