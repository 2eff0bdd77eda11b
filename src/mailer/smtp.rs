//! SMTP connections: lettre's client over sockets we open, kept in a pool.
//!
//! Not lettre's own transport, for two reasons measured on a newsletter
//! send. Its sockets keep Nagle's algorithm on, and it writes a message's
//! body and the final `.` separately: the `.` waits for the server's
//! delayed ACK, some 40 ms per message (89 messages/s over 4 connections).
//! And its pool sends a `NOOP` before every message. Ours turn Nagle off
//! and test a connection only after it has been idle a while.
//!
//! The URL grammar is lettre's: `smtp://host:25` (unencrypted),
//! `smtp://host:587?tls=required` (STARTTLS, or fail),
//! `smtp://host:587?tls=opportunistic` (STARTTLS when offered),
//! `smtps://host:465` (TLS from the first byte); `user:password@` in the
//! URL (percent-encoded) to authenticate; a path names the client in `EHLO`.

use std::time::Duration;

use anyhow::{Context, bail};
use deadpool::managed::{Metrics, RecycleError, RecycleResult};
use lettre::transport::smtp::{
    Error as SmtpError,
    authentication::{Credentials, DEFAULT_MECHANISMS},
    client::{AsyncSmtpConnection, TlsParameters},
    extension::ClientId,
};

/// How long connecting (and the server's greeting) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// A connection idle this long is tested (`NOOP`) before it is used again:
/// servers close idle ones, typically after a few minutes.
const TEST_AFTER_IDLE: Duration = Duration::from_secs(30);

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    None,
    StartTls { required: bool },
    Tls,
}

/// An SMTP server, as `mail.smtp_url` names it.
#[derive(Debug, Clone)]
pub struct Server {
    host: String,
    port: u16,
    security: Security,
    hello: ClientId,
    credentials: Option<Credentials>,
}

impl Server {
    pub fn from_url(text: &str) -> anyhow::Result<Self> {
        let url = url::Url::parse(text).context("not a URL")?;
        let host = url.host_str().context("no host")?.to_owned();
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let (security, default_port) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => (Security::None, 25),
            ("smtp", Some("required")) => (Security::StartTls { required: true }, 587),
            ("smtp", Some("opportunistic")) => (Security::StartTls { required: false }, 587),
            ("smtps", None) => (Security::Tls, 465),
            (scheme, tls) => bail!(
                "scheme {scheme:?} with tls={tls:?}: use smtp:// (tls=required or \
                 tls=opportunistic for STARTTLS) or smtps://"
            ),
        };
        let hello = match url.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_owned()),
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|s| s.into_owned())
                .context("the user or password is not UTF-8 once decoded")
        };
        let credentials = match url.password() {
            Some(password) => Some(Credentials::new(decode(url.username())?, decode(password)?)),
            None => None,
        };
        Ok(Self {
            port: url.port().unwrap_or(default_port),
            host,
            security,
            hello,
            credentials,
        })
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, ConnectError> {
        let tls = || TlsParameters::new(self.host.clone());
        let mut conn = if self.security == Security::Tls {
            // TLS from the first byte is lettre's socket (Nagle on: the
            // body and its `.` still cross as two TLS records, each sent
            // at once only when no ACK is outstanding). For bulk sending,
            // prefer STARTTLS.
            AsyncSmtpConnection::connect_tokio1(
                (self.host.as_str(), self.port),
                Some(CONNECT_TIMEOUT),
                &self.hello,
                Some(tls()?),
                None,
            )
            .await?
        } else {
            let stream = tokio::time::timeout(
                CONNECT_TIMEOUT,
                tokio::net::TcpStream::connect((self.host.as_str(), self.port)),
            )
            .await
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))??;
            stream.set_nodelay(true)?;
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello).await?
        };
        match self.security {
            Security::StartTls { required } if required || conn.can_starttls() => {
                conn.starttls(tls()?, &self.hello).await?;
            }
            _ => {}
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, credentials).await?;
        }
        Ok(conn)
    }
}

/// Why a connection could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot connect to the SMTP server")]
    Network(#[from] std::io::Error),
    #[error("the SMTP server refused the connection")]
    Smtp(#[from] SmtpError),
}

/// Makes and recycles the pool's connections.
pub struct Connections(pub Server);

impl deadpool::managed::Manager for Connections {
    type Type = AsyncSmtpConnection;
    type Error = ConnectError;

    async fn create(&self) -> Result<Self::Type, Self::Error> {
        self.0.connect().await
    }

    async fn recycle(
        &self,
        conn: &mut Self::Type,
        metrics: &Metrics,
    ) -> RecycleResult<Self::Error> {
        if conn.has_broken() {
            return Err(RecycleError::message("the connection broke"));
        }
        if metrics.last_used() > TEST_AFTER_IDLE && !conn.test_connected().await {
            return Err(RecycleError::message("the server closed the connection"));
        }
        Ok(())
    }
}

pub type Pool = deadpool::managed::Pool<Connections>;

#[cfg(test)]
mod tests {
    use super::{Security, Server};

    #[test]
    fn urls_name_the_security_port_and_credentials() {
        let plain = Server::from_url("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((plain.security, plain.port), (Security::None, 2525));
        assert!(plain.credentials.is_none());
        let starttls =
            Server::from_url("smtp://u%40x:p%3Aw@mail.example.org?tls=required").unwrap();
        assert_eq!(
            (starttls.security, starttls.port),
            (Security::StartTls { required: true }, 587)
        );
        assert!(starttls.credentials.is_some());
        let tls = Server::from_url("smtps://mail.example.org/client.example.org").unwrap();
        assert_eq!((tls.security, tls.port), (Security::Tls, 465));
        assert_eq!(tls.hello.to_string(), "client.example.org");
        for bad in [
            "http://x",
            "smtp://x?tls=sometimes",
            "mail.example.org",
            "smtp://",
        ] {
            assert!(Server::from_url(bad).is_err(), "{bad}");
        }
    }
}
