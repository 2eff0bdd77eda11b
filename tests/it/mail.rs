//! Mail over a real SMTP server on loopback: the validators' aiosmtpd,
//! storing what it receives in a Maildir the test reads.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use dateline_core::Role;

use crate::{
    admin::{PASSWORD, add_staff, get_with, set_cookie, sign_in, try_sign_in},
    support::{TestServer, encode, eventually, validators_available},
};

/// An SMTP server on a free loopback port, killed when dropped.
pub(crate) struct SmtpSink {
    child: Child,
    pub(crate) port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpSink {
    pub(crate) async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = tempfile::tempdir().unwrap();
        let child = Command::new(crate::support::installed("venv/bin/python"))
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("box"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        eventually(Duration::from_secs(10), || async {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
        })
        .await;
        Self {
            child,
            port,
            maildir,
        }
    }

    /// The Maildir the messages are kept in.
    pub(crate) fn maildir(&self) -> PathBuf {
        self.maildir.path().join("box")
    }

    /// Every message received so far, raw.
    pub(crate) fn messages(&self) -> Vec<String> {
        let new: PathBuf = self.maildir.path().join("box/new");
        let Ok(entries) = std::fs::read_dir(new) else {
            return Vec::new();
        };
        entries
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The body of a message with quoted-printable soft breaks and `=3D` undone.
pub(crate) fn unfolded(message: &str) -> String {
    message
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

async fn ask_for_link(server: &TestServer, email: &str) -> reqwest::Response {
    let response = server.get("/admin/password-reset").await;
    let cookie = set_cookie(&response, "dateline_sign_in").unwrap();
    let token = crate::admin::form_token(&response.text().await.unwrap());
    let cookie = cookie.split(';').next().unwrap().to_owned();
    crate::admin::post(
        server,
        "/admin/password-reset",
        &cookie,
        encode(&[("csrf", &token), ("email", email)]),
    )
    .await
}

#[tokio::test]
async fn a_reset_link_arrives_by_smtp_works_once_and_ends_every_session() {
    if !validators_available() {
        return;
    }
    let sink = SmtpSink::start().await;
    let port = sink.port;
    let server = TestServer::with_demo_and(|config| {
        config.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        config.mail.from = "Dateline Desk <desk@example.org>".into();
    })
    .await;
    add_staff(&server, "kavya@example.org", Role::Editor).await;
    let old_session = sign_in(&server, "kavya@example.org").await;

    // An unknown address gets the same answer and no mail.
    let unknown = ask_for_link(&server, "nobody@example.org").await;
    assert_eq!(unknown.status(), 200);
    let unknown = unknown.text().await.unwrap();
    assert!(unknown.contains("If that address has an account"));
    assert!(sink.messages().is_empty());
    let forged = crate::admin::post(
        &server,
        "/admin/password-reset",
        "",
        encode(&[("csrf", "forged"), ("email", "kavya@example.org")]),
    )
    .await;
    assert_eq!(forged.status(), 403, "without the form's cookie");
    assert!(sink.messages().is_empty());

    // The known one: the same answer; the job mails the link.
    let known = ask_for_link(&server, "Kavya@Example.org").await;
    assert_eq!(known.status(), 200);
    assert_eq!(
        known
            .text()
            .await
            .unwrap()
            .matches("If that address has an account")
            .count(),
        1
    );
    eventually(Duration::from_secs(10), || async {
        !sink.messages().is_empty()
    })
    .await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "one mail, to the known address only");
    let message = unfolded(&messages[0]);
    for header in [
        "Subject: Reset your",
        "From: \"Dateline Desk\" <desk@example.org>",
        "To: kavya@example.org",
        "Date: ",
        "Message-ID: ",
    ] {
        assert!(message.contains(header), "{header} in\n{message}");
    }
    let at = message
        .find(&format!("{}/admin/password-reset/", server.base))
        .expect("a link");
    let link: String = message[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let path = link.strip_prefix(&server.base).unwrap().to_owned();

    // The link's form; a weak password is refused and changes nothing.
    let form = server.get(&path).await;
    assert_eq!(form.status(), 200);
    let cookie = set_cookie(&form, "dateline_sign_in").unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let token = crate::admin::form_token(&form.text().await.unwrap());
    let weak = crate::admin::post(
        &server,
        &path,
        &cookie,
        encode(&[("csrf", &token), ("password", "short")]),
    )
    .await;
    assert_eq!(weak.status(), 422);
    assert_eq!(
        get_with(&server, "/admin", &old_session).await.status(),
        200
    );

    let new_password = "a brand new password";
    let done = crate::admin::post(
        &server,
        &path,
        &cookie,
        encode(&[("csrf", &token), ("password", new_password)]),
    )
    .await;
    assert_eq!(done.status(), 200);
    assert!(
        done.text()
            .await
            .unwrap()
            .contains("Your password is changed")
    );
    assert_eq!(
        get_with(&server, "/admin", &old_session).await.status(),
        303,
        "old sessions ended"
    );
    assert_eq!(
        try_sign_in(&server, "kavya@example.org", PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        try_sign_in(&server, "kavya@example.org", new_password)
            .await
            .status(),
        303
    );

    assert_eq!(server.get(&path).await.status(), 410, "used once");
}

/// Asking for a reset link tells nothing about who works here: with the
/// mail server down, a known and an unknown address get the same answer,
/// and the link is mailed by a job that tries again.
#[tokio::test]
async fn a_reset_request_answers_the_same_for_known_and_unknown_addresses_with_mail_down() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = TestServer::with_demo_and(|config| {
        config.mail.smtp_url = Some(format!("smtp://127.0.0.1:{closed}"));
    })
    .await;
    add_staff(&server, "kavya@example.org", Role::Editor).await;
    let mut answers = Vec::new();
    for email in ["kavya@example.org", "nobody@example.org"] {
        let response = ask_for_link(&server, email).await;
        let status = response.status().as_u16();
        answers.push((status, response.text().await.unwrap()));
    }
    assert_eq!(answers[0].0, 200);
    assert_eq!(answers[0], answers[1], "known and unknown look alike");
}
