//! Mail: sending over SMTP (lettre, pooled connections), newsletter
//! composition and the sender that works through an issue's deliveries.

pub mod compose;
pub mod confirm;
pub mod digest;
pub mod sender;

use anyhow::Context;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
    transport::smtp::PoolConfig,
};

use crate::config::{MailConfig, NewslettersConfig};

pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(config: &MailConfig, newsletters: &NewslettersConfig) -> anyhow::Result<Self> {
        let from = config
            .from
            .parse()
            .with_context(|| format!("mail.from {:?} is not a mailbox", config.from))?;
        let transport = config
            .smtp_url
            .as_deref()
            .map(|url| {
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map(|builder| {
                        // Connections are kept and reused: a newsletter
                        // sends thousands of messages over a few of them.
                        builder
                            .pool_config(PoolConfig::new().max_size(newsletters.connections))
                            .build()
                    })
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

    /// Sends a message made elsewhere.
    pub async fn send(&self, message: Message) -> anyhow::Result<()> {
        let transport = self
            .transport
            .as_ref()
            .context("no SMTP server is configured (mail.smtp_url)")?;
        transport.send(message).await.context("SMTP")?;
        Ok(())
    }
}
